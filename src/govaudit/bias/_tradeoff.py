"""The classic dispute, side by side: error-rate balance against predictive parity and calibration.

When the groups' base rates (the share with the observed outcome) differ, a classifier that is not
perfect cannot give every group both the same false positive and false negative rates and the same
predictive values, nor scores calibrated within every group together with balanced error rates
(Kleinberg, Mullainathan and Raghavan 2016; Chouldechova 2017). ``bias.fairness_tradeoff`` puts the
two sides next to each other for every feature, tests whether base rates differ and says plainly
what follows. It is ``reported``, or ``warn`` when both imbalances are present; it gates nothing.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from govaudit.bias._config import BiasConfig
from govaudit.bias._score_findings import span, withheld
from govaudit.bias._scores import ScoreAnalysis, compared_groups
from govaudit.core import Finding, Principle, Severity, Status
from govaudit.metrics import GroupingAnalysis, holm_adjusted, rate_parts

__all__ = ["tradeoff_finding"]

_REFS = ("Kleinberg, Mullainathan and Raghavan 2016, arXiv:1609.05807",
         "Chouldechova 2017, Big Data 5(2)", "NIST AI RMF MEASURE 2.11")
#: the rates set side by side (their cells: :data:`govaudit.metrics.RATE_CELLS`)
_RATES = ("prevalence", "fpr", "fnr", "precision", "npv")


def _homogeneity_p(x: np.ndarray, n: np.ndarray) -> float:
    """Chi-square test that the groups share one rate (groups without a denominator left out)."""
    from scipy.stats import chi2_contingency

    keep = n > 0
    if keep.sum() < 2:
        return float("nan")
    table = np.column_stack([x[keep], n[keep] - x[keep]])
    if (table.sum(axis=0) == 0).any():
        return 1.0  # every group has the same rate (all 0 or all 1)
    return float(chi2_contingency(table, correction=False).pvalue)


def _span(rows: list[dict[str, Any]], key: str) -> str:
    return span(rows, key) or "undefined"


def _calibration_p(scores: ScoreAnalysis | None, compared: np.ndarray) -> float:
    """Test of the largest gap in calibration-in-the-large between compared groups (NaN without it)."""
    from scipy.stats import norm

    if scores is None or "calibration_in_the_large" not in scores.summary:
        return float("nan")
    t = scores.summary[compared & scores.summary["calibration_in_the_large"].notna().to_numpy()]
    if len(t) < 2:
        return float("nan")
    lo, hi = t["calibration_in_the_large"].idxmin(), t["calibration_in_the_large"].idxmax()
    se = float(np.hypot(t.at[lo, "citl_se"], t.at[hi, "citl_se"]))
    gap = float(t.at[hi, "calibration_in_the_large"] - t.at[lo, "calibration_in_the_large"])
    return float(2 * norm.sf(gap / se)) if se > 0 else float("nan")


def _rows(labels: tuple[str, ...], cells: np.ndarray, compared: np.ndarray, scores: ScoreAnalysis | None,
          config: BiasConfig) -> list[dict[str, Any]]:
    n = cells.sum(axis=1)
    hidden = withheld(n, config.suppress_below)
    citl = (scores.summary["calibration_in_the_large"].to_numpy()
            if scores is not None and "calibration_in_the_large" in scores.summary else None)
    rows = []
    for g, label in enumerate(labels):
        row: dict[str, Any] = {"group": label, "count": int(n[g]), "compared": bool(compared[g])}
        for rate in _RATES:
            x, d = rate_parts(cells[g], rate)
            row[rate] = None if hidden[g] or d == 0 else float(x / d)
        if citl is not None:
            row["calibration_in_the_large"] = None if hidden[g] or citl[g] != citl[g] else float(citl[g])
        if hidden[g]:
            row["suppressed"] = True
        rows.append(row)
    return rows


def tradeoff_finding(grouping: GroupingAnalysis, scores: ScoreAnalysis | None, config: BiasConfig) -> Finding | None:
    """``bias.fairness_tradeoff`` for one grouping (None without decisions and observed outcomes)."""
    rates = grouping.selection
    if rates is None or not rates.counts.has_labels:
        return None
    labels = grouping.encoding.labels
    cells = np.asarray(rates.counts.counts, dtype=np.int64)
    compared = compared_groups(labels, cells.sum(axis=1), config)
    rows = _rows(labels, cells, compared, scores, config)
    shown = [r for r, c in zip(rows, compared) if c]
    p_raw = {}
    for rate in _RATES:
        p_raw[rate] = _homogeneity_p(*rate_parts(cells[compared], rate))
    p_raw["calibration_in_the_large"] = _calibration_p(scores, compared)
    names = list(p_raw)
    adjusted = dict(zip(names, holm_adjusted([p_raw[k] for k in names])))
    level = config.significance_level

    def differs(*keys: str) -> bool:
        return any(adjusted[k] == adjusted[k] and adjusted[k] <= level for k in keys)

    base_rates, error_rates = differs("prevalence"), differs("fpr", "fnr")
    predictive = differs("precision", "npv", "calibration_in_the_large")
    feature = grouping.feature
    if len(shown) < 2:
        message = f"By {feature}, fewer than two groups are large enough to weigh error-rate balance against predictive parity."
    else:
        message = _message(feature, shown, base_rates, error_rates, predictive, scores is not None and "calibration_in_the_large" in shown[0])
    return Finding(
        auditor="bias", check="bias.fairness_tradeoff",
        # with different base rates no model can balance both (Kleinberg et al.): stating it is information,
        # not a warning against this model; gates on the rates themselves judge it
        status=Status.REPORTED, severity=Severity.INFO,
        evidence={"feature": feature, "columns": list(grouping.columns), "groups": rows,
                  "tests": {k: {"p_value": p_raw[k] if p_raw[k] == p_raw[k] else None,
                                "p_adjusted": adjusted[k] if adjusted[k] == adjusted[k] else None}
                            for k in names},
                  "test_methods": {"rates": "chi-square test of homogeneity across the groups compared",
                                   "calibration_in_the_large": "z-test of the largest gap between groups",
                                   "correction": "holm"},
                  "significance_level": level, "base_rates_differ": base_rates,
                  "error_rate_imbalance": error_rates, "predictive_imbalance": predictive},
        message=message, principles=(Principle.FAIRNESS, Principle.TRANSPARENCY), references=_REFS)


def _message(feature: str, rows: list[dict[str, Any]], base_rates: bool, error_rates: bool, predictive: bool,
             calibrated: bool) -> str:
    sides = (f"Error-rate balance: false positive rates range from {_span(rows, 'fpr')} and false negative "
             f"rates from {_span(rows, 'fnr')}"
             f" ({'they differ significantly' if error_rates else 'no significant difference'}). "
             f"Predictive parity: precision ranges from {_span(rows, 'precision')} and negative predictive value "
             f"from {_span(rows, 'npv')}"
             + (f", calibration-in-the-large from {_span(rows, 'calibration_in_the_large')}" if calibrated else "")
             + f" ({'they differ significantly' if predictive else 'no significant difference'}).")
    if base_rates:
        head = (f"By {feature}, base rates differ: the share with the observed outcome ranges from "
                f"{_span(rows, 'prevalence')}. When base rates differ, a classifier that is not perfect cannot "
                "give every group both equal false positive and false negative rates and equal predictive values "
                "(or scores calibrated within each group): one of the two fairness criteria has to give "
                "(Kleinberg et al. 2016; Chouldechova 2017). ")
        tail = (" Both imbalances are present, as that result predicts; the audit should state which criterion "
                "is given weight, and why." if error_rates and predictive else "")
    else:
        head = (f"By {feature}, base rates do not differ significantly (share with the observed outcome from "
                f"{_span(rows, 'prevalence')}), so error-rate balance and predictive parity can hold together. ")
        tail = ""
    return head + sides + tail
