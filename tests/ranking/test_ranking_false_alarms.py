"""Never cry wolf: a queue ordered at random never fails, and with enough cases passes outright; a queue that
pushes one group up fails on every seed."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from govaudit.core import Status
from govaudit.ranking import RankingAuditor

ALL_GATES = {"top_k_share_ratio": {"min": 0.8, "max": 1.25}, "exposure_ratio": {"min": 0.8, "max": 1.25},
             "precision_at_k_ratio": {"min": 0.8, "max": 1.25}}


def _queue(seed: int, n: int, push: float = 0.0, ties: bool = False) -> tuple[np.ndarray, pd.DataFrame, np.ndarray]:
    """Scores independent of the groups (plus ``push`` for one group); relevance independent of both."""
    rng = np.random.default_rng(seed)
    groups = pd.DataFrame({"background": rng.choice(["none", "eu", "non_eu"], n, p=[0.6, 0.3, 0.1]),
                           "sex": rng.choice(["female", "male"], n)})
    score = rng.normal(size=n) + push * (groups["background"] == "non_eu").to_numpy()
    if ties:
        score = np.round(score, 1)  # a few dozen distinct scores: ties across every cut
    return score, groups, (rng.random(n) < 0.25).astype(int)


@pytest.mark.parametrize("seed", range(40))
def test_a_random_queue_never_fails(seed):
    score, groups, relevance = _queue(seed, 8000, ties=seed % 2 == 1)
    report = RankingAuditor(capacities=[200, 0.1, 0.5], intersectional=True, gates=ALL_GATES).assess(
        priority_score=score, sensitive_features=groups, relevance=relevance)
    assert not [(f.check, f.groups) for f in report.findings if f.status is Status.FAIL]


@pytest.mark.parametrize("seed", range(8))
def test_a_large_random_queue_passes_outright(seed):
    score, groups, relevance = _queue(seed, 60_000)
    report = RankingAuditor(capacities=[0.1, 0.3], gates=ALL_GATES).assess(
        priority_score=score, sensitive_features=groups, relevance=relevance)
    assert report.passed, [f.message for f in report.findings if f.blocking]


@pytest.mark.parametrize("seed", range(10))
def test_a_queue_pushing_one_group_up_fails_on_every_seed(seed):
    score, groups, relevance = _queue(seed, 8000, push=0.6)
    report = RankingAuditor(capacities=[200, 0.1]).assess(priority_score=score, sensitive_features=groups,
                                                         relevance=relevance)
    failed = {(f.check, f.groups[0], f.evidence["k"]) for f in report.findings if f.status is Status.FAIL}
    assert ("ranking.top_k_share_ratio", "non_eu", 800) in failed
    assert ("ranking.exposure_ratio", "non_eu", 800) in failed
    assert not any(g[1] == "female" or g[1] == "male" for g in failed)
