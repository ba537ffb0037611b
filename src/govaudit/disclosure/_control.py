"""The control-sample auditor's published numerators: errors found per group, in each stream.

``control_sample.group_shares`` lists, per group, how many cases each stream (model-selected,
random) holds, and, with outcomes, the share of them where a check found an error. The counts are
group sizes; the errors found are the numerators. Each stream is its own universe: the tables of
every feature and intersection count the same checked cases, so a small group's errors could be
worked out from another feature's groups, which complementary suppression prevents.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from govaudit.core import Finding
from govaudit.disclosure._edit import cell_note, copy_evidence, numerator, read_state, rewritten
from govaudit.disclosure._tables import PUBLISHED, Cell, Table

__all__ = ["read", "rewrite"]

_CHECK = "control_sample.group_shares"
_STREAMS = ("model", "random")


def _has_outcomes(finding: Finding) -> bool:
    rows = finding.evidence.get("groups")
    return (finding.check == _CHECK and isinstance(rows, list) and bool(rows)
            and all(isinstance(r, dict) and "model_hit_rate" in r for r in rows))


def read(index: int, finding: Finding, threshold: int) -> list[Table]:
    """One table per stream of a group-shares finding with outcomes (none for other findings)."""
    if not _has_outcomes(finding):
        return []
    ev = finding.evidence
    feature = str(ev.get("feature", ""))
    tables = []
    for stream in _STREAMS:
        rate = f"{stream}_hit_rate"
        cells = []
        for row in ev["groups"]:
            count = int(row.get(f"{stream}_count") or 0)
            shown = row.get(rate) is not None and not row.get(f"{stream}_suppression")
            state = read_state({"suppression": row.get(f"{stream}_suppression")}, shown, count, threshold)
            cells.append(Cell(label=str(row.get("group")), count=count, parts=None, state=state,
                              value=numerator(row.get(rate), count) if state == PUBLISHED else None,
                              compared=row.get("status") == "compared"))
        tables.append(Table(universe=("control_sample", stream), check=finding.check, feature=feature, measure=rate,
                            columns=tuple(str(c) for c in ev.get("columns") or (feature,)), cells=cells,
                            finding=index, key=("control_sample", stream, feature)))
    return tables


def rewrite(index: int, finding: Finding, tables: Mapping[Any, Table],
            threshold: int) -> tuple[Finding, list[str]] | None:
    """The finding with each withheld stream's hit rate (and the group's hit-rate ratio) removed."""
    if not _has_outcomes(finding):
        return None
    feature = str(finding.evidence.get("feature", ""))
    streams = {s: tables.get(("control_sample", s, feature)) for s in _STREAMS}
    if any(t is None for t in streams.values()):
        return None
    ev = copy_evidence(finding)
    withheld: list[str] = []
    for i, row in enumerate(ev["groups"]):
        for stream, table in streams.items():
            cell = table.cells[i]  # type: ignore[union-attr]
            if not cell.withheld or row.get(f"{stream}_hit_rate") is None:
                continue
            row[f"{stream}_hit_rate"], row[f"{stream}_hit_rate_ci"] = None, [None, None]
            row["hit_rate_ratio"], row["hit_rate_ratio_ci"] = None, [None, None]
            row[f"{stream}_suppression"] = cell.state
            note = f"{stream} stream: " + cell_note(cell, threshold, "hit rate")
            row["note"] = f"{row['note']}; {note}" if row.get("note") else note
            withheld.append(f"{finding.check} {feature} {row.get('group')}: {stream} hit rate")
    return rewritten(finding, ev), withheld
