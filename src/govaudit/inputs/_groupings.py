"""Which groupings an auditor compares: each chosen sensitive feature, then each intersection."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from govaudit.exceptions import ColumnError

__all__ = ["GroupingChoice", "feature_groupings"]


class GroupingChoice(Protocol):
    """The three settings every group-comparing auditor's configuration has."""

    @property
    def sensitive_features(self) -> Sequence[str] | None: ...

    @property
    def intersections(self) -> Sequence[Sequence[str]]: ...

    @property
    def intersectional(self) -> bool: ...


def feature_groupings(have: Sequence[str], config: GroupingChoice, unknown: str) -> list[tuple[str, tuple[str, ...]]]:
    """The groupings to compare, as ``(name, columns)``: single features first, then intersections.

    Parameters
    ----------
    have : sequence of str
        The sensitive features the data has.
    config : GroupingChoice
        ``sensitive_features`` (default: all of ``have``), ``intersections``, and ``intersectional``
        (shorthand for the intersection of all chosen features, added once).
    unknown : str
        The error message for a named feature the data lacks, with ``{name}`` and ``{have}`` fields.

    Returns
    -------
    list of (str, tuple of str)
        An intersection is named by its features joined with ``" & "``.

    Raises
    ------
    ColumnError
        When a chosen feature, or one in an intersection, is not in ``have``.
    """
    have = list(have)
    chosen = list(config.sensitive_features) if config.sensitive_features is not None else have
    combos = [tuple(c) for c in config.intersections]
    if config.intersectional and len(chosen) > 1 and tuple(chosen) not in combos:
        combos.append(tuple(chosen))
    for name in chosen + [c for combo in combos for c in combo]:
        if name not in have:
            raise ColumnError(unknown.format(name=name, have=", ".join(have)))
    return [(c, (c,)) for c in chosen] + [(" & ".join(combo), combo) for combo in combos]
