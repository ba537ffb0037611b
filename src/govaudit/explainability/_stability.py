"""The stability check: global importance measured on two independent samples, compared by rank."""

from __future__ import annotations

from typing import Any

import numpy as np

from govaudit.core import AuditSubject
from govaudit.explainability._config import ExplainabilityConfig
from govaudit.explainability._importance import (
    StratifiedSample,
    global_importance,
    rank_correlation,
    stratified_sample,
)
from govaudit.explainability._prepare import Prepared, weighted
from govaudit.explainability._select import select_explainer

__all__ = ["sample_stability"]

#: rows of the second, independent sample used for the stability check
_STABILITY_ROWS = 2_000


def sample_stability(subject: AuditSubject, prep: Prepared, config: ExplainabilityConfig,
                     sample: StratifiedSample, importance: np.ndarray,
                     abs_sample: np.ndarray) -> tuple[float, dict[str, Any]]:
    """Importance on two independent samples with different seeds (and backgrounds, if one is used).

    An explainer without a background (path-dependent Tree SHAP) gives each row the same values
    whatever else is explained, so two disjoint random halves of the sample already explained
    are two independent samples at no extra cost. An explainer with a background is re-built on
    a second background, with another seed, and run on a second sample.
    """
    features = subject.features
    assert features is not None
    explainer = prep.explainer
    seeds = [config.seed, config.seed + 1]
    if not explainer.background_size:
        half = np.random.default_rng([config.seed, 5]).permutation(sample.size) < sample.size // 2
        parts = []
        for mask in (half, ~half):
            part = StratifiedSample(sample.rows[mask], sample.strata[mask], sample.weights[mask], sample.population)
            parts.append(global_importance(abs_sample[mask], part, 0, config.confidence,
                                           np.random.default_rng(0))[0])
        return rank_correlation(parts[0], parts[1]), {
            "design": "two disjoint random halves of the explained sample (no background to vary)",
            "first_sample_rows": int(half.sum()), "second_sample_rows": int((~half).sum()), "rows_in_both": 0,
            "seeds": seeds, "backgrounds_differ": False,
        }
    second = weighted(prep, stratified_sample(prep.codes, min(sample.size, _STABILITY_ROWS),
                                               np.random.default_rng([config.seed, 5]), exclude=sample.rows))
    bg = stratified_sample(prep.codes, len(prep.background_rows), np.random.default_rng([config.seed, 6]),
                           exclude=prep.background_rows)
    explainer = select_explainer(prep.inputs.estimator, prep.fav, prep.inputs.matrix(features.iloc[bg.rows]),
                                 k=config.background_size, n_samples=config.kernel_samples,
                                 seed=config.seed + 1)
    abs_phi = np.zeros((second.size, len(prep.inputs.columns)))
    for number, start in enumerate(range(0, second.size, config.batch_size)):
        batch = second.rows[start:start + config.batch_size]
        phi, _, _ = explainer.explain(prep.inputs.matrix(features.iloc[batch]), 10_000 + number)
        abs_phi[start:start + len(batch)] = np.abs(prep.inputs.to_original(phi))
    other = global_importance(abs_phi, second, 0, config.confidence, np.random.default_rng(0))[0]
    return rank_correlation(importance, other), {
        "design": "a second sample and a second background, with another seed",
        "first_sample_rows": sample.size, "second_sample_rows": second.size,
        "rows_in_both": int(np.intersect1d(second.rows, sample.rows).size), "seeds": seeds,
        "backgrounds_differ": explainer.background_sha256 != prep.explainer.background_sha256,
        "second_background_sha256": explainer.background_sha256,
    }
