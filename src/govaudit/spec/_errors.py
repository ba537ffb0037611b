"""Validation errors as one line: the first invalid key, what was wrong, and the value found."""

from __future__ import annotations

from pydantic import ValidationError

__all__ = ["format_validation_error"]

_MSG_FIELD = "{path}: [{loc}] {msg}{got}"


def format_validation_error(error: ValidationError, source: str, *, prefix: tuple[str, ...] = ()) -> str:
    """One line naming the first invalid field (under ``prefix``), what was wrong, and the value found."""
    first = error.errors()[0]
    loc = ".".join(str(part) for part in (*prefix, *first["loc"]))
    msg = first["msg"]
    if first["type"] == "extra_forbidden":
        msg = "unknown key (check the spelling; see the documented spec keys)"
    elif first["type"] == "value_error":
        msg = msg.removeprefix("Value error, ")
    if not loc:  # a rule across sections: the message names them
        more = len(error.errors()) - 1
        return f"{source}: {msg}" + (f"; and {more} more problem{'s' if more > 1 else ''}" if more else "")
    got = ""
    if "input" in first and first["type"] not in ("missing", "extra_forbidden"):
        shown = repr(first["input"])
        got = f" (got {shown if len(shown) <= 60 else shown[:57] + '...'})"
    more = len(error.errors()) - 1
    suffix = f"; and {more} more problem{'s' if more > 1 else ''}" if more else ""
    return _MSG_FIELD.format(path=source, loc=loc, msg=msg, got=got) + suffix
