"""The multi-class auditor's published numbers: per group, how many were decided into each class (and how many
of each true class into each class).

``multiclass.confusion`` lists, per group, its size and the counts of its confusion matrix (true x
decided) or, without the true class, of each class decided. Each cell of the matrix adds up over
groups to a total, like the number selected in a yes/no audit, so each is protected as the numerator
of its own universe (the same cell over every feature and intersection). A group withheld in any of
them loses every number of its rows: its matrix, and in ``multiclass.class_rates`` every rate of
every class (each is a sum of its matrix cells over its size). A withheld reference group takes
every ratio and difference to it along; any withheld group takes the bootstrap intervals (the
bootstrap draws every group from one random stream), and gate findings quoting a withheld group
lose their values.

Across universes a group's cells add up to its published size; with two or more groups withheld in
every universe this adds no determined cell (moving one case between two cells of one withheld group
and back in another satisfies every total, margin and size), so the per-universe guarantee holds.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from govaudit.core import Finding
from govaudit.disclosure._edit import WHY, blank_row, cell_note, copy_evidence, outcome, read_state, rewritten, \
    withhold_ci
from govaudit.disclosure._tables import PUBLISHED, Cell, Table

__all__ = ["read", "rewrite"]

_TABLE = "multiclass.confusion"
_RATES = "multiclass.class_rates"
_GATES = ("multiclass.adverse_rate_ratio", "multiclass.adverse_fpr_ratio", "multiclass.class_ratio")
_KEEP = ("group", "count", "share", "status")
_COMPARED = frozenset({"compared", "reference"})


def _measures(ev: Mapping[str, Any]) -> list[tuple[tuple[str, ...], tuple[int, ...]]]:
    """(universe suffix, index into the row) of every published count: matrix cells, else classes decided."""
    classes = [str(c) for c in ev.get("classes") or []]
    if ev.get("truth"):
        return [(("cell", t, d), (i, j)) for i, t in enumerate(classes) for j, d in enumerate(classes)]
    return [(("decided", d), (j,)) for j, d in enumerate(classes)]


def _value(row: Mapping[str, Any], where: tuple[int, ...]) -> int | None:
    try:
        value = row["matrix"][where[0]][where[1]] if len(where) == 2 else row["predicted"][where[0]]
    except (KeyError, IndexError, TypeError):
        return None
    return int(value) if isinstance(value, int) else None


def read(index: int, finding: Finding, threshold: int) -> list[Table]:
    """One table per published count of a confusion finding (none for other findings)."""
    ev = finding.evidence
    rows = ev.get("groups")
    if finding.check != _TABLE or not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        return []
    feature = str(ev.get("feature", ""))
    columns = tuple(str(c) for c in ev.get("columns") or (feature,))
    tables = []
    for n, (suffix, where) in enumerate(_measures(ev)):
        cells = []
        for row in rows:
            count = int(row.get("count") or 0)
            value = _value(row, where)
            state = read_state(row, value is not None and not row.get("suppressed"), count, threshold)
            cells.append(Cell(label=str(row.get("group")), count=count, parts=None, state=state,
                              value=value if state == PUBLISHED else None, compared=row.get("status") in _COMPARED,
                              reference=row.get("status") == "reference"))
        tables.append(Table(universe=("multiclass",) + suffix, check=finding.check, feature=feature,
                            measure="/".join(suffix[1:]), columns=columns, cells=cells, finding=index,
                            key=("multiclass", feature, n), shadow=n > 0))
    return tables


def _merged(tables: Mapping[Any, Table], feature: str) -> Table | None:
    """The first table of the feature with a cell withheld wherever any of its counts is."""
    mine = [t for key, t in tables.items() if isinstance(key, tuple) and key[:2] == ("multiclass", feature)]
    if not mine:
        return None
    first = next(t for t in mine if t.key[2] == 0)
    for other in mine:
        for cell, twin in zip(first.cells, other.cells):
            if twin.withheld and not cell.withheld:
                cell.state = twin.state
    return first


def rewrite(index: int, finding: Finding, tables: Mapping[Any, Table],
            threshold: int) -> tuple[Finding, list[str]] | None:
    """The finding with every number of a withheld group removed (None when it is not a multi-class finding)."""
    if finding.check not in (_TABLE, _RATES, *_GATES):
        return None
    table = _merged(tables, str(finding.evidence.get("feature", "")))
    if table is None:
        return None
    if finding.check in (_TABLE, _RATES):
        return _rewrite_table(finding, table, threshold)
    return _rewrite_gate(finding, table)


def _shown(value: Any) -> bool:
    """Whether a row's value publishes something (an interval ``[None, None]`` does not)."""
    if isinstance(value, list):
        return any(_shown(v) for v in value)
    return value is not None


def _blank(row: dict[str, Any], cell: Cell, threshold: int) -> dict[str, Any]:
    kept = {k: v for k, v in row.items() if k not in ("note", "suppressed", "suppression")}
    return {**blank_row(kept, _KEEP), "suppressed": True, "suppression": cell.state,
            "note": cell_note(cell, threshold, "classes and rates")}


def _rewrite_table(finding: Finding, table: Table, threshold: int) -> tuple[Finding, list[str]]:
    ev = copy_evidence(finding)
    notes: list[str] = []
    rows = []
    for cell, row in zip(table.cells, ev["groups"]):
        shown = any(_shown(v) for k, v in row.items() if k not in (*_KEEP, "note", "suppressed", "suppression"))
        if cell.withheld and shown:
            row = _blank(row, cell, threshold)
            notes.append(f"{finding.check} {table.feature} {cell.label}: classes and rates")
        rows.append(row)
    if finding.check == _RATES:
        contrast = [k for r in rows for k in r if k.removesuffix("_ci").endswith(("_ratio", "_difference"))]
        if any(c.reference and c.withheld for c in table.cells):
            for row in rows:
                row.update({k: ([None, None] if k.endswith("_ci") else None) for k in contrast if k in row})
            notes.append(f"{finding.check} {table.feature}: ratios and differences (the reference withheld)")
        elif table.any_withheld() and sum(withhold_ci(r, k) for r in rows for k in contrast
                                          if k.endswith("_ci") and k in r):
            notes.append(f"{finding.check} {table.feature}: intervals of ratios and differences (bootstrap over "
                         "every group)")
    ev["groups"] = rows
    update: dict[str, Any] = {}
    if any(c.compared and c.withheld for c in table.cells):
        what = "classes decided" if finding.check == _TABLE else f"rates of class {ev.get('class')!r}"
        update["message"] = f"By {table.feature}, the {what} of some groups are withheld {WHY}."
    return rewritten(finding, ev, **update), notes


def _rewrite_gate(finding: Finding, table: Table) -> tuple[Finding, list[str]] | None:
    ev = finding.evidence
    group, ref = table.cell(str(ev.get("group"))), table.cell(str(ev.get("reference")))
    where = f"{finding.check} {table.feature} {ev.get('group')}"
    if (group is not None and group.withheld) or (ref is not None and ref.withheld):
        if finding.value is None:
            return None
        kept = {k: ev[k] for k in ("feature", "class", "rate", "group", "reference", "count", "reference_count",
                                   "gate") if k in ev}
        if isinstance(ev.get("significance"), dict):  # the judged outcome, without the claim that quotes rates
            block = ev["significance"]
            kept["significance"] = {k: block[k] for k in ("level", "beyond_limit", "significant", "correction",
                                                          "family_size") if k in block}
        message = (f"By {table.feature}, the {ev.get('rate')}_ratio gate of class {ev.get('class')!r} for "
                   f"{ev.get('group')!r}: its rates are withheld {WHY}; {outcome(finding)}.")
        return rewritten(finding, kept, value=None, message=message), [f"{where}: value, rates, interval, test"]
    if table.any_withheld():
        copied = copy_evidence(finding)
        if withhold_ci(copied, "ci"):
            return rewritten(finding, copied), [f"{where}: interval (bootstrap over every group)"]
    return None
