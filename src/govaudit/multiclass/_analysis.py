"""One grouping of a multi-class audit: each class against the rest, measured with the binary audit's arithmetic.

Every class's one-vs-rest counts table goes through :func:`govaudit.metrics.analyse_counts` (Wilson
intervals, counts bootstrap, ratios and differences to a reference), with one reference group for
all the classes of a grouping so that each row compares the same people: by default the eligible
group sent to the most adverse class least often.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from govaudit.metrics import ClassCounts, GroupComparison, GroupEncoding, GroupingAnalysis, analyse_counts
from govaudit.multiclass._config import MultiClassConfig

__all__ = ["ClassAnalysis", "analyse_classes"]


@dataclass(frozen=True)
class ClassAnalysis:
    """Everything measured for one sensitive feature or intersection.

    Attributes
    ----------
    feature : str
        The feature, or ``"a & b"`` for an intersection.
    columns : tuple of str
        The sensitive feature columns.
    counts : ClassCounts
        Group x (true class x) class decided.
    adverse : int
        Index of the most adverse class.
    reference : int or None
        Index of the reference group (None when no group is large enough).
    per_class : tuple of GroupingAnalysis
        Per class, the binary analysis of "decided into this class" (and "truly of this class").
    """

    feature: str
    columns: tuple[str, ...]
    counts: ClassCounts
    adverse: int
    reference: int | None
    per_class: tuple[GroupingAnalysis, ...]

    @property
    def eligible(self) -> np.ndarray:
        """Groups large enough (and known) to enter ratios and gates."""
        rates = self.per_class[self.adverse].selection
        assert rates is not None
        return rates.eligible


def _settings(config: MultiClassConfig, reference: str, named: dict[str, str]) -> GroupComparison:
    return GroupComparison(min_group_size=config.min_group_size, suppress_below=config.suppress_below,
                           confidence=config.confidence, n_resamples=config.n_resamples, seed=config.seed,
                           reference=reference, reference_groups=named, decision="adverse")  # type: ignore[arg-type]


def analyse_classes(feature: str, columns: tuple[str, ...], counts: ClassCounts, adverse: int,
                    config: MultiClassConfig) -> ClassAnalysis:
    """Measure each class of one grouping against the reference group chosen on the most adverse class.

    ``config`` is a :class:`~govaudit.multiclass.MultiClassConfig` (its reference rule, group sizes,
    confidence and bootstrap). A named reference group applies to the groupings that have it; the
    others take the least adverse group.
    """
    encoding = GroupEncoding(codes=np.empty(0, dtype=np.int64), labels=counts.labels, columns=columns)
    n = counts.n
    rule = config.reference
    named = {feature: rule} if rule not in ("least_adverse", "largest") and rule in counts.labels else {}
    mode = "largest" if rule == "largest" else "most_favoured"
    first = analyse_counts(feature, encoding, n, counts.one_vs_rest(adverse), None, _settings(config, mode, named))
    assert first.selection is not None
    reference = first.selection.reference
    fixed = {feature: counts.labels[reference]} if reference is not None else {}
    per_class = []
    for k in range(len(counts.classes)):
        if k == adverse:
            per_class.append(first)
            continue
        per_class.append(analyse_counts(feature, encoding, n, counts.one_vs_rest(k), None,
                                        _settings(config, mode, fixed)))
    return ClassAnalysis(feature, columns, counts, adverse, reference, tuple(per_class))
