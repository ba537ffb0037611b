"""Small helpers that rewrite a finding's evidence once its cells are decided."""

from __future__ import annotations

import copy
from collections.abc import Collection, Mapping
from typing import Any

from govaudit.core import Finding
from govaudit.disclosure._tables import COMPLEMENTARY, LINKED, PRIMARY, PUBLISHED, Cell

__all__ = ["WHY", "blank_row", "cell_note", "copy_evidence", "judged_block", "numerator", "outcome", "read_state",
           "rewritten", "withhold_ci"]

#: why a derived number is withheld, in the words findings use
WHY = "so that no small group's numbers can be worked out from the published ones"


def copy_evidence(finding: Finding) -> dict[str, Any]:
    """A deep copy of the evidence, safe to edit."""
    return copy.deepcopy(finding.evidence)


def numerator(rate: Any, count: int) -> int | None:
    """The number of people behind a published rate (None when no rate is shown)."""
    return int(round(float(rate) * count)) if isinstance(rate, (int, float)) and not isinstance(rate, bool) else None


def read_state(row: Mapping[str, Any], shown: bool, count: int, threshold: int) -> str:
    """A cell's starting state: published, or withheld; a group at or above the threshold that an
    earlier pass withheld to protect others keeps that reason, so protecting twice changes nothing."""
    if shown and count >= threshold:
        return PUBLISHED
    reason = row.get("suppression")
    if not shown and count >= threshold and reason in (COMPLEMENTARY, LINKED):
        return str(reason)
    return PRIMARY


def cell_note(cell: Cell, threshold: int, what: str = "rates") -> str:
    """The note a withheld group's row carries."""
    if cell.state == PRIMARY:
        return f"{what} suppressed (n={cell.count} < {threshold}) so that no individual can be singled out"
    if cell.state == LINKED:
        return f"{what} withheld: they would reveal the same people's numbers withheld in a linked table"
    return f"{what} withheld so that the numbers of smaller groups cannot be worked out (complementary suppression)"


def blank_row(row: dict[str, Any], keep: Collection[str]) -> dict[str, Any]:
    """The row with every value but ``keep`` withheld (an interval as ``[None, None]``)."""
    return {k: v if k in keep else ([None, None] if k.endswith("_ci") else None) for k, v in row.items()}


def withhold_ci(mapping: dict[str, Any], key: str) -> bool:
    """Replace an interval by ``[None, None]``; whether one was shown."""
    value = mapping.get(key)
    if isinstance(value, list) and any(v is not None for v in value):
        mapping[key] = [None, None]
        return True
    return False


def outcome(finding: Finding) -> str:
    """The sentence that keeps a gated finding's outcome when its value is withheld."""
    if finding.threshold is None or finding.operator is None:
        return f"the check's outcome ({finding.status.value}) stands"
    gate = f"{finding.operator} {finding.threshold:g}"
    return f"the check's outcome against the gate {gate} ({finding.status.value}) stands"


def rewritten(finding: Finding, evidence: dict[str, Any], **update: Any) -> Finding:
    """The finding with new evidence (and any other field), unchanged otherwise."""
    return finding.model_copy(update={"evidence": evidence, **update})


def judged_block(block: Mapping[str, Any]) -> dict[str, Any]:
    """A significance block without its claim and p-values (they quote withheld numbers): the judged outcome."""
    return {k: block[k] for k in ("level", "beyond_limit", "significant", "correction", "family_size") if k in block}
