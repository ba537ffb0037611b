"""The per-group rows of a ``bias.group_metrics`` (or ``bias.scoring_rates``) finding's evidence.

One row per group holds its counts by cell, every rate with its interval (``<metric>_ci``), the
likelihood ratios, the impact ratio, every rate's ratio to and difference from the reference group
(``<rate>_ratio``, ``<rate>_difference``, each with ``_ci``), why a metric is undefined
(``undefined``: metric -> reason), the group's status and a note. A group under ``suppress_below``
keeps only its count and share.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from govaudit.bias._config import BiasConfig, Gate
from govaudit.metrics import GroupingAnalysis, RateAnalysis, ci_pair
from govaudit.metrics._confusion import DISPARITY_RATES

__all__ = ["CELLS", "RATES", "columns_of", "group_rows"]

#: integer columns of a row, by confusion cell
CELLS = ("tp", "fp", "tn", "fn", "pp", "pn", "label_pos", "label_neg")
#: rates of a row, each with an interval; then the likelihood ratios
RATES = ("prevalence", "selection_rate", "tpr", "fpr", "fnr", "tnr", "precision", "npv", "fdr", "for", "accuracy",
         "ppr", "lr_plus", "lr_minus")


def columns_of(rates: RateAnalysis) -> dict[str, np.ndarray]:
    """The group table's columns as arrays: the values ``.iat`` gives, without a lookup per cell."""
    if rates.columns:
        return rates.columns
    return {name: rates.table[name].to_numpy() for name in rates.table.columns}


def _number(value: Any) -> float:
    """A plain float (NaN stays NaN here; the finding's evidence writes it as null)."""
    return float(value)


def _measured(row: dict[str, Any], table: dict[str, np.ndarray], rates: RateAnalysis, g: int, rate_name: str) -> None:
    """Counts, rates with intervals, likelihood ratios and contrasts of group ``g``, into ``row``."""
    def shown(metric: str) -> str:
        return metric.replace("selection_rate", rate_name, 1)

    for cell in CELLS:
        if cell in table:
            row[cell] = int(table[cell][g])
    for m in RATES:
        if m in table:
            row[shown(m)] = _number(table[m][g])
            row[f"{shown(m)}_ci"] = ci_pair(table[f"{m}_low"][g], table[f"{m}_high"][g])
    row["impact_ratio"] = _number(table["impact_ratio"][g])
    row["impact_ratio_ci"] = ci_pair(table["impact_ratio_low"][g], table["impact_ratio_high"][g])
    for m in DISPARITY_RATES:
        for kind in ("ratio", "difference"):
            key = f"{m}_{kind}"
            if key in rates.contrasts:
                row[shown(key)] = _number(rates.contrasts[key][g])
                row[f"{shown(key)}_ci"] = ci_pair(rates.contrasts[f"{key}_low"][g], rates.contrasts[f"{key}_high"][g])
    if rates.undefined and rates.undefined[g]:
        row["undefined"] = {shown(m): why for m, why in rates.undefined[g].items()}


def group_rows(grouping: GroupingAnalysis, rates: RateAnalysis, rate_name: str, gate: Gate | None,
               config: BiasConfig) -> list[dict[str, Any]]:
    """One evidence row per group (see the module docstring)."""
    table = columns_of(rates)
    rows = []
    for g, label in enumerate(grouping.encoding.labels):
        row: dict[str, Any] = {"group": label, "count": int(table["count"][g]), "share": float(table["share"][g])}
        _measured(row, table, rates, g, rate_name)
        row["status"], row["note"] = _group_status(grouping, rates.reference, table, g, gate)
        if row["count"] < config.suppress_below:
            row = _suppressed(row, config.suppress_below)
        rows.append(row)
    return rows


def _suppressed(row: dict[str, Any], limit: int) -> dict[str, Any]:
    """Keep a small group's count, drop its cell counts, rates and contrasts: they could reveal individuals."""
    kept = {"group", "count", "share", "status", "note"}
    out = {k: (v if k in kept else ([None, None] if k.endswith("_ci") else None))
           for k, v in row.items() if k != "undefined"}
    out["suppressed"] = True
    out["note"] = f"rates suppressed (n={row['count']} < {limit}) so that no individual can be singled out"
    return out


def _group_status(grouping: GroupingAnalysis, reference: int | None, table: dict[str, np.ndarray], g: int,
                  gate: Gate | None) -> tuple[str, str | None]:
    n = int(table["count"][g])
    if g in grouping.unknown:
        return "excluded", f"unknown category (n={n}): reported, excluded from ratios"
    if g in grouping.small:
        return "warn", f"small group (n={n}): excluded from ratio gates"
    if g in grouping.ll144_excluded:
        return "excluded", f"under the small-category share (n={n}): excluded from impact ratios"
    ratio = table["impact_ratio"][g]
    if ratio != ratio:
        return "inconclusive", "impact ratio undefined"
    undefined = [m for m in ("tpr", "fpr") if m in table and table[m][g] != table[m][g]]
    note = (f"{' and '.join(undefined)} undefined: only one observed outcome in this group; "
            "error-rate comparisons are inconclusive") if undefined else None
    if gate is not None and not gate.passes(float(ratio)):
        return "fail", note
    if g == reference:
        return "reference", note
    return ("inconclusive" if undefined else "pass"), note
