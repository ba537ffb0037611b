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
from govaudit.metrics import GroupingAnalysis, RateAnalysis
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


def _columns(table: dict[str, np.ndarray], rates: RateAnalysis, rate_name: str) -> tuple[list[str], list[list]]:
    """Each row key with its column as a Python list, converted once per table rather than per cell.

    In the order a row lists them: count, share, cells, rates (each followed by its interval as
    ``[low, high]`` with an undefined bound as ``None``), the impact ratio, the contrasts.
    """
    def shown(metric: str) -> str:
        return metric.replace("selection_rate", rate_name, 1)

    def floats(values: Any) -> list:
        return np.asarray(values, dtype=np.float64).tolist()

    keys = ["count", "share"] + [cell for cell in CELLS if cell in table]
    columns = [table[k].astype(np.int64).tolist() if k != "share" else floats(table[k]) for k in keys]
    sources = [(m, table) for m in RATES if m in table] + [("impact_ratio", table)]
    sources += [(f"{m}_{kind}", rates.contrasts) for m in DISPARITY_RATES for kind in ("ratio", "difference")
                if f"{m}_{kind}" in rates.contrasts]
    for key, source in sources:
        lows, highs = floats(source[f"{key}_low"]), floats(source[f"{key}_high"])
        keys += [shown(key), f"{shown(key)}_ci"]
        columns += [floats(source[key]), [[None if lo != lo else lo, None if hi != hi else hi]
                                          for lo, hi in zip(lows, highs)]]
    return keys, columns


def group_rows(grouping: GroupingAnalysis, rates: RateAnalysis, rate_name: str, gate: Gate | None,
               config: BiasConfig) -> list[dict[str, Any]]:
    """One evidence row per group (see the module docstring)."""
    table = columns_of(rates)
    keys, columns = _columns(table, rates, rate_name)
    rows = []
    for g, (label, values) in enumerate(zip(grouping.encoding.labels, zip(*columns))):
        row: dict[str, Any] = {"group": label, **dict(zip(keys, values))}
        if rates.undefined and rates.undefined[g]:
            row["undefined"] = {m.replace("selection_rate", rate_name, 1): why for m, why in rates.undefined[g].items()}
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
