"""Draft a data manifest from real files (``govaudit manifest init``), so nobody writes hashes by hand.

What can be read from a file is filled in: sha256, row count, format, column names and types,
ranges, allowed values of low-cardinality columns, and guesses of personal and sensitive columns
(each marked for review). What only a person knows (owner, legal basis, collection, approval,
retention) is written as ``"TODO"``; the provenance auditor reports such a manifest as incomplete.
"""

from __future__ import annotations

import json
import math
import os
import re
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from govaudit.provenance._manifest import TODO
from govaudit.provenance._personal import guess_identifier, guess_personal_name, guess_sensitive_name
from govaudit.provenance._profile import ColumnProfile, TableProfile, profile_table
from govaudit.records import sha256_file

__all__ = ["draft_manifest", "manifest_toml", "toml_value"]

_HEADER = """\
# Data manifest drafted by `govaudit manifest init` on {today}.
# sha256, rows, formats and column types were read from the files. Every "TODO" needs a person
# who knows the data: the provenance auditor reports a manifest with TODO fields as incomplete.
# Column guesses marked `review = "TODO: ..."` must be confirmed (then delete the review line).
# Reference: `govaudit schema manifest`.
"""


def toml_value(value: Any) -> str:
    """A TOML literal for a plain Python value (str, bool, int, float, date, list, dict)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError("TOML drafts hold finite numbers only")
        return repr(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        # a JSON string is a valid TOML basic string: the same escapes (\" \\ \n \t \uXXXX)
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{_key(k)} = {toml_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(f"cannot write {type(value).__name__} to TOML")


def _key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else json.dumps(key, ensure_ascii=False)


def _is_table_array(value: Any) -> bool:
    return isinstance(value, (list, tuple)) and bool(value) and all(isinstance(v, dict) for v in value)


def _is_inline(value: dict) -> bool:
    return all(not isinstance(v, dict) and not _is_table_array(v) for v in value.values())


def _emit(table: dict[str, Any], prefix: str, lines: list[str]) -> None:
    later = []
    for key, value in table.items():
        if value is None:
            continue
        # top-level dicts and dicts holding tables become sections; small dicts inside a section stay inline
        if _is_table_array(value) or (isinstance(value, dict) and (not prefix or not _is_inline(value))):
            later.append((key, value))
        else:
            lines.append(f"{_key(key)} = {toml_value(value)}")
    for key, value in later:
        name = f"{prefix}.{_key(key)}" if prefix else _key(key)
        if _is_table_array(value):
            for item in value:
                lines += ["", f"[[{name}]]"]
                _emit(item, name, lines)
            continue
        if not all(isinstance(v, dict) for v in value.values()):
            lines += ["", f"[{name}]"]  # a table of tables (e.g. sources) needs no header of its own
        _emit(value, name, lines)


def manifest_toml(manifest: dict[str, Any], *, header: str = "") -> str:
    """Write a manifest mapping (as :func:`~govaudit.provenance.load_manifest` reads it) as TOML text.

    Parameters
    ----------
    manifest : dict
        Plain values: str, int, float, bool, date, lists, dicts. ``None`` values are left out.
    header : str
        Comment lines written first (each should start with ``#``).

    Returns
    -------
    str
        TOML text.
    """
    lines = [header.rstrip()] if header else []
    _emit(manifest, "", lines)
    return "\n".join(lines).strip() + "\n"


def _source_name(path: Path, taken: set[str]) -> str:
    base = re.sub(r"[^A-Za-z0-9_-]+", "_", path.stem).strip("_") or "source"
    name, i = base, 2
    while name in taken:
        name, i = f"{base}_{i}", i + 1
    taken.add(name)
    return name


def _column_lines(table: str, column: ColumnProfile) -> list[str]:
    lines = [f"[[sources.{table}.columns]]", f"name = {toml_value(column.name)}", f"type = {toml_value(column.type)}"]
    identifier = guess_identifier(column.name, column.sample)
    personal = identifier is not None or guess_personal_name(column.name)
    sensitive = guess_sensitive_name(column.name)
    if column.type in ("integer", "float") and column.min is not None:
        lines += [f"min = {toml_value(column.min)}", f"max = {toml_value(column.max)}"]
    elif (column.type in ("string", "category", "boolean") and column.values and identifier is None
          and all(isinstance(v, (str, bool)) for v in column.values)):
        lines.append(f"allowed_values = {toml_value(list(column.values))}")
    if personal:
        lines.append("personal_data = true")
        lines.append(f"personal_category = {toml_value('identifier' if identifier else TODO)}")
    if sensitive:
        lines.append("sensitive = true")
    if personal or sensitive:
        why = (f"looks like a {identifier.kind} (from its {identifier.basis})" if identifier
               else "name suggests " + ("a protected characteristic" if sensitive else "data about a person"))
        lines.append(f"review = {toml_value(f'TODO: guessed: {why}; confirm personal_data/sensitive')}")
    return lines


def _source_lines(name: str, profile: TableProfile, sha256: str, shown_path: str) -> list[str]:
    todo = toml_value(TODO)
    return [
        f"[sources.{name}]",
        f"description = {todo}",
        f"owner = {todo}",
        f"legal_basis = {todo}",
        f"licence = {todo}",
        f"collection_method = {todo}",
        f"collection_period = {{ start = {todo}, end = {todo} }}",
        f"extracted = {todo}",
        f"retention_days = {todo}",
        f"approval = {{ by = {todo}, date = {todo} }}",
        f"path = {toml_value(shown_path)}",
        f"format = {toml_value(profile.format)}",
        f"sha256 = {toml_value(sha256)}",
        f"rows = {profile.rows}",
        "# lineage = { inputs = [\"...\"], transformation = \"...\", code_version = \"...\" }  (derived tables only)",
    ]


def draft_manifest(paths: Sequence[str | Path], *, relative_to: str | Path | None = None,
                   name: str | None = None, today: date | None = None) -> str:
    """Draft a manifest (TOML text) declaring each file in ``paths``.

    Parameters
    ----------
    paths : sequence of path
        CSV or Parquet files.
    relative_to : path, optional
        Folder the manifest will live in; file paths are written relative to it (default: the
        current folder).
    name : str, optional
        The manifest's name (default: the first file's folder name).
    today : date, optional
        Date written in the header.

    Returns
    -------
    str
        TOML text that :func:`~govaudit.provenance.load_manifest` accepts, with human fields as ``"TODO"``.

    Raises
    ------
    InputDataError
        A file is missing, not CSV/Parquet, or unreadable.
    """
    files = [Path(p) for p in paths]
    base = Path(relative_to) if relative_to is not None else Path.cwd()
    taken: set[str] = set()
    blocks = [_HEADER.format(today=(today or date.today()).isoformat()),
              "manifest_version = 1",
              f"name = {toml_value(name or files[0].resolve().parent.name or 'data')}",
              f"description = {toml_value(TODO)}", ""]
    for path in files:
        profile = profile_table(path)
        digest = sha256_file(path)
        table = _source_name(path, taken)
        shown = Path(os.path.relpath(path.resolve(), base.resolve())).as_posix()
        blocks += _source_lines(table, profile, digest, shown) + [""]
        for column in profile.columns:
            blocks += _column_lines(table, column) + [""]
    return "\n".join(blocks).rstrip() + "\n"
