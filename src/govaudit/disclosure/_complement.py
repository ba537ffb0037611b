"""Complementary suppression: withhold more cells until no small group's numerator can be derived.

The attacker's equations over one universe are (see :mod:`govaudit.disclosure`):

* each table's cells add up to the universe total, which we assume the attacker knows;
* a coarser table's cell is the sum of the cells of a finer table (an intersection) that fall in it.

Published numerators are constants, withheld ones unknowns. After each added suppression the
exact check of :func:`~govaudit.disclosure._linear.determined` runs again, so the loop stops only
when no primary cell is fixed by the equations.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from fractions import Fraction

from govaudit.disclosure._bounds import pinning_fix, universe_total
from govaudit.disclosure._linear import derivation, determined
from govaudit.disclosure._tables import COMPLEMENTARY, LINKED, PRIMARY, PUBLISHED, Cell, Table

__all__ = ["link", "protect_universe"]

#: candidate cells tried one by one for an exposed cell before the cheapest useful one is withheld anyway
_MAX_TRIALS = 400


def _refinements(tables: Sequence[Table]) -> list[tuple[Table, Table]]:
    """(finer, coarser) pairs whose cells add up: the finer one lists everybody, by more columns."""
    pairs = []
    for fine in tables:
        if fine.remainder is not None or any(c.parts is None for c in fine.cells):
            continue
        for coarse in tables:
            if coarse is not fine and set(coarse.columns) <= set(fine.columns):
                pairs.append((fine, coarse))
    return pairs


def _equations(tables: Sequence[Table], pairs: Sequence[tuple[Table, Table]]) -> list[dict[int, int]]:
    """Every equation, as coefficients over all cells that can hold people (indexed by ``id``)."""
    def holds(c: Cell) -> bool:
        return c.count > 0 or c.hides_count

    rows: list[dict[int, int]] = [{id(c): 1 for c in t.cells if holds(c)} for t in tables]
    for fine, coarse in pairs:
        where = [fine.columns.index(col) for col in coarse.columns]
        members: dict[tuple[str, ...], list[Cell]] = {}
        for c in fine.cells:
            assert c.parts is not None
            members.setdefault(tuple(c.parts[i] for i in where), []).append(c)
        for b in coarse.cells:
            if b.parts is None or b.parts not in members:
                continue
            row = {id(c): 1 for c in members[b.parts] if holds(c)}
            if holds(b):
                row[id(b)] = row.get(id(b), 0) - 1
            rows.append({k: v for k, v in row.items() if v})
    return rows


def _over_unknowns(rows: Sequence[dict[int, int]], tables: Sequence[Table]) -> list[dict[int, int]]:
    """The equations as the attacker solves them: published cells are constants."""
    unknown = {id(c) for t in tables for c in t.cells if c.unknown}
    return [{k: v for k, v in row.items() if k in unknown} for row in rows]


def _components(tables: Sequence[Table], pairs: Sequence[tuple[Table, Table]]) -> list[list[Table]]:
    """Tables linked by some equation beyond their own total (an intersection and its features)."""
    parent = {id(t): id(t) for t in tables}

    def root(k: int) -> int:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    for fine, coarse in pairs:
        parent[root(id(fine))] = root(id(coarse))
    groups: dict[int, list[Table]] = {}
    for t in tables:
        groups.setdefault(root(id(t)), []).append(t)
    return list(groups.values())


def _exposed(tables: Sequence[Table], rows: Sequence[dict[int, int]], skip: set[int]) -> list[Cell]:
    fixed = determined(_over_unknowns(rows, tables))
    return [c for t in tables for c in t.cells
            if c.state == PRIMARY and c.unknown and id(c) in fixed and id(c) not in skip]


def _cost(order: dict[int, int]) -> Callable[[Cell], tuple[bool, bool, int, int]]:
    """Cheapest first: not the reference, not a compared group, fewest people, then table order."""
    def key(c: Cell) -> tuple[bool, bool, int, int]:
        return (c.reference, c.compared, c.count, order[id(c)])
    return key


def _next(target: Cell, candidates: Sequence[Cell], tables: Sequence[Table],
          rows: Sequence[dict[int, int]]) -> Cell | None:
    """The cell to withhold next: the cheapest whose suppression leaves ``target`` undetermined.

    Only a cell that enters the attacker's derivation of ``target`` can break it (withholding any
    other leaves that derivation intact), so only those are tried. When no single one suffices,
    the cheapest of them (else of the target's table, else any) is withheld and the search goes on.
    """
    weights = derivation(_over_unknowns(rows, tables), id(target)) or {}
    used: dict[int, Fraction] = {}
    for i, w in weights.items():
        for k, v in rows[i].items():
            used[k] = used.get(k, Fraction(0)) + w * v
    useful = [c for c in candidates if used.get(id(c))]
    for c in useful[:_MAX_TRIALS]:
        c.state = COMPLEMENTARY
        freed = id(target) not in determined(_over_unknowns(rows, tables))
        c.state = PUBLISHED
        if freed:
            return c
    fallback = useful or [c for c in candidates if c.table is target.table] or list(candidates)
    return fallback[0] if fallback else None


def protect_universe(tables: Sequence[Table]) -> tuple[list[Cell], list[Cell]]:
    """Add complementary suppressions to the tables of one universe, in place.

    Returns
    -------
    lost : list of Cell
        Primary cells that stay determined even with every other cell withheld (a table with a
        single group equals the total); nothing can protect them.
    pinned : list of Cell
        Primary cells in a sum pinned at 0 or at all its people by a published total or margin
        that is itself 0% or 100% (it tells every member's outcome, small groups' included).
    """
    pairs = _refinements(tables)
    order = {id(c): i for i, c in enumerate(c for t in tables for c in t.cells)}
    cost = _cost(order)
    total = universe_total(tables)
    lost: list[Cell] = []
    pinned: list[Cell] = []
    for component in _components(tables, pairs):
        rows = _equations(component, [p for p in pairs if p[0] in component])
        while True:
            _protect_linear(component, rows, cost, lost)
            extra = pinning_fix(component, rows, total, cost, pinned)
            if extra is None:
                break
            extra.state = COMPLEMENTARY
    return lost, pinned


def _protect_linear(tables: Sequence[Table], rows: Sequence[dict[int, int]],
                    cost: Callable[[Cell], tuple[bool, bool, int, int]], lost: list[Cell]) -> None:
    """Withhold cells until no primary cell (but the ``lost`` ones) is determined."""
    while True:
        exposed = _exposed(tables, rows, {id(c) for c in lost})
        if not exposed:
            return
        target = exposed[0]
        candidates = sorted((c for t in tables for c in t.cells if c.state == PUBLISHED and c.count > 0), key=cost)
        choice = _next(target, candidates, tables, rows)
        if choice is None:
            lost.append(target)
        else:
            choice.state = COMPLEMENTARY


def link(parents: Sequence[Table], children: Sequence[Table]) -> None:
    """Withhold in ``children`` every group whose numerator is withheld in a parent table of its feature.

    Used where a child table's group sizes are a parent's numerators (decided appeals are appeals
    filed): publishing the child's cell would publish the parent's withheld number.
    """
    by_feature = {t.feature: t for t in parents}
    for child in children:
        parent = by_feature.get(child.feature)
        if parent is None:
            continue
        for cell in child.cells:
            source = parent.cell(cell.label) if cell.listed else None
            if source is not None and source.unknown and cell.state == PUBLISHED:
                cell.state = LINKED
