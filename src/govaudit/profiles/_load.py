"""Find and load the rule packs shipped with govaudit (``govaudit/profiles/packs/*.toml``)."""

from __future__ import annotations

import sys
from functools import lru_cache
from importlib import resources

from pydantic import ValidationError

from govaudit.exceptions import SpecError
from govaudit.profiles._pack import Pack

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

__all__ = ["list_packs", "load_pack", "parse_pack"]

_MSG_UNKNOWN = "unknown profile {name!r}; available: {known}"
_MSG_INVALID = "rule pack {source}: [{loc}] {msg}"


def _folder() -> resources.abc.Traversable:
    return resources.files("govaudit.profiles").joinpath("packs")


def list_packs() -> tuple[str, ...]:
    """Names of the shipped rule packs, sorted."""
    return tuple(sorted(p.name[:-5] for p in _folder().iterdir() if p.name.endswith(".toml")))


def parse_pack(text: str, *, source: str = "<pack>") -> Pack:
    """Parse and validate a rule pack from TOML text.

    Raises
    ------
    SpecError
        The text is not TOML or does not follow the pack schema (the message names the field).
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SpecError(f"rule pack {source}: not valid TOML: {exc}") from None
    try:
        return Pack.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = ".".join(str(p) for p in first["loc"])
        raise SpecError(_MSG_INVALID.format(source=source, loc=loc, msg=first["msg"])) from None


@lru_cache(maxsize=None)
def load_pack(name: str) -> Pack:
    """Load a shipped rule pack by name (e.g. ``"nyc-ll144"``).

    Raises
    ------
    SpecError
        No pack has that name.
    """
    if name not in list_packs():
        raise SpecError(_MSG_UNKNOWN.format(name=name, known=", ".join(list_packs())))
    pack = parse_pack(_folder().joinpath(f"{name}.toml").read_text(encoding="utf-8"), source=f"{name}.toml")
    if pack.name != name:
        raise SpecError(f"rule pack {name}.toml: its name is {pack.name!r}, expected {name!r}")
    return pack
