"""Text from the data, made safe for a terminal: control characters shown, never obeyed.

Group names, column names and file names come from the data an audit reads. Printed raw, an escape
sequence in one (``\\x1b[31m``, ``\\x1b]0;title\\x07``) would recolour the terminal or set its title.
HTML and Markdown escape markup; terminal output shows each control character as its escape.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["printable", "printable_values"]

# C0 controls except tab and newline, DEL, and the C1 controls (ESC-free terminals read 0x9b as CSI)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _escape(match: re.Match[str]) -> str:
    return f"\\x{ord(match.group()):02x}"


def printable(text: str) -> str:
    """``text`` with every control character but tab and newline written as ``\\xNN``.

    Examples
    --------
    >>> printable("north\\x1b[31m")
    'north\\\\x1b[31m'
    """
    return _CONTROL.sub(_escape, text)


def printable_values(value: Any) -> Any:
    """Every string inside nested dicts, lists and tuples passed through :func:`printable` (keys too)."""
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, dict):
        return {printable_values(k): printable_values(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(printable_values(v) for v in value)
    return value
