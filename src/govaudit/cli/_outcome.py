"""What ``govaudit run`` prints when it is done: the one-screen summary, and with ``--details`` the full one."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console

if TYPE_CHECKING:
    from govaudit.records import AuditRecord

__all__ = ["show_outcome"]


def show_outcome(record: AuditRecord, written: Mapping[str, Path], position: Mapping[str, Any] | None, *,
                 details: bool = False, strict: bool = False, console: Console | None = None) -> None:
    """Print the summary of a run on stdout: verdict first, what blocks, what was written, the ledger entry.

    With ``details`` every finding and the per-group tables follow (the tables split into blocks
    that fit the width, each repeating the group column).
    """
    from rich.rule import Rule

    from govaudit.report._summary import LedgerPosition, render_brief
    from govaudit.report._text import render_summary

    console = console if console is not None else Console(highlight=False)
    ledger = None
    if position is not None:
        ledger = LedgerPosition(Path(position["ledger"]), int(position["entry"]), str(position["entry_hash"]))
    render_brief(record, console, written=written, ledger=ledger, strict=strict, hint=not details)
    if details:
        console.print()
        console.print(Rule("Details", align="left"))
        render_summary(record, console)
