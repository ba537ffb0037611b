"""Explaining a model on rows a backend holds: draw a stratified sample there, explain the sample.

When the evaluation data is aggregated by DuckDB or Spark (too large to load), the subject carries a
:class:`~govaudit.backends.RowSource` instead of features. The auditor draws a stratified sample of
rows through the engine, builds an in-memory subject from it with the same rules as for a loaded
table (recorded decisions first, then ``score >= threshold``, else the model's own decisions), and
weights each sampled row back to the population by its stratum's size in the whole data.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from govaudit.explainability._config import ExplainabilityConfig
from govaudit.core import AuditSubject
from govaudit.inputs import build_subject

__all__ = ["SampledSubject", "sample_subject"]


@dataclass(frozen=True)
class SampledSubject:
    """An in-memory subject made of sampled rows, and each row's stratum size in the whole data.

    Attributes
    ----------
    subject : AuditSubject
        The model, the sampled rows' features, decisions, scores and sensitive features.
    population_per_row : numpy.ndarray
        For each sampled row, the rows of its stratum in the whole data.
    total : int
        Rows in the whole data.
    evidence : dict
        How the sample was drawn (aggregate only).
    """

    subject: AuditSubject
    population_per_row: np.ndarray
    total: int
    evidence: dict[str, Any]


def sample_subject(subject: AuditSubject, config: ExplainabilityConfig) -> SampledSubject:
    """Draw ``config.backend_sample_rows`` rows from ``subject.row_sample`` and make them a subject."""
    source = subject.row_sample
    drawn = source.draw(config.backend_sample_rows, config.seed)
    rows = drawn.rows
    sampled = build_subject(model=subject.model, data=rows, label=source.label,
                            sensitive_features=list(source.sensitive_features) or None,
                            features=list(source.features), prediction=source.prediction, score=source.score,
                            favourable_label=source.favourable_label, name=subject.name)
    if source.prediction is None and source.score is not None and source.threshold is not None:
        # recorded scores with a threshold decide, as the bias auditor reads them on the backend
        assert sampled.y_score is not None
        sampled = replace(sampled, y_pred=(sampled.y_score >= source.threshold).astype(np.int8))
    ids = rows[source.case_id].to_numpy() if source.case_id else None
    sampled = replace(sampled, case_ids=ids, counts_source=subject.counts_source)
    evidence = {"backend": drawn.backend, "rows": len(rows), "population": drawn.total,
                "strata": len(drawn.population), "seed": drawn.seed,
                "design": "stratified by the sensitive features (proportional, at least one row per stratum), "
                          "the rows with the smallest seeded hash in each stratum"}
    return SampledSubject(sampled, drawn.population_per_row, drawn.total, evidence)
