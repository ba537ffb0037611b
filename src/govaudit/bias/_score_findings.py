"""Findings of the score audit: per-group calibration and discrimination tables, and their gates.

Disclosure: a group with fewer than ``suppress_below`` people publishes its count only, and so does
a score bin with fewer people than that (its observed rate would tell those people's outcomes).
When what is withheld adds up to fewer than ``suppress_below`` people, further groups (or bins),
smallest first, are withheld until it does not, so that no withheld number can be worked out from a
total published elsewhere. That is the auditor's own, local protection: a record's disclosure control
(:func:`govaudit.disclosure.protect_findings`) also withholds here every group whose numbers it
withholds in the group-metrics (or scoring-rates) table of the same grouping, since ``label_pos`` and
the observed rates count the same people's outcomes.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from govaudit.bias._common import num
from govaudit.bias._config import BiasConfig
from govaudit.bias._scores import ScoreAnalysis
from govaudit.core import Finding, Principle, Severity, Status
from govaudit.metrics import ci_pair, gate_status

__all__ = ["score_findings", "scores_not_evaluated", "span", "unmeasured_gates", "withheld"]

_FAIR = (Principle.FAIRNESS, Principle.TRANSPARENCY)
_REFS = ("EU AI Act Art. 10(2)(f)", "EU AI Act Art. 15(1)", "NIST AI RMF MEASURE 2.11")
_SUMMARY = ("observed_rate", "mean_score", "calibration_in_the_large", "oe_ratio", "brier", "ece",
            "calibration_slope", "calibration_intercept", "hl_p_value")
_GATES = {
    "max_ece": ("bias.score_ece", "expected calibration error"),
    "max_auc_difference": ("bias.score_auc_difference", "difference between the highest and lowest AUC"),
    "max_calibration_in_the_large_difference": (
        "bias.score_calibration_in_the_large_difference",
        "difference between the highest and lowest calibration-in-the-large"),
    "max_ks_statistic": ("bias.score_ks", "KS statistic of a group's scores against the rest"),
}
_METRIC_WORDS = {"ece": "expected calibration error", "auc": "AUC", "ks_statistic": "KS statistic",
                 "calibration_in_the_large": "calibration-in-the-large"}
_NOT_IN_BACKEND = ("score calibration, AUC and score distributions were not evaluated: the rows stay in the "
                   "data backend (DuckDB or Spark), which gives counts only; audit a sample of the rows in "
                   "memory to measure them")


def _f(value: Any) -> float | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else float(value)


def withheld(counts: np.ndarray, limit: int) -> np.ndarray:
    """Which cells to withhold: those under ``limit`` people, then the smallest others until the withheld
    cells hold at least ``limit`` people together (or all are withheld)."""
    counts = np.asarray(counts)
    out = (counts > 0) & (counts < limit)
    if not out.any():
        return out
    for i in np.argsort(counts, kind="stable"):
        if counts[out].sum() >= limit:
            break
        if counts[i] > 0:
            out[i] = True
    return out


def _status(row: Any) -> str:
    if row["count"] == 0:
        return "empty"
    return "compared" if row["compared"] else "not compared"


def _group_rows(analysis: ScoreAnalysis, keys: tuple[str, ...], config: BiasConfig) -> list[dict[str, Any]]:
    table = analysis.summary
    hidden = withheld(table["count"].to_numpy(), config.suppress_below)
    rows = []
    for (label, row), hide in zip(table.iterrows(), hidden):
        out: dict[str, Any] = {"group": str(label), "count": int(row["count"]), "status": _status(row)}
        for key in keys:
            if key in row.index:
                out[key] = None if hide else _f(row[key])
        if "auc_low" in keys:
            out["auc_ci"] = [None, None] if hide else ci_pair(row["auc_low"], row["auc_high"])
        if hide:
            out["suppressed"] = True
            out["note"] = (f"withheld (n={int(row['count'])}) so that no individual can be singled out"
                           if row["count"] < config.suppress_below else
                           "withheld with a smaller group, so that its numbers cannot be worked out from totals")
        elif isinstance(row.get("slope_note"), str) and "calibration_slope" in keys:
            out["note"] = f"calibration slope undefined: {row['slope_note']}"
        rows.append(out)
    return rows


def _bin_rows(analysis: ScoreAnalysis, groups: list[dict[str, Any]], config: BiasConfig) -> list[dict[str, Any]]:
    hidden_groups = {r["group"] for r in groups if r.get("suppressed")}
    rows: list[dict[str, Any]] = []
    for label, part in analysis.bins.groupby("group", sort=False):
        hide_group = label in hidden_groups
        hide = withheld(part["count"].to_numpy(), config.suppress_below)
        for (_, b), h in zip(part.iterrows(), hide):
            shown = not (hide_group or h)
            rows.append({
                "group": str(label), "bin": int(b["bin"]), "bin_low": float(b["bin_low"]),
                "bin_high": float(b["bin_high"]), "count": None if hide_group else int(b["count"]),
                "mean_score": _f(b["mean_score"]) if shown else None,
                "observed_rate": _f(b["observed_rate"]) if shown else None,
                "observed_rate_ci": ci_pair(b["observed_low"], b["observed_high"]) if shown else [None, None],
                **({} if shown else {"suppressed": True}),
            })
    return rows


def span(rows: list[dict[str, Any]], key: str) -> str | None:
    """``"lowest (group) to highest (group)"`` of ``key`` over the rows where it is shown (None if none)."""
    defined = [r for r in rows if r.get(key) is not None]
    if not defined:
        return None
    lo, hi = min(defined, key=lambda r: r[key]), max(defined, key=lambda r: r[key])
    return f"{num(lo[key])} ({lo['group']}) to {num(hi[key])} ({hi['group']})"


def _range_text(rows: list[dict[str, Any]], key: str) -> str | None:
    return span([r for r in rows if r["status"] == "compared"], key)


def _calibration_finding(analysis: ScoreAnalysis, config: BiasConfig) -> Finding:
    feature = analysis.feature
    base = {"feature": feature, "columns": list(analysis.columns), "confidence": config.confidence,
            "suppress_below": config.suppress_below}
    if analysis.calibration_reason is not None:
        gated = {"max_ece", "max_calibration_in_the_large_difference"} & set(config.scores.gates)
        return Finding(
            auditor="bias", check="bias.score_calibration",
            status=Status.INCONCLUSIVE if gated else Status.SKIPPED,
            severity=Severity.MEDIUM if gated else Severity.INFO, evidence={**base, "reason": analysis.calibration_reason},
            message=f"By {feature}, score calibration was not computed: {analysis.calibration_reason}"
                    + (f"; the gate(s) {', '.join(sorted(gated))} cannot be judged." if gated else "."),
            principles=_FAIR, references=_REFS)
    groups = _group_rows(analysis, _SUMMARY, config)
    ece, citl = _range_text(groups, "ece"), _range_text(groups, "calibration_in_the_large")
    message = (f"By {feature}, the expected calibration error ranges from {ece} and calibration-in-the-large "
               f"(observed outcome rate minus mean score) from {citl} among the groups compared."
               if ece else f"By {feature}, no group is large enough to compare calibration.")
    return Finding(
        auditor="bias", check="bias.score_calibration", status=Status.REPORTED, severity=Severity.INFO,
        evidence={**base, "n_bins": config.scores.n_bins, "binning": config.scores.binning,
                  "score_meaning": "probability of the observed outcome y_true = 1",
                  "groups": groups, "bins": _bin_rows(analysis, groups, config),
                  "methods": {"observed_rate": "Wilson interval",
                              "calibration_slope": "maximum-likelihood logistic regression of y on logit(score)",
                              "hl_p_value": "Hosmer-Lemeshow chi-square over the bins, one degree of freedom per bin"}},
        message=message, principles=_FAIR, references=_REFS)


def _discrimination_finding(analysis: ScoreAnalysis, config: BiasConfig) -> Finding:
    feature = analysis.feature
    groups = _group_rows(analysis, ("label_pos", "label_neg", "auc", "auc_se", "auc_low", "ks_statistic",
                                    "ks_p_value", "ks_p_adjusted"), config)
    for g in groups:
        g.pop("auc_low", None)
        if g.get("auc") is None and not g.get("suppressed") and g["status"] != "empty":
            g["note"] = ("AUC undefined: " + ("observed outcomes were not given" if g.get("label_pos") is None
                                              else "the group has only one observed outcome"))
    shifted = [g for g in groups if g["status"] == "compared" and g.get("ks_p_adjusted") is not None
               and g["ks_p_adjusted"] <= config.significance_level]
    auc = _range_text(groups, "auc")
    message = (f"By {feature}, the AUC ranges from {auc} among the groups compared." if auc
               else f"By {feature}, the AUC is not defined for any group compared.")
    if shifted:
        message += (" The scores of " + ", ".join(f"{g['group']!r} (KS {num(g['ks_statistic'])})" for g in shifted)
                    + " are distributed differently from everyone else's (significant after Holm's correction).")
    return Finding(
        # different score distributions follow from different base rates even for a fair model: a gate
        # (max_ks_statistic) judges them, the finding itself only reports
        auditor="bias", check="bias.score_discrimination", status=Status.REPORTED, severity=Severity.INFO,
        evidence={"feature": feature, "columns": list(analysis.columns), "confidence": config.confidence,
                  "groups": groups, "significance_level": config.significance_level,
                  "methods": {"auc": "Mann-Whitney; interval from DeLong's variance (normal, clipped to [0, 1])",
                              "ks": "two-sample Kolmogorov-Smirnov of the group against all other rows; "
                                    "p-values adjusted together across the audit (Holm)"}},
        message=message, principles=_FAIR, references=_REFS)


def _unjudged(feature: str, check: str, limit: float, why: str) -> Finding:
    # not bias._common.unjudged: that one reads a GroupingAnalysis and a Gate band, a score gate is a ceiling
    return Finding(auditor="bias", check=check, status=Status.INCONCLUSIVE, severity=Severity.MEDIUM,
                   threshold=limit, operator="<=", evidence={"feature": feature, "reason": why},
                   message=f"By {feature}, the gate {check.removeprefix('bias.')} <= {limit:g} cannot be judged: {why}.",
                   principles=_FAIR, references=_REFS)


def _undefined_for(t: Any, column: str) -> str | None:
    """Why a gate cannot be judged when some, not all, compared groups have its metric undefined.

    Judging the others would say nothing of those groups: the worst calibration, or the widest gap
    in AUC, may be exactly where the metric cannot be computed. (None when every group has it, or
    none does: the caller says why then.)
    """
    missing = [str(g) for g in t.index[t[column].isna().to_numpy()]]
    if not missing or len(missing) == len(t):
        return None
    why = " (only one observed outcome in the group)" if column == "auc" else ""
    return (f"the {_METRIC_WORDS[column]} is undefined for the compared group(s) "
            + ", ".join(repr(g) for g in missing) + why + ", so the other groups alone cannot show where it stands")


def _gate_value(analysis: ScoreAnalysis, name: str) -> tuple[float, float, tuple[str, ...]] | str:
    """(value, p-value of its test, groups) of a gate, or why it cannot be evaluated."""
    from scipy.stats import norm

    t = analysis.summary[analysis.summary["compared"]]
    column = {"max_ece": "ece", "max_auc_difference": "auc", "max_ks_statistic": "ks_statistic",
              "max_calibration_in_the_large_difference": "calibration_in_the_large"}[name]
    if column not in t.columns:
        return analysis.calibration_reason or "the metric was not computed"
    why = _undefined_for(t, column)
    if why is not None:
        return why
    t = t[t[column].notna()]
    if name in ("max_ece", "max_ks_statistic"):
        if t.empty:
            return "no group large enough to compare has the metric defined"
        worst = t[column].idxmax()
        p = t.at[worst, "hl_p_value" if name == "max_ece" else "ks_p_value"]
        return float(t.at[worst, column]), float(p), (str(worst),)
    if len(t) < 2:
        return "fewer than two groups large enough to compare have the metric defined"
    lo, hi = t[column].idxmin(), t[column].idxmax()
    se_col = "auc_se" if name == "max_auc_difference" else "citl_se"
    se = math.hypot(t.at[lo, se_col], t.at[hi, se_col])
    gap = float(t.at[hi, column] - t.at[lo, column])
    p = float(2 * norm.sf(gap / se)) if se > 0 else float("nan")
    return gap, p, (str(lo), str(hi))


def _gate_findings(analysis: ScoreAnalysis, config: BiasConfig) -> list[Finding]:
    findings = []
    for name, limit in config.scores.gates.items():
        check, words = _GATES[name]
        measured = _gate_value(analysis, name)
        if isinstance(measured, str):
            findings.append(_unjudged(analysis.feature, check, limit, measured))
            continue
        value, p, groups = measured
        meets = value <= limit
        claim = (f"By {analysis.feature}, the {words} is {num(value)}"
                 f"{' (' + groups[0] + ')' if len(groups) == 1 else ' (' + ' vs '.join(groups) + ')'}; "
                 f"this {'meets' if meets else 'misses'} the gate <= {limit:g}")
        evidence: dict[str, Any] = {"feature": analysis.feature, "groups": list(groups), "p_value": _f(p)}
        status = gate_status(evidence, passes=meets, claim=claim, p_value=p,
                             require_significance=config.require_significance, level=config.significance_level)
        findings.append(Finding(
            auditor="bias", check=check, status=status,
            severity=Severity.MEDIUM if meets else Severity.HIGH, value=value, threshold=limit, operator="<=",
            groups=groups, evidence=evidence, message=claim + ".", principles=_FAIR, references=_REFS))
    return findings


def unmeasured_gates(features: Sequence[str], config: BiasConfig, why: str) -> list[Finding]:
    """Every configured score gate of every grouping, inconclusive: the scores were not measured.

    A gate with nothing to judge it on never passes silently (as ``scoring_impact_ratio`` without scores).
    """
    return [_unjudged(feature, _GATES[name][0], limit, why)
            for feature in features for name, limit in config.scores.gates.items()]


def score_findings(analysis: ScoreAnalysis, config: BiasConfig) -> list[Finding]:
    """The calibration and discrimination findings of one grouping, and its score gates."""
    return [_calibration_finding(analysis, config), _discrimination_finding(analysis, config),
            *_gate_findings(analysis, config)]


def scores_not_evaluated(config: BiasConfig) -> Finding:
    """The scores of a backend audit: said plainly, inconclusive when a score gate waits on them."""
    gated = sorted(config.scores.gates)
    return Finding(
        auditor="bias", check="bias.score_calibration", status=Status.INCONCLUSIVE if gated else Status.SKIPPED,
        severity=Severity.MEDIUM if gated else Severity.INFO, evidence={"reason": _NOT_IN_BACKEND, "gates": gated},
        message=_NOT_IN_BACKEND[0].upper() + _NOT_IN_BACKEND[1:]
        + (f"; the gate(s) {', '.join(gated)} cannot be judged." if gated else "."),
        principles=_FAIR, references=_REFS)
