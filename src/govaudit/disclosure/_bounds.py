"""Sums the attacker can compute must not sit at an extreme, or every cell in them is known.

Linear protection leaves each small group's numerator free along some line; a numerator also lies
between 0 and the group's size. When the withheld cells of a table (or of a margin) add up to 0,
or to all of their people, each of them is pinned at its extreme (nobody selected, or everybody),
though no subtraction gives it. So for every equation whose withheld cells all enter with the same
sign, the sum the attacker can compute must lie strictly inside; if not, one more published cell
of the equation, chosen so that its own numerator moves the sum inside, is withheld.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from govaudit.disclosure._tables import PRIMARY, PUBLISHED, Cell, Table

__all__ = ["pinning_fix", "universe_total"]


def universe_total(tables: Sequence[Table]) -> int | None:
    """The universe's total numerator, from any table that publishes every cell (None if none does)."""
    for t in tables:
        cells = [c for c in t.cells if c.count > 0 or c.hides_count]
        if t.remainder is None and cells and all(c.state == PUBLISHED and c.value is not None for c in cells):
            return sum(int(c.value) for c in cells)  # type: ignore[arg-type]
    return None


def pinning_fix(tables: Sequence[Table], rows: Sequence[dict[int, int]], total: int | None,
                cost: Callable[[Cell], Any], pinned: list[Cell]) -> Cell | None:
    """A published cell to withhold because some computable sum of withheld cells is at an extreme.

    ``rows`` are the equations of :mod:`~govaudit.disclosure._complement` (one per table first, whose
    right-hand side is ``total``; then the margins, whose right-hand side is 0). None when no sum
    holding a primary cell is pinned. A pinned sum no published cell can move inside (the total or a
    published margin is itself 0% or 100%, so it tells every member's outcome) is left as it is and
    its primary cells are added to ``pinned``.
    """
    cells = {id(c): c for t in tables for c in t.cells}
    for i, row in enumerate(rows):
        constant = total if i < len(tables) else 0
        unknown = {k: v for k, v in row.items() if cells[k].unknown}
        known = [cells[k] for k in row if k not in unknown]
        signs = set(unknown.values())
        if (constant is None or len(signs) != 1 or not any(cells[k].state == PRIMARY for k in unknown)
                or any(c.value is None for c in known) or not all(cells[k].size_known for k in unknown)):
            continue
        sign = signs.pop()
        inside = sign * (constant - sum(row[id(c)] * int(c.value) for c in known))  # type: ignore[arg-type]
        size = sum(cells[k].count for k in unknown)
        if 0 < inside < size:
            continue
        options = [c for c in known if row[id(c)] == sign and c.state == PUBLISHED
                   and (c.value > 0 if inside <= 0 else c.value < c.count)]  # type: ignore[operator]
        if options:
            return min(options, key=cost)
        pinned.extend(c for k in unknown if (c := cells[k]).state == PRIMARY and c not in pinned)
    return None
