"""An attacker who reads a record's bias findings and solves for withheld numerators.

Written independently of :mod:`govaudit.disclosure` (floating-point ranks with numpy, not its exact
elimination): it collects every numerator the findings publish or quote (group rows, small-group
lists, impact-ratio findings, ratio x reference rate), knows the true total, and uses every
equation the tables imply: each table adds up to the total, and a coarser table's cell is the sum of
an intersection's cells inside it. A withheld numerator is exposed when its unit vector is in the
row space of those equations (any linear combination of the published numbers gives it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from govaudit.core import Finding


@dataclass
class PublishedTable:
    feature: str
    columns: tuple[str, ...]
    cells: list[tuple[str, int, int | None]]  # label, count, numerator (None: withheld)


def _round(rate: float, count: int) -> int:
    return int(round(rate * count))


def _quoted(findings: Sequence[Finding], rate: str) -> dict[tuple[str, str], int]:
    """Numerators quoted outside the group tables (small-group lists, impact-ratio findings)."""
    quoted: dict[tuple[str, str], int] = {}
    ratio_check = "bias.impact_ratio" if rate == "selection_rate" else "bias.scoring_impact_ratio"
    for f in findings:
        ev = f.evidence
        if f.check == "bias.small_groups" and rate == "selection_rate":
            for r in ev["groups"]:
                if r.get("selection_rate") is not None:
                    quoted[(ev["feature"], r["group"])] = _round(r["selection_rate"], r["count"])
        if f.check == ratio_check and "group" in ev:
            own, ref = ev.get("rate"), ev.get("reference_rate")
            if own is None and f.value is not None and ref is not None:
                own = f.value * ref
            if ref is None and f.value and own is not None:
                ref = own / f.value
            if own is not None:
                quoted[(ev["feature"], ev["group"])] = _round(own, ev["count"])
            if ref is not None:
                quoted[(ev["feature"], ev["reference"])] = _round(ref, ev["reference_count"])
    return quoted


def published_tables(findings: Sequence[Finding], rate: str = "selection_rate") -> list[PublishedTable]:
    """What the findings let an attacker read, table by table."""
    check = "bias.group_metrics" if rate == "selection_rate" else "bias.scoring_rates"
    quoted = _quoted(findings, rate)
    tables = []
    for f in findings:
        if f.check != check:
            continue
        ev = f.evidence
        cells = []
        for r in ev["groups"]:
            x = None if r.get(rate) is None else _round(r[rate], r["count"])
            cells.append((r["group"], r["count"], quoted.get((ev["feature"], r["group"]), x)))
        tables.append(PublishedTable(ev["feature"], tuple(ev.get("columns") or (ev["feature"],)), cells))
    return tables


def solve(tables: Sequence[PublishedTable], total: int) -> dict[tuple[str, str], int | None]:
    """Each withheld cell -> the value the equations force (None when they leave it free)."""
    unknowns = [(t.feature, label) for t in tables for label, _, x in t.cells if x is None]
    if not unknowns:
        return {}
    index = {u: j for j, u in enumerate(unknowns)}
    rows, rhs = [], []

    def equation(plus: list[tuple[str, str, int | None]], minus: list[tuple[str, str, int | None]], value: float) -> None:
        row = np.zeros(len(unknowns))
        for sign, cells in ((1, plus), (-1, minus)):
            for feature, label, x in cells:
                if x is None:
                    row[index[(feature, label)]] += sign
                else:
                    value -= sign * x
        rows.append(row)
        rhs.append(value)

    for t in tables:
        equation([(t.feature, label, x) for label, _, x in t.cells], [], total)
    for fine in tables:
        for coarse in tables:
            if fine is coarse or not set(coarse.columns) < set(fine.columns):
                continue
            where = [fine.columns.index(c) for c in coarse.columns]
            for label, _, x in coarse.cells:
                inside = [(fine.feature, lab, fx) for lab, _, fx in fine.cells
                          if " & ".join(lab.split(" & ")[i] for i in where) == label]
                equation(inside, [(coarse.feature, label, x)], 0.0)
    m, b = np.array(rows), np.array(rhs)
    rank = np.linalg.matrix_rank(m)
    solution = np.linalg.lstsq(m, b, rcond=None)[0]
    out: dict[tuple[str, str], int | None] = {}
    for u, j in index.items():
        unit = np.zeros(len(unknowns))
        unit[j] = 1.0
        fixed = np.linalg.matrix_rank(np.vstack([m, unit])) == rank
        out[u] = int(round(solution[j])) if fixed else None
    return out


def true_numerators(frame: pd.DataFrame, outcome: np.ndarray, groupings: dict[str, list[str]]) -> dict[tuple[str, str], int]:
    """The real numerator of every group of every grouping (missing values form ``unknown``)."""
    out = {}
    labels = frame.astype(object).where(frame.notna(), "unknown").astype(str)
    for name, columns in groupings.items():
        key = labels[columns].agg(" & ".join, axis=1)
        for label, value in pd.Series(outcome).groupby(key.to_numpy()).sum().items():
            out[(name, str(label))] = int(value)
    return out


def bounds(tables: Sequence[PublishedTable], total: int) -> dict[tuple[str, str], tuple[float, float]]:
    """Each withheld cell -> the smallest and largest numerator consistent with the equations and
    0 <= numerator <= group size (linear programming: the attacker who also uses bounds)."""
    from scipy.optimize import linprog

    unknowns = [(t.feature, label, count) for t in tables for label, count, x in t.cells if x is None]
    if not unknowns:
        return {}
    index = {(f, lab): j for j, (f, lab, _) in enumerate(unknowns)}
    rows, rhs = [], []
    for t in tables:
        row = np.zeros(len(unknowns))
        value = float(total)
        for label, _, x in t.cells:
            if x is None:
                row[index[(t.feature, label)]] += 1
            else:
                value -= x
        rows.append(row)
        rhs.append(value)
    for fine in tables:
        for coarse in tables:
            if fine is coarse or not set(coarse.columns) < set(fine.columns):
                continue
            where = [fine.columns.index(c) for c in coarse.columns]
            for label, _, x in coarse.cells:
                row, value = np.zeros(len(unknowns)), 0.0
                for lab, _, fx in fine.cells:
                    if " & ".join(lab.split(" & ")[i] for i in where) == label:
                        if fx is None:
                            row[index[(fine.feature, lab)]] += 1
                        else:
                            value -= fx
                if x is None:
                    row[index[(coarse.feature, label)]] -= 1
                else:
                    value += x
                rows.append(row)
                rhs.append(value)
    limits = [(0, count) for _, _, count in unknowns]
    out = {}
    for (feature, label, _), j in zip(unknowns, range(len(unknowns))):
        goal = np.zeros(len(unknowns))
        goal[j] = 1.0
        low = linprog(goal, A_eq=np.array(rows), b_eq=np.array(rhs), bounds=limits, method="highs")
        high = linprog(-goal, A_eq=np.array(rows), b_eq=np.array(rhs), bounds=limits, method="highs")
        out[(feature, label)] = (low.fun, -high.fun)
    return out
