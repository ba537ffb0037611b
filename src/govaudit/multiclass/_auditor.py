"""The multi-class auditor: decisions into several tracks, each compared across groups one against the rest."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import pandas as pd

from govaudit.backends import ClassSource, class_source_from_frame
from govaudit.core import AuditSubject, Finding, Requirement
from govaudit._auditor_parts import ConfiguredAuditor, skipped_finding
from govaudit.exceptions import InputDataError
from govaudit.inputs._groupings import feature_groupings
from govaudit.metrics import ClassCounts, judge_significance
from govaudit.multiclass._analysis import ClassAnalysis, analyse_classes
from govaudit.multiclass._config import MultiClassConfig
from govaudit.multiclass._findings import AUDITOR, class_finding, confusion_finding
from govaudit.multiclass._gates import gate_findings

__all__ = ["MultiClassAuditor", "MultiClassReport"]

_MSG_UNKNOWN_FEATURE = "sensitive feature {name!r} named in [auditors.multiclass] is not among the data's: {have}"
_MSG_NO_GROUPS = "the multi-class auditor needs sensitive features to compare groups"
_MSG_NOT_A_CLASS = ("[auditors.multiclass] {field} names class {name!r}, which is not among the classes found in "
                    "the data ({found}); list the classes with `classes = [...]` or correct the name")
_MSG_NO_ADVERSE = ("name the most adverse class: [auditors.multiclass] adverse_class = \"...\", or classes = [...] "
                   "ordered from least to most adverse")
_MSG_ONE_CLASS = "the classes decided and observed hold one class only ({found}); a multi-class audit needs two or more"


@dataclass(frozen=True)
class MultiClassReport:
    """What the multi-class auditor measured, for use from Python.

    Attributes
    ----------
    findings : list of Finding
        The findings (the same ones a run records, before the audit-wide significance correction).
    classes : tuple of str
        The classes, in their order.
    counts : dict of str to ClassCounts
        Per feature or intersection, the counts of group x (true class x) class decided.
    by_class : dict of str to dict of str to pandas.DataFrame
        Per feature or intersection, per class: one row per group with the binary audit's columns
        for that class against the rest (``selection_rate`` is the share decided into the class),
        Wilson intervals, and the contrasts to the reference group. Not suppressed: the findings are.
    """

    findings: list[Finding]
    classes: tuple[str, ...]
    counts: dict[str, ClassCounts]
    by_class: dict[str, dict[str, pd.DataFrame]]

    @property
    def passed(self) -> bool:
        """True when no finding blocks a release (fail, error, or an unaccepted inconclusive)."""
        return not any(f.blocking for f in self.findings)


class MultiClassAuditor(ConfiguredAuditor):
    """Compare across groups how often cases are sent to each of several classes (tracks), and how accurately.

    Each class is binarised against the rest and measured with the bias auditor's arithmetic: per
    group of each sensitive feature (and intersection) the share decided into the class with its
    Wilson interval, with the true class the TPR, FPR, FNR and precision, and every rate's ratio to
    and difference from the reference group with counts-bootstrap intervals; and the confusion
    matrix (true x decided) by group. Gates read the most adverse class the adverse way: a group
    sent there more often than the reference fails, only when significant after Holm's correction.

    Parameters
    ----------
    **settings
        Fields of :class:`MultiClassConfig`; ``adverse_class`` (or ``classes`` ordered from least to most
        adverse) names the class whose rate is gated, e.g.
        ``adverse_class="investigation", gates={"adverse_rate_ratio": {"max": 1.25}}``.

    Examples
    --------
    >>> auditor = MultiClassAuditor(adverse_class="investigation")  # doctest: +SKIP
    >>> report = auditor.assess(track, sensitive_features=groups, y_class_true=right_track)  # doctest: +SKIP
    >>> report.by_class["sex"]["investigation"][["count", "selection_rate", "fpr"]]  # doctest: +SKIP
    """

    name: ClassVar[str] = AUDITOR
    version: ClassVar[str] = "1.0.0"
    requires: ClassVar[frozenset[str]] = frozenset({Requirement.Y_CLASS.value, Requirement.SENSITIVE_FEATURES.value})
    Config: ClassVar[type[MultiClassConfig]] = MultiClassConfig
    config: MultiClassConfig


    def run(self, subject: AuditSubject, config: MultiClassConfig | None = None) -> list[Finding]:
        """Audit the subject's classes and return the findings (skipped when it has none)."""
        missing = subject.missing(self.requires)
        if missing:
            return [skipped_finding(self.name, missing, label="multi-class")]
        return self.analyse(_source(subject), config).findings

    def analyse(self, source: ClassSource, config: MultiClassConfig | None = None) -> MultiClassReport:
        """Findings and tables from a :class:`~govaudit.backends.ClassSource` (counted in memory or by a backend)."""
        config = config or self.config
        groupings = feature_groupings(list(source.sensitive_features), config, _MSG_UNKNOWN_FEATURE)
        if config.adverse is None:
            raise InputDataError(_MSG_NO_ADVERSE)
        classes = source.classes(config.classes)
        if len(classes) < 2:
            raise InputDataError(_MSG_ONE_CLASS.format(found=", ".join(classes)))
        for field, names in (("adverse_class", [config.adverse]), ("class_gates", list(config.class_gates))):
            for name in names:
                if name not in classes:
                    raise InputDataError(_MSG_NOT_A_CLASS.format(field=field, name=name, found=", ".join(classes)))
        adverse = classes.index(config.adverse)
        findings: list[Finding] = []
        counts: dict[str, ClassCounts] = {}
        tables: dict[str, dict[str, pd.DataFrame]] = {}
        for feature, columns in groupings:
            analysis = analyse_classes(feature, columns, source.counts(columns, classes), adverse, config)
            counts[feature] = analysis.counts
            tables[feature] = _tables(analysis)
            findings.append(confusion_finding(analysis, config))
            findings += [class_finding(analysis, k, config) for k in range(len(classes))]
            findings += gate_findings(analysis, config)
        # significance-gated findings are judged together (Holm); the runner repeats it audit-wide
        return MultiClassReport(judge_significance(findings), classes, counts, tables)

    def assess(self, y_class_pred: Any, *, sensitive_features: Any, y_class_true: Any = None) -> MultiClassReport:
        """Audit multi-class decisions directly.

        Parameters
        ----------
        y_class_pred : array-like
            The class each case was decided into (any values; compared as text, so ``2`` and ``"2"`` agree).
        sensitive_features : array-like, Series or DataFrame
            The groups to compare, one row per case.
        y_class_true : array-like, optional
            The class each case truly belongs to, for TPR, FPR, FNR, precision and the confusion matrix.

        Returns
        -------
        MultiClassReport

        Raises
        ------
        InputDataError
            A class is missing or unknown, the lengths differ, or there are no sensitive features.
        """
        from govaudit.inputs import class_values, sensitive_frame

        sensitive = sensitive_frame(sensitive_features)
        if sensitive.shape[1] == 0:
            raise InputDataError(_MSG_NO_GROUPS)
        predicted = class_values(y_class_pred, "y_class_pred", rows=len(sensitive))
        true = None if y_class_true is None else class_values(y_class_true, "y_class_true", rows=len(sensitive))
        subject = AuditSubject(sensitive_features=sensitive, y_class_pred=predicted, y_class_true=true)
        return self.analyse(_source(subject))


def _source(subject: AuditSubject) -> ClassSource:
    """The subject's class counts: a backend's, or the in-memory rows counted by the same aggregation."""
    if subject.class_source is not None:
        return subject.class_source
    assert subject.y_class_pred is not None and subject.sensitive_features is not None
    sensitive = subject.sensitive_features
    frame = pd.DataFrame({str(c): sensitive[c].to_numpy() for c in sensitive.columns})
    frame["__class_pred_in"] = subject.y_class_pred
    if subject.y_class_true is not None:
        frame["__class_true_in"] = subject.y_class_true
    return class_source_from_frame(frame, sensitive_features=[str(c) for c in sensitive.columns],
                                   class_prediction="__class_pred_in",
                                   class_label="__class_true_in" if subject.y_class_true is not None else None,
                                   names=("the class decided", "the true class"))  # not the hidden column names


def _tables(analysis: ClassAnalysis) -> dict[str, pd.DataFrame]:
    out = {}
    for name, grouping in zip(analysis.counts.classes, analysis.per_class):
        assert grouping.selection is not None
        table = grouping.selection.table.copy()
        for key, values in grouping.selection.contrasts.items():
            table[key] = values
        out[name] = table
    return out
