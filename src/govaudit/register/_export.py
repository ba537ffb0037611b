"""A register export: the document, the fields the owner must still write, and validation against a schema.

Each format's builder fills what the record (and spec, and the ledger's approval state) know. A
field the standard requires that govaudit cannot know holds :data:`PLACEHOLDER` and is listed in
``to_write``; a value govaudit derived rather than read (a status from the approval state, a month
from the audit's date) is listed in ``to_check``. The owner writes the missing values in a small
JSON or TOML file of the same shape, which :func:`complete` merges in.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from govaudit.exceptions import InputDataError, read_input_file

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

__all__ = ["PLACEHOLDER", "RegisterExport", "complete", "placeholders_in", "validate_document"]

#: What a required field govaudit cannot know holds until the owner writes it.
PLACEHOLDER = "[to be written by the owner]"

MSG_SCHEMA_FILE = "{path}: not a readable JSON Schema ({why})"
MSG_INVALID = "the {fmt} export does not match the schema {path}: {problems}"
MSG_OWNER_FILE = "{path}: not a readable JSON or TOML file of field values ({why})"
MSG_OWNER_KEY = "{path}: {key!r} is not a field of the {fmt} export; fields: {known}"


@dataclass(frozen=True)
class RegisterExport:
    """One system's entry for a public register.

    Attributes
    ----------
    format : str
        ``nl`` (Dutch algorithm register, publication standard 1.0.0) or ``uk-atrs`` (UK ATRS v3.0).
    document : dict
        The entry, ready to publish once the owner has written the fields in ``to_write``.
    to_write : dict of str to str
        Field (dotted path) -> what the owner must write there; each holds :data:`PLACEHOLDER`.
    to_check : dict of str to str
        Field -> how govaudit derived its value, for the owner to confirm.
    record_id : str
        The audit record it was built from.
    """

    format: str
    document: dict[str, Any]
    to_write: dict[str, str]
    to_check: dict[str, str]
    record_id: str

    def to_json(self) -> str:
        """The document as indented JSON (UTF-8 text, not ASCII-escaped)."""
        return json.dumps(self.document, indent=2, ensure_ascii=False) + "\n"

    def companion(self) -> dict[str, Any]:
        """The lists that go with the document: what to write, what to check."""
        return {"format": self.format, "record_id": self.record_id, "to_be_written_by_the_owner": self.to_write,
                "derived_to_check": self.to_check}


def placeholders_in(document: Mapping[str, Any], prefix: str = "") -> list[str]:
    """Dotted paths of the fields that still hold :data:`PLACEHOLDER` (also inside lists)."""
    found = []
    for key, value in document.items():
        path = f"{prefix}{key}"
        if isinstance(value, Mapping):
            found += placeholders_in(value, path + ".")
        elif value == PLACEHOLDER or (isinstance(value, list) and PLACEHOLDER in value):
            found.append(path)
    return found


def _read_mapping(path: Path) -> dict[str, Any]:
    raw = read_input_file(path, "owner fields file")
    try:
        text = raw.decode("utf-8")
        data = tomllib.loads(text) if path.suffix.lower() == ".toml" else json.loads(text)
    except ValueError as exc:  # UnicodeDecodeError, JSONDecodeError and TOMLDecodeError among them
        raise InputDataError(MSG_OWNER_FILE.format(path=path, why=exc)) from None
    if not isinstance(data, dict):
        raise InputDataError(MSG_OWNER_FILE.format(path=path, why="its top level is not a table/object"))
    return data


def _merge(base: dict[str, Any], given: Mapping[str, Any], *, path: Path, fmt: str, prefix: str = "") -> None:
    for key, value in given.items():
        if key not in base:
            known = ", ".join(prefix + k for k in base)
            raise InputDataError(MSG_OWNER_KEY.format(path=path, key=prefix + key, fmt=fmt, known=known))
        if isinstance(base[key], dict) and isinstance(value, Mapping):
            _merge(base[key], value, path=path, fmt=fmt, prefix=f"{prefix}{key}.")
        else:
            base[key] = value


def complete(export: RegisterExport, owner_file: str | os.PathLike[str]) -> RegisterExport:
    """Merge the owner's values (a JSON or TOML file shaped like the document) into the export.

    Raises
    ------
    InputDataError
        The file cannot be read, or names a field the export does not have (a typo).
    """
    path = Path(owner_file)
    document = json.loads(json.dumps(export.document))  # a deep copy
    owner = _read_mapping(path)
    _merge(document, owner, path=path, fmt=export.format)
    left = set(placeholders_in(document))
    given = _flat_keys(owner)
    return replace(export, document=document, to_write={k: v for k, v in export.to_write.items() if k in left},
                   to_check={k: v for k, v in export.to_check.items() if k not in given})


def _flat_keys(data: Mapping[str, Any], prefix: str = "") -> set[str]:
    keys: set[str] = set()
    for key, value in data.items():
        keys |= _flat_keys(value, f"{prefix}{key}.") if isinstance(value, Mapping) else {prefix + key}
    return keys


def validate_document(export: RegisterExport, schema_file: str | os.PathLike[str]) -> None:
    """Validate the export's document against a JSON Schema file (with its own draft's validator).

    Raises
    ------
    InputDataError
        The schema cannot be read, or the document does not match it; every problem is named with
        the field it is about (a missing required field by its name).
    """
    import jsonschema  # only this check needs it

    path = Path(schema_file)
    try:
        schema = json.loads(read_input_file(path, "JSON Schema file"))
        validator_class = jsonschema.validators.validator_for(schema)
        validator_class.check_schema(schema)
    except (ValueError, jsonschema.SchemaError) as exc:  # InputDataError (a file not read) is a ValueError
        why = exc.message if isinstance(exc, jsonschema.SchemaError) else exc
        raise InputDataError(MSG_SCHEMA_FILE.format(path=path, why=why)) from None
    errors = sorted(validator_class(schema).iter_errors(export.document), key=lambda e: list(e.absolute_path))
    if errors:
        problems = "; ".join(_problem(e) for e in errors)
        raise InputDataError(MSG_INVALID.format(fmt=export.format, path=path, problems=problems))


def _problem(error: Any) -> str:
    where = ".".join(str(p) for p in error.absolute_path)
    if error.validator == "required":
        missing = error.message.split("'")[1] if error.message.count("'") >= 2 else error.message
        return f"missing required field {(where + '.' if where else '') + missing!r}"
    text = error.message if len(error.message) <= 160 else error.message[:157] + "..."
    return f"{where or '(document)'}: {text}"
