"""The multi-class auditor's tables: the confusion matrix by group, and each class's rates by group."""

from __future__ import annotations

from typing import Any

from govaudit.core import Finding, Principle, Severity, Status
from govaudit.metrics import ci_pair, wilson_interval
from govaudit.multiclass._analysis import ClassAnalysis
from govaudit.multiclass._config import MultiClassConfig

__all__ = ["AUDITOR", "CHECKS", "FAIR", "REFS", "class_finding", "confusion_finding", "group_status", "rate_key"]

AUDITOR = "multiclass"
#: every check id this auditor writes
CHECKS = ("multiclass.confusion", "multiclass.class_rates", "multiclass.adverse_rate_ratio",
          "multiclass.adverse_fpr_ratio", "multiclass.class_ratio", "multiclass.requirements")
FAIR = (Principle.FAIRNESS,)
_FAIR_OPEN = (Principle.FAIRNESS, Principle.TRANSPARENCY)
REFS = ("EU AI Act Art. 10(2)(f)", "NIST AI RMF MEASURE 2.11")
#: per class: the binary audit's rate names -> what a row calls them
_SHOWN = {"selection_rate": "class_rate", "tpr": "tpr", "fpr": "fpr", "fnr": "fnr", "precision": "precision"}
_METHODS = {"rates": "wilson", "ratios_and_differences": "bootstrap of the counts table",
            "binarisation": "one class against the rest"}


def rate_key(rate: str) -> str:
    """The binary audit's name of a gated rate (``rate`` is the share decided into the class)."""
    return "selection_rate" if rate == "rate" else rate


def _num(value: float) -> str:
    return "undefined" if value != value else f"{value:.3f}"


def group_status(analysis: ClassAnalysis, g: int, config: MultiClassConfig) -> tuple[str, str | None]:
    """A group's status in every table of its grouping, and a note saying why when it is not compared."""
    grouping = analysis.per_class[analysis.adverse]
    n = int(analysis.counts.n[g])
    if n < config.suppress_below:
        return "suppressed", (f"counts only (n={n} < {config.suppress_below}): classes and rates suppressed so "
                              "that no individual can be singled out")
    if g in grouping.unknown:
        return "excluded", f"unknown category (n={n}): reported, excluded from ratios"
    if g in grouping.small:
        return "warn", f"small group (n={n} < min_group_size = {config.min_group_size}): reported, not gated"
    if g == analysis.reference:
        return "reference", None
    return "compared", None


def _matrix_row(analysis: ClassAnalysis, g: int, config: MultiClassConfig) -> dict[str, Any]:
    counts = analysis.counts
    status, note = group_status(analysis, g, config)
    row: dict[str, Any] = {"group": analysis.counts.labels[g], "count": int(counts.n[g]), "status": status,
                           "note": note}
    if status == "suppressed":
        row.update(suppressed=True, predicted=None, matrix=None)
        return row
    row["predicted"] = [int(v) for v in counts.predicted[g]]
    row["matrix"] = [[int(v) for v in line] for line in counts.counts[g]] if counts.has_truth else None
    return row


def _unjudged(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows of groups that cannot be judged (suppressed, unknown or too small)."""
    return [r for r in rows if r["status"] in ("suppressed", "excluded", "warn")]


def _unjudged_text(left: list[dict[str, Any]]) -> str:
    if not left:
        return ""
    return " Warning: " + "; ".join(f"{r['group']!r} ({r['count']} cases)" for r in left) + " cannot be judged."


def confusion_finding(analysis: ClassAnalysis, config: MultiClassConfig) -> Finding:
    """The classes decided by group (with the true class: the confusion matrix, true x decided, by group)."""
    counts = analysis.counts
    rows = [_matrix_row(analysis, g, config) for g in range(len(counts.labels))]
    adverse = counts.classes[analysis.adverse]
    shown = [r for r in rows if r["status"] in ("compared", "reference")]
    if shown:
        share = [(r["predicted"][analysis.adverse] / r["count"], r) for r in shown]
        lo, hi = min(share, key=lambda s: s[0]), max(share, key=lambda s: s[0])
        message = (f"By {analysis.feature}, the share of cases decided {adverse!r} ranges from {_num(lo[0])} "
                   f"({lo[1]['group']}) to {_num(hi[0])} ({hi[1]['group']}).")
    else:
        message = f"By {analysis.feature}, no group is large enough to compare the classes decided."
    left = _unjudged(rows)
    message += _unjudged_text(left)
    return Finding(
        # the status follows the rows, not the message: a group's name may well contain "Warning"
        auditor=AUDITOR, check="multiclass.confusion",
        status=Status.WARN if left else Status.REPORTED, severity=Severity.INFO,
        groups=tuple(r["group"] for r in rows),
        evidence={"feature": analysis.feature, "columns": list(analysis.columns), "classes": list(counts.classes),
                  "adverse_class": adverse, "truth": counts.has_truth,
                  "reference": None if analysis.reference is None else counts.labels[analysis.reference],
                  "layout": "matrix[true][decided]" if counts.has_truth else "predicted[decided]",
                  "groups": rows, "total": int(counts.n.sum()), "min_group_size": config.min_group_size,
                  "suppress_below": config.suppress_below},
        message=message, principles=_FAIR_OPEN, references=REFS)


def _class_row(analysis: ClassAnalysis, k: int, g: int, config: MultiClassConfig) -> dict[str, Any]:
    rates = analysis.per_class[k].selection
    assert rates is not None
    table = rates.columns or {c: rates.table[c].to_numpy() for c in rates.table.columns}
    status, note = group_status(analysis, g, config)
    row: dict[str, Any] = {"group": analysis.counts.labels[g], "count": int(table["count"][g]),
                           "share": float(table["share"][g])}
    for rate, shown in _SHOWN.items():
        if rate not in table:
            continue
        row[shown] = float(table[rate][g])
        row[f"{shown}_ci"] = ci_pair(table[f"{rate}_low"][g], table[f"{rate}_high"][g])
    for rate, shown in _SHOWN.items():
        for kind in ("ratio", "difference"):
            key = f"{rate}_{kind}"
            if key in rates.contrasts:
                row[f"{shown}_{kind}"] = float(rates.contrasts[key][g])
                row[f"{shown}_{kind}_ci"] = ci_pair(rates.contrasts[f"{key}_low"][g], rates.contrasts[f"{key}_high"][g])
    if config.classes is not None and 0 < k < len(config.classes) - 1:  # ordered: this track or a harsher one
        chosen, n = int(analysis.counts.at_least(k)[g]), int(analysis.counts.n[g])
        low, high = wilson_interval(chosen, n, config.confidence)
        row["at_least_rate"] = chosen / n if n else float("nan")
        row["at_least_rate_ci"] = ci_pair(float(low), float(high))
    if status == "suppressed":
        row = {k_: (v if k_ in ("group", "count", "share") else ([None, None] if k_.endswith("_ci") else None))
               for k_, v in row.items()}
        row["suppressed"] = True
    row.update(status=status, note=note)
    return row


def class_finding(analysis: ClassAnalysis, k: int, config: MultiClassConfig) -> Finding:
    """One class's rates by group, one against the rest, with their ratios and differences to the reference."""
    counts = analysis.counts
    name = counts.classes[k]
    rows = [_class_row(analysis, k, g, config) for g in range(len(counts.labels))]
    compared = [r for r in rows if r["status"] in ("compared", "reference") and r["class_rate"] == r["class_rate"]]
    if compared:
        lo = min(compared, key=lambda r: r["class_rate"])
        hi = max(compared, key=lambda r: r["class_rate"])
        message = (f"By {analysis.feature}, the share decided {name!r} ranges from {_num(lo['class_rate'])} "
                   f"({lo['group']}) to {_num(hi['class_rate'])} ({hi['group']})")
        if counts.has_truth:
            worst = max(compared, key=lambda r: -1.0 if r["fpr"] != r["fpr"] else r["fpr"])
            message += f"; the highest share wrongly decided {name!r} is {_num(worst['fpr'])} ({worst['group']})"
        message += "."
    else:
        message = f"By {analysis.feature}, no group is large enough to compare the share decided {name!r}."
    metrics = ["class_rate"] + ([v for v in _SHOWN.values() if v != "class_rate"] if counts.has_truth else [])
    if any("at_least_rate" in r for r in rows):
        metrics.insert(1, "at_least_rate")
    return Finding(
        # groups that cannot be judged are warned about once per grouping, by the confusion finding
        auditor=AUDITOR, check="multiclass.class_rates", status=Status.REPORTED, severity=Severity.INFO,
        groups=tuple(r["group"] for r in rows),
        evidence={"feature": analysis.feature, "columns": list(analysis.columns), "class": name,
                  "adverse": k == analysis.adverse, "rate": "class_rate", "metrics": metrics,
                  "reference": None if analysis.reference is None else counts.labels[analysis.reference],
                  "groups": rows, "total": int(counts.n.sum()), "confidence": config.confidence,
                  "n_resamples": config.n_resamples, "seed": config.seed, "interval_methods": _METHODS},
        message=message, principles=_FAIR_OPEN, references=REFS)

