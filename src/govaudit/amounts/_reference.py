"""Which group each of the amounts auditor's groupings is compared with.

A grouping named in ``reference_groups`` uses that group; every other grouping uses ``reference``:
a rule (``highest_mean``, ``largest``), or a group's label, which serves the groupings that hold it
(the others use ``highest_mean``).
"""

from __future__ import annotations

from collections.abc import Sequence

from govaudit.exceptions import InputDataError
from govaudit.metrics._amounts import REFERENCE_RULES

from ._config import AmountConfig

__all__ = ["reference_rule", "reference_rules"]

_MSG_UNKNOWN = ("reference_groups names {feature!r}, which is not a compared feature or intersection; "
                "compared: {compared}")


def reference_rule(config: AmountConfig, feature: str, labels: Sequence[str]) -> str:
    """The reference rule (or named group) of one grouping, given the groups it holds."""
    if feature in config.reference_groups:
        return config.reference_groups[feature]
    reference = config.reference
    return reference if reference in REFERENCE_RULES or reference in labels else "highest_mean"


def reference_rules(config: AmountConfig, features: Sequence[str], labels: Sequence[Sequence[str]]) -> list[str]:
    """The reference rule of each grouping.

    Raises
    ------
    InputDataError
        ``reference_groups`` names a grouping that is not compared. A named group that a grouping
        lacks (a misspelt label) raises where its table is built, listing the groups it has: for a
        ``reference`` that no grouping holds, the first grouping's table raises.
    """
    unknown = [f for f in config.reference_groups if f not in features]
    if unknown:
        raise InputDataError(_MSG_UNKNOWN.format(feature=unknown[0], compared=", ".join(features)))
    reference = config.reference
    if reference not in REFERENCE_RULES and labels and not any(reference in have for have in labels):
        return [config.reference_groups.get(f, reference) for f in features]
    return [reference_rule(config, f, have) for f, have in zip(features, labels)]
