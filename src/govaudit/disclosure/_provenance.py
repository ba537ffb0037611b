"""The provenance auditor's group tables: label base rates, and missing values by group.

Label base rates on the evaluation data count the same people's observed outcomes as the bias
auditor's tables, so they join the bias universe; rows with an unknown group are counted but never
given a rate. Each missingness test (a column by a feature) is a table of its own universe, whose
gap and test are taken over every listed group.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from govaudit.core import Finding
from govaudit.disclosure._bias import UNIVERSES
from govaudit.disclosure._edit import WHY, copy_evidence, numerator, outcome, read_state, rewritten
from govaudit.disclosure._tables import PRIMARY, PUBLISHED, UNPUBLISHED, Cell, Table

__all__ = ["read", "rewrite"]

_LABELS = "provenance.label_base_rates"
_MISSING = "provenance.differential_missingness"


def read(index: int, finding: Finding, threshold: int) -> list[Table]:
    """The tables of a label-base-rate finding (one) or a missingness finding (one per test)."""
    ev = finding.evidence
    if finding.check == _LABELS and isinstance(ev.get("groups"), list):
        return [_labels_table(index, finding, threshold)]
    if finding.check == _MISSING and isinstance(ev.get("tests"), list):
        return [_missing_table(index, finding, i, test, threshold) for i, test in enumerate(ev["tests"])
                if isinstance(test.get("groups"), dict)]
    return []


def _labels_table(index: int, finding: Finding, threshold: int) -> Table:
    ev = finding.evidence
    role, feature = str(ev.get("table", "data")), str(ev.get("feature", ""))
    cells = []
    for row in ev["groups"]:
        count = int(row.get("count") or 0)
        state = read_state(row, row.get("rate") is not None, count, threshold)
        cells.append(Cell(label=str(row.get("group")), count=count, parts=(str(row.get("group")),), state=state,
                          value=numerator(row.get("rate"), count) if state == PUBLISHED else None,
                          compared=bool(row.get("eligible")) and state == PUBLISHED))
    unknown = int(ev.get("unknown") or 0)
    if unknown:
        cells.append(Cell(label="unknown", count=unknown, parts=("unknown",),
                          state=PRIMARY if unknown < threshold else UNPUBLISHED))
    universe = UNIVERSES["selection"] if role == "data" else (role, "labels")
    return Table(universe=universe, check=finding.check, feature=feature, measure="label_rate", columns=(feature,),
                 cells=cells, finding=index, key=("provenance.labels", role, feature))


def _missing_table(index: int, finding: Finding, i: int, test: Mapping[str, Any], threshold: int) -> Table:
    role = str(finding.evidence.get("table", "data"))
    feature, column = str(test.get("feature")), str(test.get("column"))
    cells = []
    for label, values in test["groups"].items():
        count = int(values.get("count") or 0)
        state = read_state(values, values.get("missing_share") is not None, count, threshold)
        cells.append(Cell(label=str(label), count=count, parts=(str(label),), state=state, compared=True,
                          value=numerator(values.get("missing_share"), count) if state == PUBLISHED else None))
    return Table(universe=(role, "missing", column), check=finding.check, feature=feature,
                 measure=f"missing_share of {column}", columns=(feature,), cells=cells, finding=index,
                 key=("provenance.missing", index, i))


def rewrite(index: int, finding: Finding, tables: Mapping[Any, Table],
            threshold: int) -> tuple[Finding, list[str]] | None:
    """The finding with withheld groups' rates or shares, and the statistics over them, removed."""
    if finding.check == _LABELS:
        ev = finding.evidence
        table = tables.get(("provenance.labels", str(ev.get("table", "data")), str(ev.get("feature", ""))))
        return _labels(finding, table) if table is not None else None
    if finding.check == _MISSING:
        return _missing(index, finding, tables)
    return None


def _labels(finding: Finding, table: Table) -> tuple[Finding, list[str]]:
    ev = copy_evidence(finding)
    for row in ev["groups"]:
        cell = table.cell(str(row.get("group")))
        if cell is not None and cell.withheld and row.get("rate") is not None:
            row.update(rate=None, suppressed=True, suppression=cell.state)
    if not any(c.compared and c.withheld for c in table.cells) or ev.get("ratio") is None:
        return rewritten(finding, ev), []
    ev.update(ratio=None, test=None)
    message = (f"By {table.feature}, the ratio of favourable-label rates between groups is withheld {WHY}; "
               f"{outcome(finding)}.")
    return rewritten(finding, ev, value=None, message=message), [f"{finding.check} {table.feature}: ratio, test"]


def _missing(index: int, finding: Finding, tables: Mapping[Any, Table]) -> tuple[Finding, list[str]]:
    ev = copy_evidence(finding)
    notes: list[str] = []
    withheld_gaps: set[tuple[Any, Any]] = set()
    for i, test in enumerate(ev.get("tests", [])):
        table = tables.get(("provenance.missing", index, i))
        if table is None or not table.any_withheld(listed_only=True):
            continue
        for cell in table.cells:
            if cell.listed and cell.withheld:
                if test["groups"][cell.label].get("missing_share") is not None:
                    test["groups"][cell.label].update(missing_share=None, suppression=cell.state)
        test.update(statistic=None, p_value=None, p_adjusted=None, gap=None)
        withheld_gaps.add((test.get("column"), test.get("feature")))
        notes.append(f"{finding.check} {test.get('feature')} {test.get('column')}: gap, test")
    groups = finding.groups
    if len(groups) == 3 and (groups[1], groups[2]) in withheld_gaps and finding.value is not None:
        message = (f"In the {groups[0].replace('_', ' ')}, {groups[1]!r} is missing more often in some groups of "
                   f"{groups[2]} than in others; the gap and its test are withheld {WHY}; {outcome(finding)}.")
        return rewritten(finding, ev, value=None, message=message), notes
    return rewritten(finding, ev), notes

