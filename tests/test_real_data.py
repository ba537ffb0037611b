"""govaudit against real public data and figures nobody on the team produced (shared/data/PROVENANCE.md).

- Ricci v. DeStefano (New Haven promotion exams): pass rates by race and the four-fifths impact
  ratios published in the case record.
- UCI Adult: P(>50K) by sex as reproduced in PROVENANCE.md, and every group / intersection rate
  against an independent pandas groupby, through the full ``govaudit.audit`` record.
- Amsterdam "Slimme Check": the city's confusion counts by group, expanded to rows, against the
  rates Lighthouse Reports published (groundtruth_lhr_amsterdam_cms_wide.csv).
- Statlog German Credit: class counts published with the data, and rates by personal status/sex
  against pandas (no published per-group figures exist, so only the independent recomputation).

The module is skipped when the shared data folder is not present (e.g. in a packaged sdist).
"""

from __future__ import annotations

import html
import json
import math
import os
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import govaudit
from govaudit.auditors import BiasAuditor


def _shared_data() -> Path:
    env = os.environ.get("GOVAUDIT_SHARED_DATA")
    return Path(env) if env else Path(__file__).resolve().parents[2] / "shared" / "data"


DATA = _shared_data()
if not DATA.is_dir():
    pytest.skip(f"shared data folder not found: {DATA} (set GOVAUDIT_SHARED_DATA)", allow_module_level=True)


def _need(name: str) -> Path:
    path = DATA / name
    if not path.is_file():
        pytest.skip(f"{name} not in {DATA}")
    return path


# == Ricci v. DeStefano ===========================================================================
#: Published in the case record (557 U.S. 557; 2nd Cir.), quoted in PROVENANCE.md §3: (passed, took).
RICCI_PUBLISHED = {
    "Lieutenant": {"W": (25, 43), "B": (6, 19), "H": (3, 15)},
    "Captain": {"W": (16, 25), "B": (3, 8), "H": (3, 8)},
}
#: Four-fifths impact ratios against W, as reproduced in PROVENANCE.md §3 (4 dp).
RICCI_IMPACT_RATIOS = {"Lieutenant": {"B": 0.5432, "H": 0.3440}, "Captain": {"B": 0.5859, "H": 0.5859}}


@pytest.fixture(scope="module")
def ricci() -> pd.DataFrame:
    table = pd.read_csv(_need("ricci.csv"))
    table["passed"] = table["Combine"] >= 70  # the contract's pass mark
    return table


@pytest.fixture(scope="module")
def ricci_truth() -> pd.DataFrame:
    return pd.read_csv(_need("groundtruth_ricci_pass_rates.csv"))


def _ricci_report(ricci: pd.DataFrame, position: str, decision: str = "passed", **config) -> object:
    rows = ricci[ricci["Position"] == position]
    # the court record publishes these rates, so the audit may too (suppress_below = 0)
    settings = {"min_group_size": 5, "suppress_below": 0, "n_resamples": 0, **config}
    return BiasAuditor(**settings).assess(
        y_pred=rows[decision].to_numpy(), sensitive_features=rows["Race"].rename("race").reset_index(drop=True)
    )


def test_ricci_file_matches_provenance(ricci: pd.DataFrame) -> None:
    assert len(ricci) == 118
    assert ricci["Position"].value_counts().to_dict() == {"Lieutenant": 77, "Captain": 41}
    np.testing.assert_allclose(ricci["Combine"], 0.6 * ricci["Written"] + 0.4 * ricci["Oral"], atol=1e-3)


@pytest.mark.parametrize("position", ["Lieutenant", "Captain"])
def test_ricci_pass_rates_equal_ground_truth_and_court_figures(ricci, ricci_truth, position: str) -> None:
    table = _ricci_report(ricci, position).by_group["race"]
    truth = ricci_truth[ricci_truth["position"] == position].set_index("race")
    assert sorted(table.index) == sorted(truth.index) == ["B", "H", "W"]
    for race, row in truth.iterrows():
        n = int(table.loc[race, "count"])
        rate = float(table.loc[race, "selection_rate"])
        assert n == row["n_takers"]
        assert round(rate * n) == row["n_passed"]
        assert round(rate, 4) == pytest.approx(row["pass_rate"], abs=1e-12)
        passed, took = RICCI_PUBLISHED[position][race]
        assert (round(rate * n), n) == (passed, took)
        assert rate == pytest.approx(passed / took, abs=1e-15)


@pytest.mark.parametrize("position", ["Lieutenant", "Captain"])
def test_ricci_impact_ratios_and_fisher_tests(ricci, position: str) -> None:
    """All Ricci comparisons involve a group under 30 people, so Fisher's exact test is used for every one."""
    from scipy.stats import fisher_exact

    report = _ricci_report(ricci, position)
    table = report.by_group["race"]
    published = RICCI_PUBLISHED[position]
    w_passed, w_took = published["W"]
    findings = {f.evidence["group"]: f for f in report.findings if f.check == "bias.impact_ratio"}
    assert set(findings) == {"B", "H"}  # W, the most favoured group, is the reference
    for race in ("B", "H"):
        passed, took = published[race]
        expected = (passed / took) / (w_passed / w_took)
        assert table.loc[race, "impact_ratio"] == pytest.approx(expected, abs=1e-12)
        assert round(expected, 4) == RICCI_IMPACT_RATIOS[position][race]
        finding = findings[race]
        assert finding.evidence["reference"] == "W"
        assert finding.value == pytest.approx(expected, abs=1e-12)
        assert finding.status is govaudit.Status.FAIL  # below 0.8, and significance is not required
        assert finding.evidence["four_fifths_rule_violated"] is True
        test = finding.evidence["test"]
        assert test["method"] == "fisher exact"  # n < 30 in the group compared
        res = fisher_exact([[passed, took - passed], [w_passed, w_took - w_passed]])
        assert test["p_value"] == pytest.approx(res.pvalue, rel=1e-12)
        assert test["shortfall"] == pytest.approx(w_passed / w_took * took - passed, abs=1e-12)
    if position == "Lieutenant":
        # Only H vs W is significant at 5% (p ~ 0.016); B vs W is not (p ~ 0.097).
        assert findings["H"].evidence["test"]["significant"] is True
        assert findings["B"].evidence["test"]["significant"] is False


def test_ricci_small_groups_are_not_judged_by_default(ricci) -> None:
    """With the default min_group_size (30) the Ricci minority groups are flagged, and the gate is inconclusive."""
    lieutenant = _ricci_report(ricci, "Lieutenant", min_group_size=30)
    assert not [f for f in lieutenant.findings
                if f.check == "bias.impact_ratio" and f.status is not govaudit.Status.INCONCLUSIVE]
    small = next(f for f in lieutenant.findings if f.check == "bias.small_groups")
    assert {g["group"]: g["count"] for g in small.evidence["groups"]} == {"B": 19, "H": 15}
    with pytest.raises(govaudit.InputDataError, match="min_group_size = 30 is larger than every group"):
        _ricci_report(ricci, "Captain", min_group_size=30)  # 25 white, 8 black, 8 Hispanic candidates
    captain = _ricci_report(ricci, "Captain", min_group_size=20)
    ratio = [f for f in captain.findings if f.check == "bias.impact_ratio"]
    assert len(ratio) == 1 and ratio[0].status is govaudit.Status.INCONCLUSIVE and ratio[0].value is None
    assert "only one group" in ratio[0].message


@pytest.mark.parametrize(("position", "top"), [("Lieutenant", 10), ("Captain", 9)])
def test_ricci_rule_of_three_eligibility(ricci, ricci_truth, position: str, top: int) -> None:
    """The top g+2 scorers (promotable under the rule of three): a zero selection rate is 0, not undefined."""
    rows = ricci[ricci["Position"] == position].copy()
    ordered = rows["Combine"].sort_values(ascending=False).to_numpy()
    assert ordered[top - 1] > ordered[top]  # no tie at the cut
    rows["eligible"] = rows["Combine"] >= ordered[top - 1]
    table = _ricci_report(rows, position, decision="eligible").by_group["race"]
    truth = ricci_truth[ricci_truth["position"] == position].set_index("race")
    for race, row in truth.iterrows():
        n_top = round(table.loc[race, "selection_rate"] * table.loc[race, "count"])
        assert n_top == row["n_in_top_eligible_scorers"]
    # Lieutenant: the top 10 were all white, so B and H have rate 0 and impact ratio 0 (defined).
    if position == "Lieutenant":
        assert table.loc["B", "impact_ratio"] == 0.0 and table.loc["H", "impact_ratio"] == 0.0


# == UCI Adult ====================================================================================
ADULT_COLUMNS = [
    "age", "workclass", "fnlwgt", "education", "education-num", "marital-status", "occupation",
    "relationship", "race", "sex", "capital-gain", "capital-loss", "hours-per-week", "native-country", "income",
]


@pytest.fixture(scope="module")
def adult() -> pd.DataFrame:
    table = pd.read_csv(_need("adult.data"), header=None, names=ADULT_COLUMNS, skipinitialspace=True,
                        na_values="?")
    table["high_income"] = (table["income"] == ">50K").astype(np.int8)
    return table


@pytest.fixture(scope="module")
def adult_record(adult: pd.DataFrame) -> govaudit.AuditRecord:
    return govaudit.audit(data=adult, y_pred=adult["high_income"], sensitive_features=["sex", "race"],
                          auditors={"bias": {"intersections": [["sex", "race"]]}}, name="uci_adult_income")


def _pandas_rates(adult: pd.DataFrame, feature: str) -> pd.DataFrame:
    """Independent per-group count and rate; intersections labelled 'a & b' like govaudit."""
    if feature == "sex & race":
        key = adult["sex"].astype(str) + " & " + adult["race"].astype(str)
    else:
        key = adult[feature].astype(str)
    grouped = adult["high_income"].groupby(key)
    return pd.DataFrame({"count": grouped.size(), "selected": grouped.sum(), "rate": grouped.mean()})


def test_adult_file_matches_provenance(adult: pd.DataFrame) -> None:
    assert len(adult) == 32561
    assert adult["income"].value_counts().to_dict() == {"<=50K": 24720, ">50K": 7841}
    assert int(adult.isna().any(axis=1).sum()) == 2399


def test_adult_selection_rates_by_sex_equal_published(adult: pd.DataFrame) -> None:
    report = BiasAuditor(n_resamples=0).assess(y_pred=adult["high_income"], sensitive_features=adult["sex"])
    table = report.by_group["sex"]
    assert round(float(table.loc["Female", "selection_rate"]), 6) == 0.109461
    assert round(float(table.loc["Male", "selection_rate"]), 6) == 0.305737
    assert table.loc["Female", "impact_ratio"] == pytest.approx(0.109461 / 0.305737, abs=1e-5)


@pytest.mark.parametrize("feature", ["sex", "race", "sex & race"])
def test_adult_assess_equals_pandas_groupby(adult: pd.DataFrame, feature: str) -> None:
    columns = ["sex", "race"] if feature == "sex & race" else [feature]
    auditor = BiasAuditor(n_resamples=0, intersections=[columns] if len(columns) > 1 else [])
    table = auditor.assess(y_pred=adult["high_income"], sensitive_features=adult[["sex", "race"]]).by_group[feature]
    expected = _pandas_rates(adult, feature)
    assert sorted(table.index) == sorted(expected.index)
    table = table.loc[expected.index]
    np.testing.assert_array_equal(table["count"].to_numpy(), expected["count"].to_numpy())
    np.testing.assert_allclose(table["selection_rate"].to_numpy(), expected["rate"].to_numpy(), rtol=0, atol=1e-15)


@pytest.mark.parametrize("feature", ["sex", "race", "sex & race"])
def test_adult_record_evidence_equals_pandas(adult: pd.DataFrame, adult_record, feature: str) -> None:
    metrics = [f for f in adult_record.findings if f.check == "bias.group_metrics" and f.evidence["feature"] == feature]
    assert len(metrics) == 1
    evidence = metrics[0].evidence
    expected = _pandas_rates(adult, feature)
    rows = {r["group"]: r for r in evidence["groups"]}
    assert set(rows) == set(expected.index)
    assert evidence["total"] == len(adult) and evidence["unknown_count"] == 0
    reference = expected["rate"].idxmax()  # most favoured group; every Adult group has n >= 30
    assert evidence["reference"] == reference
    for group, exp in expected.iterrows():
        row = rows[group]
        assert row["count"] == exp["count"]
        assert row["share"] == pytest.approx(exp["count"] / len(adult), abs=1e-15)
        assert row["selection_rate"] == pytest.approx(exp["rate"], abs=1e-15)
        assert row["impact_ratio"] == pytest.approx(exp["rate"] / expected.loc[reference, "rate"], abs=1e-12)
    disparity = evidence["disparities"]["demographic_parity_difference"]["value"]
    assert disparity == pytest.approx(expected["rate"].max() - expected["rate"].min(), abs=1e-15)


def test_adult_wilson_intervals_by_sex(adult: pd.DataFrame, adult_record) -> None:
    """Wilson 95% intervals in the record, against the textbook formula."""
    from scipy.stats import norm

    z = norm.ppf(0.975)
    evidence = next(f.evidence for f in adult_record.findings
                    if f.check == "bias.group_metrics" and f.evidence["feature"] == "sex")
    for row in evidence["groups"]:
        n, p = row["count"], row["selection_rate"]
        centre = (p + z * z / (2 * n)) / (1 + z * z / n)
        half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
        assert row["selection_rate_ci"] == pytest.approx([centre - half, centre + half], abs=1e-12)


def test_adult_record_validates_against_schema(adult_record) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    document = json.loads(adult_record.to_json())
    validator = jsonschema.Draft202012Validator(govaudit.record_json_schema())
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.path))
    assert not errors, errors[0].message
    assert document["data"][0]["rows"] == 32561
    # the sex impact ratio fails the four-fifths rule
    sex_ratio = [f for f in adult_record.findings if f.check == "bias.impact_ratio" and f.evidence["feature"] == "sex"]
    assert len(sex_ratio) == 1 and sex_ratio[0].status is govaudit.Status.FAIL
    assert sex_ratio[0].evidence["group"] == "Female" and sex_ratio[0].evidence["test"]["method"] == "two-proportion z"


# == Amsterdam "Slimme Check" =====================================================================
_CELLS = {"TN": (0, 0), "FP": (0, 1), "FN": (1, 0), "TP": (1, 1)}  # (y_true, y_pred)


@pytest.fixture(scope="module")
def amsterdam() -> tuple[pd.DataFrame, pd.DataFrame]:
    counts = pd.read_csv(_need("amsterdam_slimmecheck_confusion_counts.csv"))
    published = pd.read_csv(_need("groundtruth_lhr_amsterdam_cms_wide.csv"))
    # Lighthouse's "TrainTest" is TrainingTrain + TrainingTest summed (PROVENANCE.md §4).
    counts["Dataset"] = counts["Dataset"].replace({"TrainingTrain": "TrainTest", "TrainingTest": "TrainTest"})
    counts["Feature_Value"] = counts["Feature_Value"].astype(str)
    wide = counts.pivot_table(index=["Dataset", "Model", "Feature", "Feature_Value"], columns="Metric",
                              values="Value", aggfunc="sum").reset_index()
    published["Feature"] = published["Feature"].map(html.unescape)  # "Leeftijd&lt;30"
    published["Feature_Value"] = published["Feature_Value"].astype(str)
    return wide, published


def _expand(groups: pd.DataFrame, feature: str) -> tuple[np.ndarray, np.ndarray, pd.Series]:
    """Confusion counts per group -> one row per person (np.repeat)."""
    y_true, y_pred, group = [], [], []
    for _, row in groups.iterrows():
        for cell, (t, p) in _CELLS.items():
            k = int(row[cell])
            y_true.append(np.repeat(t, k))
            y_pred.append(np.repeat(p, k))
            group.append(np.repeat(np.array([row["Feature_Value"]], dtype=object), k))
    return np.concatenate(y_true), np.concatenate(y_pred), pd.Series(np.concatenate(group), name=feature)


def test_amsterdam_rates_equal_lighthouse_published(amsterdam) -> None:
    """Every non-suppressed group: our selection rate, TPR, FPR, precision and error equal Lighthouse's.

    Here y_pred = 1 means "flagged for investigation" (the model's positive class); the counts engine
    treats 1 as the positive decision, so the arithmetic is the same whichever outcome is favourable.
    """
    wide, published = amsterdam
    defined = published.dropna(subset=["group_size"])
    assert len(published) == 88 and len(defined) == 74
    checked = 0
    for (dataset, model, feature), groups in wide.groupby(["Dataset", "Model", "Feature"]):
        y_true, y_pred, group = _expand(groups, feature)
        with warnings.catch_warnings():
            # a few suppressed (<10) groups have one observed outcome; not among those compared
            warnings.simplefilter("ignore", govaudit.UndefinedMetricWarning)
            table = BiasAuditor(min_group_size=1, n_resamples=0).assess(
                y_true, y_pred, sensitive_features=group).by_group[feature]
        mask = (defined["Dataset"] == dataset) & (defined["Model"] == model) & (defined["Feature"] == feature)
        for _, truth in defined[mask].iterrows():
            ours = table.loc[truth["Feature_Value"]]
            assert ours["count"] == truth["group_size"]
            for metric, column in (("selection_rate", "PRED_P"), ("selection_rate", "STAT_PAR"), ("tpr", "TPR"),
                                   ("fpr", "FPR"), ("precision", "PPV")):
                assert 100 * ours[metric] == pytest.approx(truth[column], abs=1e-9), (dataset, model, feature, metric)
            assert 100 * (1 - ours["accuracy"]) == pytest.approx(truth["ERROR"], abs=1e-9)
            checked += 1
    assert checked == 74


def test_amsterdam_pilot_gender_fpr_example(amsterdam) -> None:
    """PROVENANCE.md's worked example: Pilot/BR, FPR of M = 41/(41+28) = 59.4203%, of V = 70.8333%."""
    wide, _ = amsterdam
    groups = wide[(wide["Dataset"] == "Pilot") & (wide["Model"] == "BR") & (wide["Feature"] == "geslacht")]
    y_true, y_pred, group = _expand(groups, "geslacht")
    report = BiasAuditor(min_group_size=1, n_resamples=0).assess(y_true, y_pred, sensitive_features=group)
    table = report.by_group["geslacht"]
    assert table.loc["M", "fpr"] == pytest.approx(41 / 69, abs=1e-15)
    assert round(100 * table.loc["M", "fpr"], 4) == 59.4203
    assert round(100 * table.loc["V", "fpr"], 4) == 70.8333


# == Statlog German Credit ========================================================================
def test_german_credit_class_counts_and_rates_by_personal_status() -> None:
    german = pd.read_csv(_need("german.data"), sep=" ", header=None)
    assert german.shape == (1000, 21)
    assert german[20].value_counts().to_dict() == {1: 700, 2: 300}  # published: 700 good, 300 bad
    good = (german[20] == 1).astype(int)
    status = german[8].rename("personal_status_sex")  # A91..A95 (german.doc)
    table = BiasAuditor(n_resamples=0).assess(y_pred=good, sensitive_features=status).by_group["personal_status_sex"]
    expected = good.groupby(status).agg(["size", "mean"])
    assert sorted(table.index) == sorted(expected.index)
    np.testing.assert_array_equal(table.loc[expected.index, "count"].to_numpy(), expected["size"].to_numpy())
    np.testing.assert_allclose(table.loc[expected.index, "selection_rate"].to_numpy(), expected["mean"].to_numpy(),
                               rtol=0, atol=1e-15)
