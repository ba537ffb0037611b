"""Properties over random triage decisions: absent classes, one-class groups, counts that add up, the binary case."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govaudit.auditors import BiasAuditor, MultiClassAuditor
from govaudit.core import Status

CLASSES = ("none", "letter", "investigation")


@st.composite
def triage(draw):
    sizes = draw(st.lists(st.integers(0, 40), min_size=3, max_size=3))
    if sum(sizes) == 0:
        sizes[0] = 1
    groups = np.repeat(["a", "b", "c"], sizes)
    # per group, the classes it may be decided into: a class may be absent from a group, or a group hold one class
    allowed = [draw(st.lists(st.sampled_from(CLASSES), min_size=1, max_size=3, unique=True)) for _ in range(3)]
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    pred = np.concatenate([rng.choice(allowed[i], size) for i, size in enumerate(sizes)]).astype(object)
    true = rng.choice(CLASSES, groups.size).astype(object)
    return groups, pred, true, allowed, sizes


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(triage(), st.booleans(), st.integers(0, 12))
def test_counts_add_up_and_absent_classes_have_zero_rates(sample, with_truth, suppress):
    groups, pred, true, allowed, sizes = sample
    report = MultiClassAuditor(adverse_class="investigation", classes=CLASSES, min_group_size=5,
                               suppress_below=suppress, n_resamples=50).assess(
        pred, sensitive_features=groups, y_class_true=true if with_truth else None)
    counts = report.counts["sensitive_feature"]
    assert counts.n.sum() == groups.size
    assert counts.has_truth is with_truth
    for g, label in enumerate(counts.labels):
        i = "abc".index(label)
        assert counts.n[g] == sizes[i]
        for k, name in enumerate(CLASSES):
            if name not in allowed[i]:
                assert counts.predicted[g, k] == 0
                assert report.by_class["sensitive_feature"][name].loc[label, "selection_rate"] == 0.0
        if len(allowed[i]) == 1:  # a group decided into one class only
            k = CLASSES.index(allowed[i][0])
            assert report.by_class["sensitive_feature"][allowed[i][0]].loc[label, "selection_rate"] == 1.0
            assert counts.predicted[g, k] == counts.n[g]
        for k in range(len(CLASSES)):
            one = counts.one_vs_rest(k).counts[g]
            assert one.sum() == counts.n[g] and (one >= 0).all()
    for finding in report.findings:
        if finding.status is Status.PASS:
            assert finding.evidence["count"] >= 5
    for finding in report.findings:
        if finding.check == "multiclass.confusion":
            for row in finding.evidence["groups"]:
                assert (row.get("predicted") is None) == (row["count"] < suppress)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 2**16), st.integers(60, 400))
def test_two_classes_reduce_to_the_binary_audit(seed, n):
    rng = np.random.default_rng(seed)
    groups = rng.choice(["a", "b", "c"], n)
    true = rng.integers(0, 2, n)
    pred = np.where(rng.random(n) < 0.7, true, rng.integers(0, 2, n))
    multi = MultiClassAuditor(adverse_class=1, n_resamples=100, seed=seed, min_group_size=5).assess(
        pred, sensitive_features=groups, y_class_true=true)
    binary = BiasAuditor(decision="adverse", n_resamples=100, seed=seed, min_group_size=5).assess(
        true, pred, sensitive_features=groups)
    ours, theirs = multi.by_class["sensitive_feature"]["1"], binary.by_group["sensitive_feature"]
    for column in ("count", "selection_rate", "selection_rate_low", "selection_rate_high", "tpr", "fpr", "precision",
                   "impact_ratio", "impact_ratio_low", "impact_ratio_high"):
        np.testing.assert_array_equal(ours[column].to_numpy(), theirs[column].to_numpy(), err_msg=column)
