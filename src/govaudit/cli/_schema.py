"""``govaudit schema KIND``: the JSON Schema of a documented format."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from govaudit.exceptions import InputDataError

__all__ = ["SCHEMAS", "schema"]

#: Published JSON Schemas: name -> "module:function returning the schema document".
SCHEMAS: dict[str, str] = {
    "record": "govaudit.records:record_json_schema",
    "spec": "govaudit.spec:spec_json_schema",
    "manifest": "govaudit.provenance:manifest_json_schema",
    "decision-log": "govaudit.oversight:decision_log_json_schema",
    "profile": "govaudit.profiles:pack_json_schema",
    "documentation": "govaudit.profiles:documentation_json_schema",
}


def schema(
    kind: Annotated[str, typer.Argument(help="Which schema: " + ", ".join(SCHEMAS) + ".")] = "record",
) -> None:
    """Print a JSON Schema: the accountability record, the audit spec, and the other documented formats."""
    import importlib

    if kind not in SCHEMAS:
        raise InputDataError(f"unknown schema {kind!r}; expected one of: {', '.join(SCHEMAS)}")
    module, function = SCHEMAS[kind].split(":")
    document = getattr(importlib.import_module(module), function)()
    typer.echo(json.dumps(document, indent=2))
