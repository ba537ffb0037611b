"""Small helpers shared by the auditors' findings: how numbers are written into evidence."""

from __future__ import annotations

from typing import Any

__all__ = ["ci_pair"]


def ci_pair(low: Any, high: Any) -> list[float | None]:
    """A confidence interval as ``[low, high]`` for evidence, an undefined (NaN) bound as ``None``."""
    return [None if low != low else float(low), None if high != high else float(high)]
