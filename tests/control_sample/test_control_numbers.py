"""Every number of the control-sample auditor against an independent computation.

A small table counted by hand; Wilson and Newcombe intervals from their published formulas written
out here; the log ratio interval by hand; the tests against scipy (fisher_exact, chi2_contingency).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy.stats import chi2_contingency, fisher_exact, norm

from govaudit.control_sample import ControlSampleAuditor

Z = norm.ppf(0.975)


def _table(cells: dict[tuple[str, str], tuple[int, int]]) -> pd.DataFrame:
    """Rows from {(method, group): (cases, errors found)}."""
    rows = []
    for (method, group), (n, hits) in cells.items():
        rows += [{"how": method, "grp": group, "err": int(i < hits)} for i in range(n)]
    return pd.DataFrame(rows).sample(frac=1.0, random_state=0).reset_index(drop=True)


def _wilson(x: int, n: int) -> tuple[float, float]:
    """Wilson (1927) score interval, the textbook formula."""
    p = x / n
    centre = (p + Z * Z / (2 * n)) / (1 + Z * Z / n)
    half = Z / (1 + Z * Z / n) * math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n))
    return centre - half, centre + half


def _newcombe(x1: int, n1: int, x2: int, n2: int) -> tuple[float, float, float]:
    """Newcombe (1998) method 10: the hybrid score interval for p1 - p2."""
    p1, p2 = x1 / n1, x2 / n2
    l1, u1 = _wilson(x1, n1)
    l2, u2 = _wilson(x2, n2)
    d = p1 - p2
    return d, d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2), d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)


def _katz(x1: int, n1: int, x2: int, n2: int) -> tuple[float, float, float]:
    """Katz et al. (1978) log interval for a ratio of two proportions."""
    r = (x1 / n1) / (x2 / n2)
    se = math.sqrt(1 / x1 - 1 / n1 + 1 / x2 - 1 / n2)
    return r, r * math.exp(-Z * se), r * math.exp(Z * se)


# 300 model-selected cases (a 180, b 120) and 200 random ones (a 80, b 120), with errors found
CELLS = {("model", "a"): (180, 36), ("model", "b"): (120, 30), ("random", "a"): (80, 8), ("random", "b"): (120, 18)}


@pytest.fixture(scope="module")
def report():
    return ControlSampleAuditor().assess(_table(CELLS), method="how", sensitive_features=["grp"], outcome="err")


def test_counts_and_shares_are_hand_counts(report):
    t = report.by_group["grp"].set_index("group")
    assert t.loc["a", "model_count"] == 180 and t.loc["a", "random_count"] == 80
    assert t.loc["b", "model_count"] == 120 and t.loc["b", "random_count"] == 120
    assert t.loc["a", "model_share"] == pytest.approx(180 / 300) and t.loc["a", "random_share"] == pytest.approx(0.4)
    assert t.loc["a", "model_hits"] == 36 and t.loc["b", "random_hits"] == 18
    assert t.loc["a", "model_hit_rate"] == pytest.approx(0.2) and t.loc["a", "random_hit_rate"] == pytest.approx(0.1)
    assert t.loc["b", "model_hit_rate"] == pytest.approx(0.25) and t.loc["b", "random_hit_rate"] == pytest.approx(0.15)


@pytest.mark.parametrize("group, x_m, x_r", [("a", 180, 80), ("b", 120, 120)])
def test_share_intervals_match_the_published_formulas(report, group, x_m, x_r):
    row = report.by_group["grp"].set_index("group").loc[group]
    assert (row["model_share_low"], row["model_share_high"]) == pytest.approx(_wilson(x_m, 300), abs=1e-12)
    assert (row["random_share_low"], row["random_share_high"]) == pytest.approx(_wilson(x_r, 200), abs=1e-12)
    d, lo, hi = _newcombe(x_m, 300, x_r, 200)
    assert (row["share_difference"], row["share_difference_low"], row["share_difference_high"]) == pytest.approx(
        (d, lo, hi), abs=1e-12)
    r, lo, hi = _katz(x_m, 300, x_r, 200)
    assert (row["share_ratio"], row["share_ratio_low"], row["share_ratio_high"]) == pytest.approx((r, lo, hi),
                                                                                                 rel=1e-12)


def test_share_test_is_the_pooled_z_test_of_scipy(report):
    row = report.by_group["grp"].set_index("group").loc["a"]
    chi2, p, _, _ = chi2_contingency([[180, 120], [80, 120]], correction=False)
    assert row["test_method"] == "two-proportion z"
    assert row["p_value"] == pytest.approx(p, rel=1e-9)
    assert row["test_statistic"] ** 2 == pytest.approx(chi2, rel=1e-9)


def test_hit_rates_and_their_ratio(report):
    row = report.by_group["grp"].set_index("group").loc["a"]
    assert (row["model_hit_rate_low"], row["model_hit_rate_high"]) == pytest.approx(_wilson(36, 180), abs=1e-12)
    assert (row["random_hit_rate_low"], row["random_hit_rate_high"]) == pytest.approx(_wilson(8, 80), abs=1e-12)
    r, lo, hi = _katz(36, 180, 8, 80)
    assert (row["hit_rate_ratio"], row["hit_rate_ratio_low"], row["hit_rate_ratio_high"]) == pytest.approx(
        (r, lo, hi), rel=1e-12)
    # 8 of 80 random cases: an expected cell under 5 is not the case, but a stream of 80 >= 30 -> z test
    _, p, _, _ = chi2_contingency([[36, 144], [8, 72]], correction=False)
    assert row["hit_p_value"] == pytest.approx(p, rel=1e-9)


def test_small_streams_use_fishers_exact_test():
    cells = {("model", "a"): (15, 3), ("model", "b"): (5, 1), ("random", "a"): (4, 0), ("random", "b"): (16, 2)}
    report = ControlSampleAuditor(min_random_cases=1).assess(_table(cells), method="how", sensitive_features="grp",
                                                             outcome="err")
    row = report.by_group["grp"].set_index("group").loc["a"]
    odds, p = fisher_exact([[15, 5], [4, 16]])
    assert row["test_method"] == "fisher exact"
    assert row["p_value"] == pytest.approx(p, rel=1e-12) and row["test_statistic"] == pytest.approx(odds)
    # no error found among a's random cases: the hit-rate ratio is undefined, not infinite
    assert math.isnan(row["hit_rate_ratio"]) and row["random_hit_rate"] == 0.0
    assert row["random_hit_rate_low"] == 0.0 and row["random_hit_rate_high"] == pytest.approx(_wilson(0, 4)[1])


def test_a_zero_count_gives_a_zero_ratio_with_the_half_count_upper_bound():
    cells = {("model", "a"): (100, 0), ("random", "a"): (60, 0), ("random", "b"): (40, 0)}
    report = ControlSampleAuditor().assess(_table(cells), method="how", sensitive_features="grp")
    row = report.by_group["grp"].set_index("group").loc["b"]
    assert row["model_count"] == 0 and row["share_ratio"] == 0.0 and row["share_ratio_low"] == 0.0
    r = (0.5 / 100) / (40 / 100)
    assert row["share_ratio_high"] == pytest.approx(r * math.exp(Z * math.sqrt(1 / 0.5 - 1 / 100 + 1 / 40 - 1 / 100)))
    d, lo, hi = _newcombe(0, 100, 40, 100)
    assert (row["share_difference"], row["share_difference_low"], row["share_difference_high"]) == pytest.approx(
        (d, lo, hi), abs=1e-12)


def test_gate_findings_carry_the_measured_values_and_the_gate(report):
    ratio = [f for f in report.findings if f.check == "control_sample.share_ratio" and f.groups == ("a",)][0]
    diff = [f for f in report.findings if f.check == "control_sample.share_difference" and f.groups == ("b",)][0]
    assert ratio.value == pytest.approx(1.5) and ratio.status.value == "pass"
    assert ratio.evidence["gate"] == {"min": 0.5, "max": 2.0}
    assert ratio.evidence["ci"] == pytest.approx(list(_katz(180, 300, 80, 200)[1:]))
    assert diff.value == pytest.approx(0.2) and diff.evidence["share_difference"] == pytest.approx(-0.2)
    assert diff.threshold == 0.30 and diff.operator == "<="
    overall = [f for f in report.findings if f.check == "control_sample.hit_rates"][0]
    assert overall.evidence["model_hit_rate"] == pytest.approx(66 / 300)
    assert overall.evidence["random_hit_rate"] == pytest.approx(26 / 200)
    assert overall.value == pytest.approx((66 / 300) / (26 / 200))


def test_an_over_selected_group_fails_after_holms_correction():
    # 10,000 cases a stream: each gate is tested against its own bound, so a ratio of 2.17 against a max
    # of 2 fails only when the sample shows it is beyond 2 (at 1,000 a stream it is merely inconclusive)
    cells = {("model", "a"): (6500, 10), ("model", "b"): (2500, 10), ("model", "c"): (1000, 5),
             ("random", "a"): (3000, 10), ("random", "b"): (3500, 10), ("random", "c"): (3500, 10)}
    report = ControlSampleAuditor().assess(_table(cells), method="how", sensitive_features="grp", outcome="err")
    statuses = {(f.check, f.groups[0]): f.status.value for f in report.findings if f.groups}
    assert statuses[("control_sample.share_ratio", "a")] == "fail"  # 0.65 / 0.30 = 2.17 > 2
    assert statuses[("control_sample.share_difference", "a")] == "fail"  # 35 points > 30
    assert statuses[("control_sample.share_ratio", "b")] == "pass"  # 0.25 / 0.35 = 0.71
    assert statuses[("control_sample.share_difference", "b")] == "pass"  # 10 points
    assert statuses[("control_sample.share_ratio", "c")] == "fail"  # 0.10 / 0.35 = 0.29 < 0.5
    assert statuses[("control_sample.share_difference", "c")] == "pass"  # 25 points
    sig = [f for f in report.findings if f.check == "control_sample.share_ratio"][0].evidence["significance"]
    assert sig["correction"] == "holm" and sig["family_size"] == 6
    assert not report.passed


def test_numbers_do_not_depend_on_the_order_of_rows():
    table = _table(CELLS)
    first = ControlSampleAuditor().assess(table, method="how", sensitive_features="grp", outcome="err")
    second = ControlSampleAuditor().assess(table.iloc[::-1], method="how", sensitive_features="grp", outcome="err")
    pd.testing.assert_frame_equal(first.by_group["grp"], second.by_group["grp"])
    assert np.isfinite(first.by_group["grp"]["p_value"]).all()
