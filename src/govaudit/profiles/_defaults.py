"""Apply profiles to a spec: check parameters, fill in default settings, and police loosening.

A profile's defaults apply to the auditors the spec runs (a profile never adds an auditor: a
requirement whose auditor is not run shows as ``no evidence``). A spec may tighten a default freely;
loosening it needs a ``[[loosened]]`` entry with a written justification, which goes into the record.
"""

from __future__ import annotations

import copy
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from govaudit.exceptions import SpecError
from govaudit.profiles._aia_level import LEVEL, resolve_aia_level
from govaudit.profiles._documentation import check_documentation
from govaudit.profiles._load import load_pack
from govaudit.profiles._matrix import Loosening
from govaudit.profiles._pack import Default, Pack

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

__all__ = ["LooseningSpec", "ProfilePlan", "apply_profiles"]

_MSG_LOOSENS = ("{source}: [auditors.{setting}] = {value!r} loosens profile {profile}'s default {default!r} "
                "({why}); to keep it, add [[loosened]] setting = \"{setting}\" with a written justification")
_MSG_UNUSED = "{source}: [[loosened]] setting = \"{setting}\" loosens no profile default (check the spelling)"
_MSG_PARAM = "{source}: [profile_parameters] {msg}"


class LooseningSpec(BaseModel):
    """``[[loosened]]``: a profile default the spec deliberately loosens, and why."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    setting: str = Field(description="The default's setting, e.g. bias.gates.impact_ratio.min.")
    justification: str = Field(min_length=20, description="Why, in writing; recorded with the audit.")
    approved_by: str | None = None


@dataclass(frozen=True)
class ProfilePlan:
    """The profiles a spec names, checked, with what they changed in the auditors' settings."""

    packs: tuple[Pack, ...]
    parameters: dict[str, Any] = field(default_factory=dict)
    documentation: dict[str, Any] = field(default_factory=dict)
    documentation_invalid: dict[str, str] = field(default_factory=dict)
    loosened: tuple[Loosening, ...] = ()
    settings: dict[str, Any] = field(default_factory=dict)


def _get(config: Mapping[str, Any], path: tuple[str, ...]) -> tuple[bool, Any, Mapping[str, Any] | None]:
    node: Any = config
    for key in path[:-1]:
        if not isinstance(node, Mapping) or key not in node:
            return False, None, None
        node = node[key]
    if not isinstance(node, Mapping):
        return False, None, None
    return path[-1] in node, node.get(path[-1]), node


def _set(config: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    node = config
    for key in path[:-1]:
        node = node.setdefault(key, {})
    node[path[-1]] = copy.deepcopy(value)


def _looser(default: Default, value: Any) -> bool:
    if default.tighter == "equal" or not isinstance(value, (int, float)) or isinstance(value, bool):
        return value != default.value
    return value < default.value if default.tighter == "higher" else value > default.value


def _tightest(packs: tuple[Pack, ...], source: str) -> dict[str, tuple[Pack, Default]]:
    """Per setting, the strictest default among the profiles (two profiles fixing different values clash)."""
    chosen: dict[str, tuple[Pack, Default]] = {}
    for pack in packs:
        for default in pack.defaults:
            if default.setting not in chosen:
                chosen[default.setting] = (pack, default)
                continue
            other_pack, other = chosen[default.setting]
            if default.tighter == "equal" or other.tighter == "equal":
                if default.value != other.value:
                    raise SpecError(f"{source}: profiles {other_pack.name} and {pack.name} set "
                                    f"{default.setting} to different values ({other.value!r}, {default.value!r})")
            elif _looser(default, other.value):  # the one already chosen is looser than this one
                chosen[default.setting] = (pack, default)
    return chosen


def _parameters(packs: tuple[Pack, ...], given: Mapping[str, Any], source: str) -> dict[str, Any]:
    known = {name: p for pack in packs for name, p in pack.parameters.items()}
    for name in given:
        if name not in known:
            raise SpecError(_MSG_PARAM.format(source=source, msg=f"unknown parameter {name!r}; the profiles named "
                                              f"take: {', '.join(known) or 'none'}"))
    for name, param in known.items():
        if name not in given:
            if param.required:
                raise SpecError(_MSG_PARAM.format(source=source, msg=f"{name} is required ({param.description})"))
            continue
        problem = param.check(name, given[name])
        if problem:
            raise SpecError(_MSG_PARAM.format(source=source, msg=problem))
    return dict(given)


def _documentation_source(documentation: Any, base_dir: Path, source: str) -> tuple[dict[str, Any], str]:
    if documentation is None:
        return {}, source
    if isinstance(documentation, Mapping):
        return dict(documentation), source
    path = Path(documentation)
    path = path if path.is_absolute() else base_dir / path
    try:
        return tomllib.loads(path.read_text(encoding="utf-8")), str(path)
    except FileNotFoundError:
        raise SpecError(f"{source}: documentation file not found: {path}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise SpecError(f"{path}: documentation file is not valid TOML: {exc}") from None


def apply_profiles(
    *,
    profiles: tuple[str, ...],
    parameters: Mapping[str, Any],
    documentation: Any,
    loosened: tuple[LooseningSpec, ...],
    auditors: Mapping[str, dict[str, Any]],
    base_dir: Path,
    source: str = "<spec>",
) -> tuple[ProfilePlan, dict[str, dict[str, Any]]]:
    """Check the spec's profile keys and return the plan and the auditors' settings with defaults filled in.

    Raises
    ------
    SpecError
        An unknown profile or parameter, a bad parameter value, a loosened default without a
        justification, a ``[[loosened]]`` entry that loosens nothing, or an unknown documentation key.
    """
    packs = tuple(load_pack(name) for name in dict.fromkeys(profiles))
    if not packs and (parameters or loosened):
        raise SpecError(f"{source}: [profile_parameters] and [[loosened]] need a top-level profiles = [...] list")
    params = _parameters(packs, parameters, source)
    raw_doc, doc_source = _documentation_source(documentation, base_dir, source)
    values, invalid = check_documentation(raw_doc, source=doc_source)
    if any(LEVEL in pack.parameters for pack in packs):  # Canada: the level from the AIA answers, if given
        params, values = resolve_aia_level(params, values, base_dir=base_dir, source=source)
    merged = copy.deepcopy({name: dict(section) for name, section in auditors.items()})
    justified = {entry.setting: entry for entry in loosened}
    used: set[str] = set()
    records: list[Loosening] = []
    applied: dict[str, Any] = {}
    for pack, default in _tightest(packs, source).values():
        if default.auditor not in merged:
            continue  # the spec does not run this auditor: its requirements show as no evidence
        section = merged[default.auditor]
        present, value, parent = _get(section, default.path)
        # a gate written with the other bound ({max} where the default is {min}) replaces the default
        replaced = (not present and parent is not None and default.path[-1] in ("min", "max")
                    and ({"min", "max"} & set(parent)))
        if not present and not replaced:
            _set(section, default.path, default.value)
            applied[default.setting] = default.value
            continue
        shown = value if present else dict(parent)  # type: ignore[arg-type]
        if replaced or _looser(default, value):
            entry = justified.get(default.setting)
            if entry is None:
                raise SpecError(_MSG_LOOSENS.format(source=source, setting=default.setting, value=shown,
                                                    profile=pack.name, default=default.value, why=default.why))
            used.add(default.setting)
            records.append(Loosening(setting=default.setting, profile=pack.name, default=default.value,
                                     value=shown, justification=entry.justification,
                                     approved_by=entry.approved_by))
        applied[default.setting] = shown
    for setting in justified:
        if setting not in used:
            raise SpecError(_MSG_UNUSED.format(source=source, setting=setting))
    plan = ProfilePlan(packs=packs, parameters=params, documentation=values, documentation_invalid=invalid,
                       loosened=tuple(records), settings=applied)
    return plan, merged
