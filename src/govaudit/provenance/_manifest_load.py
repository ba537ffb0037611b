"""Reading a data manifest: TOML parsing, validation against the models, and lineage checks.

A field that does not validate is reported by its dotted location in the file (``[sources.x.sha256]``),
with a message a reader can act on rather than pydantic's own.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from govaudit.exceptions import InputDataError
from govaudit.provenance._manifest import COLUMN_TYPES, DataManifest, DatasetSpec, ManifestError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

__all__ = ["load_manifest", "manifest_from_dict"]

MSG_NOT_FOUND = "data manifest not found: {path}"
MSG_BAD_TOML = "{path}: not valid TOML: {error}"
MSG_FIELD = "{path}: [{loc}] {msg}{got}"
MSG_CYCLE = "{path}: lineage has a cycle: {cycle}; a table cannot be derived, directly or not, from itself"
MSG_SELF_INPUT = "{path}: [sources.{name}.lineage.inputs] a table cannot name itself as its own input"

_UNION_TAGS = {"date", "literal['TODO']", "str", "int", "bool", "float"}


def _find_cycle(sources: dict[str, DatasetSpec]) -> list[str] | None:
    """A lineage cycle as a list of names (first repeated at the end), or None."""
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done

    def visit(name: str, path: list[str]) -> list[str] | None:
        state[name] = 1
        spec = sources[name]
        for child in spec.lineage.inputs if spec.lineage else ():
            if child not in sources:
                continue  # undeclared inputs are a finding, not a load error
            if state.get(child) == 1:
                return path[path.index(child):] + [child] if child in path else [name, child]
            if child not in state:
                found = visit(child, path + [child])
                if found:
                    return found
        state[name] = 2
        return None

    for start in sorted(sources):
        if start not in state:
            found = visit(start, [start])
            if found:
                return found
    return None


def _format_error(error: ValidationError, source: str) -> str:
    first = error.errors()[0]
    parts = list(first["loc"])
    if first["type"] != "missing" and parts and parts[-1] in _UNION_TAGS:
        parts.pop()  # pydantic names the union member tried; the field is what a reader needs
    loc = ".".join(str(p) for p in parts)
    msg = first["msg"]
    if first["type"] == "extra_forbidden":
        msg = "unknown key (check the spelling; see 'govaudit schema manifest')"
    elif first["type"] == "missing":
        msg = "required field is missing"
    elif first["type"] == "literal_error" and loc.endswith(".type"):
        msg = f"unknown column type; expected one of {', '.join(COLUMN_TYPES)}"
    elif first["type"] == "value_error":
        msg = msg.removeprefix("Value error, ")
    elif first["type"] == "string_pattern_mismatch" and loc.endswith("sha256"):
        msg = "sha256 must be 64 lower-case hexadecimal characters (the output of sha256sum)"
    got = ""
    if "input" in first and first["type"] not in ("missing", "extra_forbidden") and not isinstance(first["input"], dict):
        shown = repr(first["input"])
        got = f" (got {shown if len(shown) <= 60 else shown[:57] + '...'})"
    if not loc:
        return f"{source}: {msg}"
    return MSG_FIELD.format(path=source, loc=loc, msg=msg, got=got)


def manifest_from_dict(data: dict[str, Any], *, source: str = "<manifest>", base_dir: Path | None = None) -> DataManifest:
    """Validate an already-parsed manifest mapping (see :func:`load_manifest`)."""
    try:
        manifest = DataManifest.model_validate({**data, "base_dir": base_dir})
    except ValidationError as exc:
        raise ManifestError(_format_error(exc, source)) from None
    for name, spec in manifest.sources.items():
        if spec.lineage is not None and name in spec.lineage.inputs:
            raise ManifestError(MSG_SELF_INPUT.format(path=source, name=name))
    cycle = _find_cycle(manifest.sources)
    if cycle:
        raise ManifestError(MSG_CYCLE.format(path=source, cycle=" -> ".join(cycle)))
    return manifest


def load_manifest(path: str | Path) -> DataManifest:
    """Read and validate a data manifest.

    Parameters
    ----------
    path : str or Path
        The TOML file. Relative paths inside it resolve against its folder.

    Returns
    -------
    DataManifest
        The validated manifest.

    Raises
    ------
    InputDataError
        The file does not exist.
    ManifestError
        The file is not TOML, a field is missing, unknown or malformed (a hash that is not 64 hex
        characters, an unknown column type), or the lineage has a cycle; the message names the field.
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputDataError(MSG_NOT_FOUND.format(path=path)) from None
    except IsADirectoryError:
        raise InputDataError(f"{path}: is a folder; expected a manifest .toml file") from None
    except OSError as exc:
        raise InputDataError(f"{path}: cannot be read: {exc.strerror or exc}") from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ManifestError(MSG_BAD_TOML.format(path=path, error=exc)) from None
    return manifest_from_dict(data, source=str(path), base_dir=path.resolve().parent)
