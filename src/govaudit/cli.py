"""The ``govaudit`` command line.

Exit codes: 0 every gate passed; 1 a gate failed (or an auditor errored; or warned, with --strict);
2 bad input (spec, data, column, model; one line on stderr naming what is wrong); 3 internal error.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.table import Table

from govaudit._version import __version__
from govaudit.exceptions import GovauditError, InputDataError
from govaudit.gate import EXIT_BAD_INPUT, EXIT_INTERNAL, EXIT_OK, exit_code

__all__ = ["app", "main"]

app = typer.Typer(
    name="govaudit",
    help="Audit AI systems used by government: fairness, explainability, provenance, human oversight.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
_err = Console(stderr=True, highlight=False, soft_wrap=True)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"govaudit {__version__}")
        raise typer.Exit(EXIT_OK)


@app.callback()
def _root(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
) -> None:
    """Audit AI systems used by government."""


@app.command()
def run(
    spec: Annotated[Path, typer.Argument(help="Audit spec (TOML).")],
    junit: Annotated[Optional[Path], typer.Option(help="Also write JUnit XML, one test case per finding.")] = None,
    html: Annotated[Optional[Path], typer.Option(help="Also write a self-contained HTML report to this file.")] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print the record as JSON instead of the summary.")] = False,
    out: Annotated[Optional[Path], typer.Option(help="Report folder (default: the spec's [output] dir).")] = None,
    strict: Annotated[bool, typer.Option(help="Treat warnings as failures.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing but errors.")] = False,
    ledger: Annotated[Optional[Path], typer.Option(help="Append the record to this ledger (default: the spec's [output] ledger).")] = None,
    signing_key: Annotated[Optional[Path], typer.Option(help="Key signing the ledger entry (else $GOVAUDIT_SIGNING_KEY, else [output] signing_key).")] = None,
) -> None:
    """Run an audit spec, write its record, and exit 0 (pass), 1 (gate failed) or 2 (bad input)."""
    from govaudit._cli_ledger import prepare_ledger
    from govaudit.api import run_plan
    from govaudit.report import render_json, render_summary, write_html, write_reports
    from govaudit.spec import load_spec

    plan = load_spec(spec)
    out_dir = out if out is not None else plan.output_dir
    target = prepare_ledger(plan, out_dir, ledger, signing_key)  # key and ledger checked before anything is written
    record = run_plan(plan)
    written = write_reports(record, out_dir, junit=junit, case_files=plan.spec.output.case_files)
    position = None
    if target is not None:  # before the HTML, so that the page can show where the record sits
        entry = target.append(record)
        written[f"ledger entry {entry.seq}"] = target.path
        position = {"ledger": str(target.path), "entry": entry.seq, "entry_hash": entry.entry_hash}
    if html is not None:
        written["html"] = write_html(record, html, ledger=position)
    if json_out:
        typer.echo(render_json(record))
    elif not quiet:
        render_summary(record, Console(highlight=False))
        for kind, path in written.items():
            typer.echo(f"{kind}: {path}")
    raise typer.Exit(exit_code(record, strict=strict))


@app.command("list-auditors")
def list_auditors() -> None:
    """List built-in and installed third-party auditors (entry-point group govaudit.auditors)."""
    from govaudit.registry import load_registry

    registry = load_registry()
    table = Table(title="govaudit auditors")
    for column in ("name", "version", "package", "requires", "status"):
        table.add_column(column, no_wrap=column != "requires")
    for key in sorted(registry.entries):
        entry = registry.entries[key]
        cls = entry.auditor_class
        if cls is not None:
            table.add_row(entry.name, str(cls.version), entry.package, ", ".join(sorted(cls.requires)), "ok")
        else:
            table.add_row(entry.name, "-", entry.package, "-", "failed")
    console = Console(highlight=False)
    console.print(table)
    for entry in registry.failed.values():
        console.print(f"{entry.name} ({entry.package}) failed to load: {entry.error}", markup=False)


#: Published JSON Schemas: name -> "module:function returning the schema document".
SCHEMAS: dict[str, str] = {
    "record": "govaudit.records:record_json_schema",
    "spec": "govaudit.spec:spec_json_schema",
    "manifest": "govaudit.provenance:manifest_json_schema",
    "decision-log": "govaudit.oversight:decision_log_json_schema",
    "profile": "govaudit.profiles:pack_json_schema",
    "documentation": "govaudit.profiles:documentation_json_schema",
}


@app.command()
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


from govaudit._cli_explain import explain  # noqa: E402  (registered here, defined in its own module)
app.command("explain")(explain)

from govaudit._cli_report import card, report  # noqa: E402  (registered here, defined in their own module)
app.command("report")(report)
app.command("card")(card)

from govaudit._cli_manifest import manifest_app  # noqa: E402  (registered here, defined in its own module)
app.add_typer(manifest_app, name="manifest")

from govaudit._cli_ledger import gate, keys_app, ledger_app  # noqa: E402  (registered here, defined in its own module)
app.add_typer(ledger_app, name="ledger")
app.add_typer(keys_app, name="keys")
app.command("gate")(gate)

from govaudit._cli_profiles import coverage, export, profiles_app  # noqa: E402  (registered here, defined in its own module)
app.command("coverage")(coverage)
app.command("export")(export)
app.add_typer(profiles_app, name="profiles")


def _one_line(message: str) -> str:
    return " ".join(str(message).split())


def main(argv: list[str] | None = None) -> int:
    """Run the CLI and return its exit code (the console script exits with it)."""
    try:
        app(args=argv, prog_name="govaudit")  # standalone: ends with SystemExit
    except SystemExit as exc:
        code = exc.code
        return code if isinstance(code, int) else (EXIT_OK if code is None else EXIT_BAD_INPUT)
    except GovauditError as exc:
        _err.print(f"govaudit: error: {_one_line(str(exc))}", markup=False)
        return exc.exit_code
    except OSError as exc:  # e.g. the report folder is not writable
        _err.print(f"govaudit: error: {_one_line(str(exc))}", markup=False)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        _err.print("govaudit: interrupted", markup=False)
        return EXIT_INTERNAL
    except Exception as exc:  # never a traceback for the user; say it is ours
        _err.print(f"govaudit: internal error: {type(exc).__name__}: {_one_line(str(exc))}", markup=False)
        return EXIT_INTERNAL
    return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
