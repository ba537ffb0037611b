"""Each ranking figure against an independent computation: every tie-break enumerated by hand, scikit-learn's
DCG, scipy's Wilson interval and the Katz formula written out."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import pytest
from scipy.stats import binomtest
from sklearn.metrics import dcg_score

from govaudit.metrics._ranking_cases import resolve_capacities
from govaudit.ranking import RankingAuditor

# eight cases; scores tie across the cut at k = 3 (three cases share 0.7 at positions 2..4)
SCORE = np.array([0.9, 0.7, 0.7, 0.7, 0.5, 0.4, 0.4, 0.1])
GROUP = np.array(["a", "b", "a", "b", "a", "b", "b", "a"])
RELEVANT = np.array([1, 0, 1, 1, 0, 1, 0, 0])


def _by_hand(k: int, discount: str = "log") -> dict[str, dict[str, float]]:
    """Average over every ordering the scores allow (all tie-breaks equally likely)."""
    orders = [p for p in itertools.permutations(range(SCORE.size))
              if all(SCORE[p[i]] >= SCORE[p[i + 1]] for i in range(SCORE.size - 1))]
    out: dict[str, dict[str, float]] = {g: {"top": 0.0, "exp": 0.0, "rtop": 0.0} for g in ("a", "b")}
    for order in orders:
        for position, case in enumerate(order, start=1):
            if position > k:
                continue
            d = 1.0 if discount == "none" else 1.0 / math.log2(1 + position)
            g = out[GROUP[case]]
            g["top"] += 1 / len(orders)
            g["exp"] += d / len(orders)
            g["rtop"] += RELEVANT[case] / len(orders)
    return out


def _table(k, discount="log", **extra):
    report = RankingAuditor(capacities=[k], discount=discount, min_group_size=2, suppress_below=0).assess(
        priority_score=SCORE, sensitive_features=pd.Series(GROUP, name="g"), relevance=RELEVANT, **extra)
    return report.by_group["g"].set_index("group")


@pytest.mark.parametrize("k", [1, 2, 3, 4, 5, 8])
@pytest.mark.parametrize("discount", ["log", "none"])
def test_counts_and_exposure_are_the_average_over_every_tie_break(k, discount):
    table, hand = _table(k, discount), _by_hand(k, discount)
    for g in ("a", "b"):
        assert table.loc[g, "in_top"] == pytest.approx(hand[g]["top"])
        assert table.loc[g, "exposure"] == pytest.approx(hand[g]["exp"])
        assert table.loc[g, "in_top_relevant"] == pytest.approx(hand[g]["rtop"])
        if hand[g]["top"]:
            assert table.loc[g, "precision"] == pytest.approx(hand[g]["rtop"] / hand[g]["top"])
        else:
            assert np.isnan(table.loc[g, "precision"])


def test_hand_counted_shares_at_the_cut():
    table = _table(3)
    # 'a' holds position 1 for sure, then 2 of the 3 tied places at 2..4 are in the top 3: a has 1 of them
    assert table.loc["a", "in_top"] == pytest.approx(1 + 2 / 3)
    assert table.loc["b", "in_top"] == pytest.approx(4 / 3)
    assert table.loc["a", "top_share"] == pytest.approx((1 + 2 / 3) / 3)
    assert table.loc["a", "population_share"] == pytest.approx(0.5)
    assert table.loc["a", "top_share_ratio"] == pytest.approx(((1 + 2 / 3) / 4) / (3 / 8))


@pytest.mark.parametrize("k", [1, 3, 5, 8])
def test_exposure_is_sklearns_dcg_of_the_group_even_with_ties(k):
    table = _table(k)
    for g in ("a", "b"):
        member = (GROUP == g).astype(float)
        assert table.loc[g, "exposure"] == pytest.approx(dcg_score([member], [SCORE], k=k))
    total = sum(1 / math.log2(1 + j) for j in range(1, k + 1))
    assert table["exposure"].sum() == pytest.approx(total)
    assert table["mean_exposure_all"].iloc[0] == pytest.approx(total / SCORE.size)


def test_exposure_without_ties_matches_sklearn_on_a_larger_queue():
    rng = np.random.default_rng(5)
    score, groups = rng.normal(size=400), rng.choice(["x", "y", "z"], 400)
    report = RankingAuditor(capacities=[50, 400]).assess(priority_score=score, sensitive_features=groups)
    table = report.by_group[next(iter(report.by_group))]
    for k in (50, 400):
        for g in ("x", "y", "z"):
            row = table[(table["k"] == k) & (table["group"] == g)].iloc[0]
            assert row["exposure"] == pytest.approx(dcg_score([(groups == g).astype(float)], [score], k=k))
            assert row["in_top"] == ((groups == g) & (score >= np.sort(score)[::-1][k - 1])).sum()


def test_intervals_and_tests_by_their_formulas():
    rng = np.random.default_rng(2)
    n = 600
    score, groups = rng.normal(size=n), rng.choice(["a", "b"], n, p=[0.6, 0.4])
    relevant = (rng.random(n) < 0.4).astype(int)
    k = 120
    table = RankingAuditor(capacities=[k]).assess(priority_score=score, sensitive_features=pd.Series(groups, name="g"),
                                                  relevance=relevant).by_group["g"].set_index("group")
    top = np.argsort(-score)[:k]
    for g in ("a", "b"):
        x, m = int((groups[top] == g).sum()), int((groups == g).sum())
        ci = binomtest(x, m).proportion_ci(confidence_level=0.95, method="wilson")
        assert table.loc[g, "top_share_ratio_low"] == pytest.approx(ci.low / (k / n))
        assert table.loc[g, "top_share_ratio_high"] == pytest.approx(ci.high / (k / n))
        # z against a random queue: hypergeometric variance
        p = k / n
        z = (x - m * p) / math.sqrt(m * p * (1 - p) * (n - m) / (n - 1))
        assert table.loc[g, "top_p_value"] == pytest.approx(math.erfc(abs(z) / math.sqrt(2)))
        # precision at k and its ratio to the rest of the top k (Katz)
        q = int(relevant[top][groups[top] == g].sum())
        qr, xr = int(relevant[top].sum()) - q, k - x
        ratio = (q / x) / (qr / xr)
        se = math.sqrt(1 / q - 1 / x + 1 / qr - 1 / xr)
        assert table.loc[g, "precision"] == pytest.approx(q / x)
        assert table.loc[g, "precision_ratio"] == pytest.approx(ratio)
        assert table.loc[g, "precision_ratio_low"] == pytest.approx(ratio * math.exp(-1.959964 * se), rel=1e-5)
        # exposure relative to merit
        d = 1 / np.log2(np.arange(2, k + 2))
        e_g = d[groups[top] == g].sum()
        r_share = relevant[groups == g].sum() / relevant.sum()
        assert table.loc[g, "merit_ratio"] == pytest.approx((e_g / d.sum()) / r_share)
        assert table.loc[g, "exposure_ratio"] == pytest.approx((e_g / m) / (d.sum() / n))


def test_rank_is_the_reversed_score_and_shares_of_the_cases():
    rank = pd.Series(SCORE).rank(ascending=False, method="min").to_numpy()
    by_rank = RankingAuditor(capacities=[3], min_group_size=2).assess(rank=rank, sensitive_features=GROUP)
    by_score = RankingAuditor(capacities=[3], min_group_size=2).assess(priority_score=SCORE, sensitive_features=GROUP)
    a, b = (next(iter(r.by_group.values())) for r in (by_rank, by_score))
    pd.testing.assert_frame_equal(a, b)
    shared = RankingAuditor(capacities=[np.float64(0.25), 1.0, np.int64(100)]).assess(priority_score=SCORE, sensitive_features=GROUP)
    table = next(iter(shared.by_group.values()))
    assert resolve_capacities([np.float64(0.25), 1.0, np.int64(100)], SCORE.size) == (2, 8, 8)
    # 100 % and 100 (clipped to the 8 cases) are the same top 8: judged once, under the first name
    assert list(table.drop_duplicates("capacity")["k"]) == [2, 8]
    assert list(dict.fromkeys(table["capacity"])) == ["25 %", "100 %"]


@pytest.mark.parametrize("capacities, message", [([0], "at least 1"), ([1.5], "share must be in (0, 1]"),
                                                 ([True], "number of cases"), (["ten"], "number of cases")])
def test_a_capacity_that_is_neither_a_count_nor_a_share_is_refused(capacities, message):
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match=message.replace("(", r"\(").replace(")", r"\)").replace("]", r"\]")):
        RankingAuditor(capacities=capacities)


@pytest.mark.parametrize("kwargs, error", [
    ({"rank": [1, 2], "priority_score": [2, 1]}, "once"),
    ({"priority_score": ["high", "low"]}, "must hold numbers"),
    ({"priority_score": [1.0, float("nan")]}, "missing or infinite"),
    ({"priority_score": [1.0, 2.0], "relevance": [0, 2]}, "relevance 0 or 1"),
    ({"priority_score": [1.0, 2.0, 3.0]}, "rows"),
])
def test_bad_arrays_are_typed_errors_naming_what_is_wrong(kwargs, error):
    from govaudit.exceptions import ColumnError, InputDataError

    with pytest.raises((ColumnError, InputDataError), match=error):
        RankingAuditor().assess(sensitive_features=["a", "b"], **kwargs)
