"""The differencing attack on real bias findings: it works before protection and fails after."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govaudit.auditors import BiasAuditor
from govaudit.disclosure import protect_findings

from _attack import bounds, published_tables, solve, true_numerators


def _table(seed: int = 3) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """120 people; sex has a group of 4 (F), region three large groups."""
    rng = np.random.default_rng(seed)
    sex = np.array(["F"] * 4 + ["M"] * 60 + ["X"] * 56)
    region = rng.choice(["N", "S", "E"], size=sex.size)
    y_true = rng.integers(0, 2, sex.size)
    y_pred = rng.integers(0, 2, sex.size)
    y_pred[:4] = [1, 1, 1, 0]  # three of the four in F are selected
    return pd.DataFrame({"sex": sex, "region": region}), y_true, y_pred


def _groupings(intersections: list[list[str]]) -> dict[str, list[str]]:
    out = {"sex": ["sex"], "region": ["region"]}
    out.update({" & ".join(c): c for c in intersections})
    return out


def _small_cells(findings, threshold: int = 10) -> list[tuple[str, str]]:
    return [(f.evidence["feature"], r["group"]) for f in findings if f.check == "bias.group_metrics"
            for r in f.evidence["groups"] if r["count"] < threshold]


def test_the_attack_recovers_the_small_group_without_protection() -> None:
    frame, y_true, y_pred = _table()
    findings = BiasAuditor(n_resamples=0).assess(y_true, y_pred, sensitive_features=frame[["sex", "region"]]).findings
    row = next(r for f in findings if f.check == "bias.group_metrics" and f.evidence["feature"] == "sex"
               for r in f.evidence["groups"] if r["group"] == "F")
    assert row["selection_rate"] is None  # primary suppression alone ...
    region = next(f for f in findings if f.check == "bias.group_metrics" and f.evidence["feature"] == "region")
    total = sum(round(r["count"] * r["selection_rate"]) for r in region.evidence["groups"])
    sex = next(f for f in findings if f.check == "bias.group_metrics" and f.evidence["feature"] == "sex")
    others = sum(round(r["count"] * r["selection_rate"]) for r in sex.evidence["groups"] if r["group"] != "F")
    assert total - others == 3  # ... falls to one subtraction
    assert solve(published_tables(findings), int(y_pred.sum()))[("sex", "F")] == 3


@pytest.mark.parametrize("intersections", [[], [["sex", "region"]]], ids=["features", "intersection"])
def test_after_protection_no_small_group_is_derivable(intersections: list[list[str]]) -> None:
    frame, y_true, y_pred = _table()
    auditor = BiasAuditor(n_resamples=0, intersections=intersections)
    raw = auditor.assess(y_true, y_pred, sensitive_features=frame[["sex", "region"]]).findings
    truth = true_numerators(frame, y_pred, _groupings(intersections))
    if intersections:  # the intersection's small cells fall to a margin minus the published cells
        before = solve(published_tables(raw), int(y_pred.sum()))
        assert any(before[c] == truth[c] for c in _small_cells(raw) if c[0] == "sex & region")
    findings, report = protect_findings(raw, threshold=10)
    derived = solve(published_tables(findings), int(y_pred.sum()))
    for cell in _small_cells(findings):
        assert derived[cell] is None, f"{cell} can be derived"
    assert report.primary == len(_small_cells(findings)) and report.secondary >= 1
    # the attacker's totals: every fully published feature gives the number selected, and a
    # single withheld group would be that total minus the others; no table has exactly one
    for f in findings:
        if f.check == "bias.group_metrics":
            withheld = [r for r in f.evidence["groups"] if r["selection_rate"] is None]
            assert len(withheld) != 1


def test_every_rate_of_a_withheld_group_goes_with_it() -> None:
    frame, y_true, y_pred = _table()
    raw = BiasAuditor(n_resamples=200).assess(y_true, y_pred, sensitive_features=frame[["sex", "region"]]).findings
    findings, _ = protect_findings(raw)
    sex = next(f for f in findings if f.check == "bias.group_metrics" and f.evidence["feature"] == "sex")
    withheld = {r["group"] for r in sex.evidence["groups"] if r.get("suppressed")}
    assert len(withheld) >= 2
    for r in sex.evidence["groups"]:
        if r["group"] in withheld:
            assert all(r[m] is None and r[f"{m}_ci"] == [None, None] for m in sex.evidence["metrics"])
            assert r["impact_ratio"] is None and r["count"] > 0
        assert r["impact_ratio_ci"] == [None, None]  # one bootstrap stream couples every group
    for f in findings:
        if f.check == "bias.impact_ratio" and f.evidence.get("group") in withheld:
            assert f.value is None and f.evidence["rate"] is None and f.evidence["test"]["p_value"] is None
            assert f.status.value in f.message
    raw_sex = next(f for f in raw if f.check == "bias.group_metrics" and f.evidence["feature"] == "sex")
    hidden = {f"{r['selection_rate']:.3f}" for r in raw_sex.evidence["groups"]
              if r["group"] in withheld and r["selection_rate"] is not None}
    shown = {f"{r['selection_rate']:.3f}" for r in sex.evidence["groups"] if r["selection_rate"] is not None}
    for f in findings:
        if f.evidence.get("feature") == "sex":
            assert not any(text in f.message for text in hidden - shown), f.message


def test_a_small_unknown_group_is_protected_too() -> None:
    frame, y_true, y_pred = _table()
    frame = frame.assign(sex=np.where(np.arange(len(frame)) < 4, None, np.where(frame.sex == "F", "M", frame.sex)))
    findings, report = protect_findings(
        BiasAuditor(n_resamples=0).assess(y_true, y_pred, sensitive_features=frame[["sex", "region"]]).findings)
    derived = solve(published_tables(findings), int(y_pred.sum()))
    assert ("sex", "unknown") in derived and derived[("sex", "unknown")] is None
    assert report.primary == 1 and report.secondary == 1


def test_withheld_groups_that_all_had_the_same_outcome_are_not_pinned_by_their_sum() -> None:
    """F (4) and the unknown group (3) were all selected: their sum, 7 of 7, would tell each one."""
    frame, y_true, y_pred = _table()
    frame = frame.assign(sex=np.where(np.arange(len(frame)) >= 117, None, frame.sex))
    y_pred[:4], y_pred[117:] = 1, 1
    raw = BiasAuditor(n_resamples=0).assess(y_true, y_pred, sensitive_features=frame[["sex", "region"]]).findings
    findings, report = protect_findings(raw)
    ranges = bounds(published_tables(findings), int(y_pred.sum()))
    for cell in (("sex", "F"), ("sex", "unknown")):
        low, high = ranges[cell]
        assert high - low >= 1, f"{cell} pinned at {low}"
    assert report.secondary == 1 and report.unprotectable == ()


def test_nothing_is_withheld_when_every_group_is_large() -> None:
    frame, y_true, y_pred = _table()
    frame = frame.assign(sex=np.where(frame.sex == "F", "M", frame.sex))
    raw = BiasAuditor(n_resamples=100, intersections=[["sex", "region"]]).assess(
        y_true, y_pred, sensitive_features=frame[["sex", "region"]]).findings
    findings, report = protect_findings(raw, threshold=10)
    assert findings == raw
    assert report.tables == () and report.withheld == () and report.threshold == 10


def test_threshold_zero_publishes_everything() -> None:
    frame, y_true, y_pred = _table()
    raw = BiasAuditor(n_resamples=100, suppress_below=0, intersections=[["sex", "region"]]).assess(
        y_true, y_pred, sensitive_features=frame[["sex", "region"]]).findings
    findings, report = protect_findings(raw, threshold=0)
    assert findings == raw and report.primary == report.secondary == 0
    assert all(r["selection_rate"] is not None for f in findings if f.check == "bias.group_metrics"
               for r in f.evidence["groups"])


def test_threshold_zero_still_protects_what_an_auditor_withheld() -> None:
    frame, y_true, y_pred = _table()
    raw = BiasAuditor(n_resamples=0).assess(y_true, y_pred, sensitive_features=frame[["sex", "region"]]).findings
    findings, report = protect_findings(raw, threshold=0)
    assert solve(published_tables(findings), int(y_pred.sum()))[("sex", "F")] is None
    assert report.primary == 1 and report.secondary == 1


def test_scoring_tables_are_protected() -> None:
    frame, y_true, y_pred = _table()
    score = np.random.default_rng(0).random(len(frame))
    findings, _ = protect_findings(BiasAuditor(n_resamples=0).assess(
        y_true, y_pred, y_score=score, sensitive_features=frame[["sex", "region"]]).findings)
    above = (score > np.median(score)).astype(int)
    derived = solve(published_tables(findings, "scoring_rate"), int(above.sum()))
    assert derived[("sex", "F")] is None


_sizes = st.lists(st.integers(1, 40), min_size=2, max_size=4)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(a=_sizes, b=st.lists(st.integers(0, 6), min_size=2, max_size=3), unknown=st.integers(0, 4),
       intersect=st.booleans(), seed=st.integers(0, 2**16))
def test_no_primary_cell_is_ever_derivable(a: list[int], b: list[int], unknown: int, intersect: bool,
                                           seed: int) -> None:
    """Random small tables: after protection the equations leave every small group's numerator free."""
    rng = np.random.default_rng(seed)
    sex = np.repeat([f"s{i}" for i in range(len(a))], a).astype(object)
    sex[rng.permutation(sex.size)[:unknown]] = None
    weights = np.array(b, dtype=float) + 0.5
    region = rng.choice([f"r{i}" for i in range(len(b))], size=sex.size, p=weights / weights.sum())
    y_pred = rng.integers(0, 2, sex.size)
    y_true = rng.integers(0, 2, sex.size)
    if y_true.min() == y_true.max():
        y_true[0] = 1 - y_true[0]
    frame = pd.DataFrame({"sex": sex, "region": region})
    intersections = [["sex", "region"]] if intersect else []
    raw = BiasAuditor(n_resamples=0, min_group_size=1, intersections=intersections).assess(
        y_true, y_pred, sensitive_features=frame).findings
    findings, report = protect_findings(raw, threshold=10)
    derived = solve(published_tables(findings), int(y_pred.sum()))
    truth = true_numerators(frame, y_pred, _groupings(intersections))
    tables_shown = {(f.evidence["feature"], r["group"]) for f in findings if f.check == "bias.group_metrics"
                    for r in f.evidence["groups"]}
    for cell in _small_cells(findings):
        single = next(f for f in findings if f.check == "bias.group_metrics" and f.evidence["feature"] == cell[0])
        if len(single.evidence["groups"]) == 1:  # the group is everybody: its numerator is the total
            assert any(u.startswith(f"bias.group_metrics {cell[0]} {cell[1]}:") for u in report.unprotectable)
            continue
        assert derived[cell] is None or derived[cell] != truth[cell], f"{cell} derivable"
        assert derived[cell] is None
    assert set(truth) >= tables_shown


def test_bootstrap_intervals_would_reveal_a_small_group_and_are_withheld() -> None:
    """The bootstrap draws every group from one seeded stream, so another group's interval depends on
    the small group's cells: replaying it for each guess rules most guesses out."""
    from itertools import product

    from govaudit.metrics import (bootstrap_counts, encode_groups, group_counts, impact_ratios, percentile_interval,
                                  rates_from_counts)

    frame, y_true, y_pred = _table()
    raw = BiasAuditor(n_resamples=200, seed=0).assess(y_true, y_pred, sensitive_features=frame[["sex"]]).findings
    table = next(f for f in raw if f.check == "bias.group_metrics")
    rows = {r["group"]: r for r in table.evidence["groups"]}
    labels = [r["group"] for r in table.evidence["groups"]]
    ref = labels.index(table.evidence["reference"])
    counts = group_counts(y_pred, encode_groups(frame["sex"]), y_true).counts.copy()  # the published groups' cells
    target = labels.index("M") if labels[ref] != "M" else labels.index("X")
    truth = tuple(counts[labels.index("F")])
    guesses = [g for g in product(range(5), repeat=4) if sum(g) == 4]
    matches = set()
    for guess in guesses:
        counts[labels.index("F")] = guess
        boot = rates_from_counts(bootstrap_counts(counts, 200, 0))["selection_rate"]
        low, high = percentile_interval(impact_ratios(boot, ref), 0.95)
        if np.isclose([low[target], high[target]], rows[labels[target]]["impact_ratio_ci"]).all():
            matches.add(guess)
    assert truth in matches and len(matches) < len(guesses) / 3  # the interval narrows the 4 down
    findings, _ = protect_findings(raw)
    shown = next(f for f in findings if f.check == "bias.group_metrics")
    assert all(r["impact_ratio_ci"] == [None, None] for r in shown.evidence["groups"])


@pytest.mark.parametrize("intersections", [[], [["sex", "region"]]], ids=["features", "intersection"])
def test_protecting_twice_changes_nothing(intersections: list[list[str]]) -> None:
    frame, y_true, y_pred = _table()
    raw = BiasAuditor(n_resamples=50, intersections=intersections).assess(
        y_true, y_pred, sensitive_features=frame[["sex", "region"]]).findings
    once, first = protect_findings(raw)
    twice, second = protect_findings(once)
    assert twice == once
    assert (second.primary, second.secondary) == (first.primary, first.secondary)


def test_a_group_that_is_everybody_cannot_be_hidden_and_is_reported() -> None:
    frame = pd.DataFrame({"sex": ["F"] * 8, "region": ["N"] * 4 + ["S"] * 4})
    y_pred = np.array([1, 0, 1, 1, 0, 0, 1, 0])
    findings, report = protect_findings(BiasAuditor(n_resamples=0, min_group_size=1).assess(
        None, y_pred, sensitive_features=frame).findings)
    assert [u.split(":")[0] for u in report.unprotectable] == ["bias.group_metrics sex F"]
    region = next(f for f in findings if f.evidence.get("feature") == "region" and f.check == "bias.group_metrics")
    assert all(r["selection_rate"] is None for r in region.evidence["groups"])
