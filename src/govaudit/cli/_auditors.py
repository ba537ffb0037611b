"""``govaudit list-auditors``: the built-in and installed auditors, and any that failed to load."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from govaudit.report._printable import printable

__all__ = ["list_auditors"]


def list_auditors() -> None:
    """List built-in and installed third-party auditors (entry-point group govaudit.auditors)."""
    from govaudit.registry import load_registry

    registry = load_registry()
    table = Table(title="govaudit auditors")
    for column in ("name", "version", "package", "requires", "status"):
        table.add_column(column, no_wrap=column != "requires")
    for key in sorted(registry.entries):
        entry = registry.entries[key]
        cls = entry.auditor_class
        if cls is not None:
            cells = (entry.name, str(cls.version), entry.package, ", ".join(sorted(cls.requires)), "ok")
        else:
            cells = (entry.name, "-", entry.package, "-", "failed")
        table.add_row(*(printable(cell) for cell in cells))  # named by installed plug-ins
    console = Console(highlight=False)
    console.print(table)
    for entry in registry.failed.values():
        console.print(printable(f"{entry.name} ({entry.package}) failed to load: {entry.error}"), markup=False)
