"""Every number of the multi-class audit against an independent computation: a hand count, scikit-learn's
confusion matrix per group, fairlearn's MetricFrame over one-vs-rest labels, scipy's binomial interval,
and the binary bias audit on two classes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from govaudit.auditors import BiasAuditor, MultiClassAuditor
from govaudit.metrics import class_counts, code_classes, encode_groups

CLASSES = ["none", "letter", "interview", "investigation"]


def _sample(n: int = 3000, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({"sex": rng.choice(["f", "m"], n), "region": rng.choice(["north", "south", "east"], n)})
    frame["true"] = rng.choice(CLASSES, n, p=[0.5, 0.25, 0.15, 0.1])
    frame["pred"] = np.where(rng.random(n) < 0.7, frame["true"], rng.choice(CLASSES, n))
    return frame


def test_a_hand_counted_table():
    # group a: (true, decided) = (x,x) (x,y) (y,y) (z,x); group b: (x,x) (y,z) (z,z)
    groups = ["a", "a", "a", "a", "b", "b", "b"]
    true = ["x", "x", "y", "z", "x", "y", "z"]
    pred = ["x", "y", "y", "x", "x", "z", "z"]
    report = MultiClassAuditor(adverse_class="z", min_group_size=2, suppress_below=0, n_resamples=0).assess(
        pred, sensitive_features=groups, y_class_true=true)
    counts = report.counts["sensitive_feature"]
    assert report.classes == ("x", "y", "z")
    assert counts.counts[0].tolist() == [[1, 1, 0], [0, 1, 0], [1, 0, 0]]
    assert counts.counts[1].tolist() == [[1, 0, 0], [0, 0, 1], [0, 0, 1]]
    x = report.by_class["sensitive_feature"]["x"]
    # class x in group a: decided x 2 of 4; of the 2 truly x, 1 decided x; of the 2 not x, 1 decided x (z)
    assert x["selection_rate"].tolist() == [0.5, 1 / 3]
    assert x["tpr"].tolist() == [0.5, 1.0]
    assert x["fpr"].tolist() == [0.5, 0.0]
    assert x["precision"].tolist() == [0.5, 1.0]
    z = report.by_class["sensitive_feature"]["z"]
    assert z["selection_rate"].tolist() == [0.0, 2 / 3]
    assert z["fpr"].tolist() == [0.0, 0.5]  # b: of y and x (2 not z) one decided z
    # reference for every class: the group sent to z least often (a); b against a is a zero division
    table = next(f for f in report.findings if f.check == "multiclass.confusion")
    assert table.evidence["reference"] == "a"


def test_confusion_matrix_by_group_equals_scikit_learn():
    from sklearn.metrics import confusion_matrix

    frame = _sample()
    report = MultiClassAuditor(adverse_class="investigation", classes=CLASSES, intersectional=True).assess(
        frame["pred"], sensitive_features=frame[["sex", "region"]], y_class_true=frame["true"])
    for feature, columns in (("sex", ["sex"]), ("region", ["region"]), ("sex & region", ["sex", "region"])):
        counts = report.counts[feature]
        keys = frame[columns].astype(str).agg(" & ".join, axis=1)
        for g, label in enumerate(counts.labels):
            rows = frame[keys == label]
            expected = confusion_matrix(rows["true"], rows["pred"], labels=CLASSES)
            np.testing.assert_array_equal(counts.counts[g], expected)


def test_one_vs_rest_rates_equal_fairlearn_metric_frames():
    from fairlearn.metrics import MetricFrame, false_positive_rate, false_negative_rate, selection_rate
    from sklearn.metrics import precision_score, recall_score

    frame = _sample(seed=4)
    report = MultiClassAuditor(adverse_class="investigation").assess(
        frame["pred"], sensitive_features=frame[["region"]], y_class_true=frame["true"])
    for name in CLASSES:
        table = report.by_class["region"][name]
        mf = MetricFrame(metrics={"selection_rate": selection_rate, "tpr": recall_score,
                                  "fpr": false_positive_rate, "fnr": false_negative_rate,
                                  "precision": precision_score},
                         y_true=(frame["true"] == name).astype(int), y_pred=(frame["pred"] == name).astype(int),
                         sensitive_features=frame["region"])
        for metric in ("selection_rate", "tpr", "fpr", "fnr", "precision"):
            np.testing.assert_allclose(table[metric].to_numpy(), mf.by_group[metric].loc[list(table.index)].to_numpy(),
                                       rtol=1e-12, err_msg=f"{name} {metric}")


def test_wilson_interval_of_a_class_rate_equals_scipy():
    from scipy.stats import binomtest

    frame = _sample(seed=2)
    report = MultiClassAuditor(adverse_class="investigation", confidence=0.9).assess(
        frame["pred"], sensitive_features=frame["sex"])
    table = report.by_class["sex"]["letter"]
    for label, row in table.iterrows():
        chosen = int(((frame["sex"] == label) & (frame["pred"] == "letter")).sum())
        ci = binomtest(chosen, int((frame["sex"] == label).sum())).proportion_ci(0.9, method="wilson")
        assert (row["selection_rate_low"], row["selection_rate_high"]) == pytest.approx((ci.low, ci.high), rel=1e-9)


def test_two_classes_give_exactly_the_binary_audit():
    frame = _sample(seed=7)
    true = (frame["true"] == "investigation").map({True: "flag", False: "clear"})
    pred = (frame["pred"] == "investigation").map({True: "flag", False: "clear"})
    multi = MultiClassAuditor(adverse_class="flag", n_resamples=300, seed=3, require_significance=False).assess(
        pred, sensitive_features=frame[["region"]], y_class_true=true)
    binary = BiasAuditor(decision="adverse", n_resamples=300, seed=3).assess(
        (true == "flag").astype(int), (pred == "flag").astype(int), sensitive_features=frame[["region"]])
    ours, theirs = multi.by_class["region"]["flag"], binary.by_group["region"]
    for column in theirs.columns:
        np.testing.assert_array_equal(ours[column].to_numpy(), theirs[column].to_numpy(), err_msg=column)
    contrasts = binary.group_disparities["region"]
    for _, row in contrasts.iterrows():
        for kind in ("ratio", "difference"):
            for suffix in ("", "_low", "_high"):
                np.testing.assert_equal(ours.loc[row["group"], f"{row['metric']}_{kind}{suffix}"],
                                        row[f"{kind}{suffix}"])


def test_counting_weighted_compressed_rows_equals_counting_rows():
    frame = _sample(seed=5)
    enc = encode_groups(frame["region"])
    pred, classes = code_classes(frame["pred"], "pred", CLASSES)
    true, _ = code_classes(frame["true"], "true", CLASSES)
    rows = class_counts(enc.codes, enc.labels, classes, pred, true)
    grouped = frame.groupby(["region", "true", "pred"]).size().reset_index(name="n")
    genc = encode_groups(grouped["region"])
    weighted = class_counts(genc.codes, genc.labels, classes, code_classes(grouped["pred"], "p", CLASSES)[0],
                            code_classes(grouped["true"], "t", CLASSES)[0], grouped["n"].to_numpy())
    np.testing.assert_array_equal(rows.counts, weighted.counts)
    assert rows.n.sum() == len(frame)
    one = rows.one_vs_rest(2)
    assert one.counts.sum() == len(frame) and (one.counts >= 0).all()


def test_classes_are_compared_as_text():
    pred, classes = code_classes(np.array([2.0, 1.0, 2.0]), "pred")
    assert classes == ("1", "2") and pred.tolist() == [1, 0, 1]
    pred, _ = code_classes(["2", 1, 2], "pred", ("1", "2"))
    assert pred.tolist() == [1, 0, 1]


def test_ordered_classes_add_the_share_at_least_as_adverse():
    frame = _sample(seed=9)
    report = MultiClassAuditor(classes=CLASSES, n_resamples=0).assess(frame["pred"], sensitive_features=frame["sex"])
    table = next(f for f in report.findings if f.check == "multiclass.class_rates" and f.evidence["class"] == "letter")
    for row in table.evidence["groups"]:
        members = frame[frame["sex"] == row["group"]]
        # letter, interview or investigation: everything but "none", counted by hand
        assert row["at_least_rate"] == pytest.approx((members["pred"] != "none").mean(), rel=1e-12)
        assert row["at_least_rate_ci"][0] < row["at_least_rate"] < row["at_least_rate_ci"][1]
    first = next(f for f in report.findings if f.check == "multiclass.class_rates" and f.evidence["class"] == "none")
    assert "at_least_rate" not in first.evidence["groups"][0]  # everyone is at least "none"
    unordered = MultiClassAuditor(adverse_class="investigation", n_resamples=0).assess(
        frame["pred"], sensitive_features=frame["sex"])
    assert not any("at_least_rate" in r for f in unordered.findings if f.check == "multiclass.class_rates"
                   for r in f.evidence["groups"])
