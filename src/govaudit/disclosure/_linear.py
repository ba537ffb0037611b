"""Which unknowns a system of linear equations fixes, computed exactly (rational arithmetic).

An attacker who knows the published numbers can add and subtract them: every equation the tables
imply is a row of coefficients over the withheld cells (the published cells are constants). A
withheld value ``x_j`` can be worked out by addition and subtraction exactly when the unit vector
``e_j`` lies in the row space of those coefficients; otherwise a whole line of values satisfies
every equation and the published numbers cannot tell them apart.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction

__all__ = ["derivation", "determined"]

_Row = dict[int, Fraction]


def determined(rows: Sequence[Mapping[int, int]]) -> set[int]:
    """The unknowns whose value the equations fix, whatever the right-hand sides.

    Parameters
    ----------
    rows : sequence of mapping
        Each equation as ``{unknown index: integer coefficient}`` (right-hand sides do not matter).

    Returns
    -------
    set of int
        Every unknown ``j`` for which ``e_j`` is in the row space: the reduced row echelon form has
        a row that is ``e_j`` itself (no free unknown enters it).
    """
    pivots, _ = _reduce(rows, track=False)
    return {p for p, row in pivots.items() if len(row) == 1}


def derivation(rows: Sequence[Mapping[int, int]], unknown: int) -> dict[int, Fraction] | None:
    """Weights ``w`` with ``sum(w[i] * rows[i]) == e_unknown``: how the attacker derives it (None if free)."""
    pivots, combos = _reduce(rows, track=True)
    row = pivots.get(unknown)
    return combos[unknown] if row is not None and len(row) == 1 else None


def _reduce(rows: Sequence[Mapping[int, int]], *, track: bool) -> tuple[dict[int, _Row], dict[int, _Row]]:
    # reduced row echelon form kept sparse: pivot unknown -> its row (pivot coefficient 1); no pivot
    # row contains another pivot, so one pass reduces a new row. With ``track``, each pivot row's
    # combination of the input rows is kept alongside.
    pivots: dict[int, _Row] = {}
    combos: dict[int, _Row] = {}
    for i, raw in enumerate(rows):
        row = {k: Fraction(v) for k, v in raw.items() if v}
        combo = {i: Fraction(1)} if track else {}
        for p in [k for k in row if k in pivots]:
            factor = row.pop(p)
            _axpy(row, -factor, pivots[p], skip=p)
            if track:
                _axpy(combo, -factor, combos[p])
        if not row:
            continue  # implied by the equations already kept
        pivot = min(row)
        scale = row[pivot]
        row = {k: v / scale for k, v in row.items()}
        combo = {k: v / scale for k, v in combo.items()}
        for q, prow in pivots.items():
            factor = prow.pop(pivot, None)
            if factor is not None:
                _axpy(prow, -factor, row, skip=pivot)
                if track:
                    _axpy(combos[q], -factor, combo)
        pivots[pivot] = row
        combos[pivot] = combo
    return pivots, combos


def _axpy(target: _Row, factor: Fraction, source: Mapping[int, Fraction], skip: int | None = None) -> None:
    """``target += factor * source`` (leaving out ``skip``), dropping zeros."""
    for k, v in source.items():
        if k == skip:
            continue
        total = target.get(k, Fraction(0)) + factor * v
        if total:
            target[k] = total
        else:
            target.pop(k, None)
