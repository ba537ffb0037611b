"""Published tables as the attacker sees them: cells with a size and a numerator, shown or withheld.

Each finding that lists groups becomes a :class:`Table`: one cell per group, with the number of
people (``count``) and whether its numerator (the number selected, overridden, ...) is published.
Tables over the same people and the same numerator share a *universe*: their totals agree, and a
table whose columns include another's (an intersection and its features) adds up to it cell by cell.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = ["COMPLEMENTARY", "LINKED", "PRIMARY", "PUBLISHED", "UNPUBLISHED", "Cell", "Table",
           "add_remainders", "split_label"]

#: how a cell ends up: its numerator shown, or withheld for one of four reasons
PUBLISHED = "published"
PRIMARY = "primary"            # fewer people than the threshold (or withheld by its auditor)
COMPLEMENTARY = "secondary"    # withheld so that a primary cell cannot be derived
LINKED = "linked"              # withheld because the same people's numerator is withheld in a linked table
UNPUBLISHED = "unpublished"    # never shown by its auditor, and not small


@dataclass(eq=False)
class Cell:
    """One group of one table.

    ``parts`` are the group's label per column of the table (``None`` when unknown); ``listed`` is
    False for the remainder, the people a table does not list; ``compared`` marks groups whose
    rates enter gaps, ratios and tests; ``hides_count`` marks a cell whose size is withheld with its
    numerator (outcome-defined groups); ``value`` is the published numerator (None when withheld);
    ``size_known`` is False when an earlier pass already withheld the size.
    """

    label: str
    count: int
    parts: tuple[str, ...] | None
    state: str = PUBLISHED
    compared: bool = False
    reference: bool = False
    hides_count: bool = False
    listed: bool = True
    value: int | None = None
    size_known: bool = True
    table: "Table | None" = field(default=None, repr=False)

    @property
    def withheld(self) -> bool:
        """Whether its numerator is not published."""
        return self.state != PUBLISHED

    @property
    def unknown(self) -> bool:
        """Whether the attacker does not know its numerator (an empty, sized cell holds 0)."""
        return self.withheld and (self.count > 0 or self.hides_count)


@dataclass(eq=False)
class Table:
    """The groups of one finding's table, in one universe (same people, same numerator)."""

    universe: tuple[str, ...]
    check: str
    feature: str
    measure: str
    columns: tuple[str, ...]
    cells: list[Cell]
    finding: int
    counts_sensitive: bool = False
    key: Any = None
    #: another numerator of a published table (a confusion cell): protected on its own, reported with it
    shadow: bool = False

    def __post_init__(self) -> None:
        for cell in self.cells:
            cell.table = self

    @property
    def remainder(self) -> Cell | None:
        """The cell of people the table does not list (added by :func:`add_remainders`), if any."""
        return next((c for c in self.cells if not c.listed), None)

    def cell(self, label: str) -> Cell | None:
        """The listed cell with this group label."""
        return next((c for c in self.cells if c.label == label and c.listed), None)

    def any_withheld(self, *, listed_only: bool = False) -> bool:
        """Whether some non-empty cell's numerator is withheld."""
        return any(c.unknown for c in self.cells if c.listed or not listed_only)


def split_label(label: str, columns: Sequence[str], known: dict[str, set[str]]) -> tuple[str, ...] | None:
    """A group label's part per column (intersections join them with ``" & "``); None if ambiguous.

    A value that itself contains ``" & "`` is resolved against the labels ``known`` per column.
    """
    pieces = str(label).split(" & ")
    if len(columns) == 1:
        return (str(label),)
    if len(pieces) == len(columns):
        return tuple(pieces)
    return _resolve(pieces, list(columns), known)


def _resolve(pieces: list[str], columns: list[str], known: dict[str, set[str]]) -> tuple[str, ...] | None:
    if not columns:
        return () if not pieces else None
    found = []
    for cut in range(1, len(pieces) - len(columns) + 2):
        head = " & ".join(pieces[:cut])
        if head in known.get(columns[0], set()):
            rest = _resolve(pieces[cut:], columns[1:], known)
            if rest is not None:
                found.append((head, *rest))
    return found[0] if len(found) == 1 else None


def add_remainders(tables: Iterable[Table], threshold: int) -> None:
    """Give each table that lists fewer people than the largest table of its universe a remainder cell.

    The remainder stands for the people the table leaves out (rows with a missing value, say):
    their numerator is part of the universe total but never published, so it counts as withheld.
    """
    by_universe: dict[tuple[str, ...], list[Table]] = {}
    for t in tables:
        if not t.counts_sensitive:  # these list every group; some sizes are hidden, not missing
            by_universe.setdefault(t.universe, []).append(t)
    for group in by_universe.values():
        population = max(sum(c.count for c in t.cells) for t in group)
        for t in group:
            missing = population - sum(c.count for c in t.cells)
            if missing > 0:
                cell = Cell(label="(not listed)", count=missing, parts=None, listed=False,
                            state=PRIMARY if missing < threshold else UNPUBLISHED)
                cell.table = t
                t.cells.append(cell)
