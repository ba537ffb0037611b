"""``govaudit register build|export``: the public register site and the register exports.

Exit codes as everywhere: 0 written; 1 the ledger does not verify (nothing is written: a register
is never published from a ledger that fails verification); 2 bad input (a missing file, an unknown
system or format, an owner-fields file naming a field the format lacks, an export that does not
match the ``--schema`` given, a ``--spec`` that completes no system or shares its audit name with
another, each problem named), with one line on stderr.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from govaudit.cli._app import say
from govaudit.cli._keys import PubkeyOption, public_keys

__all__ = ["register_app"]

register_app = typer.Typer(
    help="The public register: a static website of the ledger's audited systems, and register exports.",
    no_args_is_help=True, add_completion=False, rich_markup_mode=None,
)

SpecOption = Annotated[Optional[list[Path]], typer.Option(
    "--spec", help="An audit spec whose [transparency] and documentation complete its system; repeat for several.")]


def _plans(specs: list[Path] | None) -> dict:
    """The specs by audit name; two specs of one audit name would complete the same system, so are refused.

    ``build_site`` refuses a spec that completes no system of the ledger.
    """
    from govaudit.exceptions import InputDataError
    from govaudit.spec import load_spec

    plans = {}
    for path in specs or ():
        plan = load_spec(path)
        name = plan.spec.audit.name
        if name in plans:
            raise InputDataError(f"--spec {path}: its audit name {name!r} is also that of --spec "
                                 f"{plans[name].spec_path}; give one spec per system")
        plans[name] = plan
    return plans


@register_app.command("build")
def register_build(
    ledger: Annotated[Path, typer.Argument(metavar="LEDGER", help="The ledger (SQLite file).")],
    out: Annotated[Path, typer.Option("--out", help="The folder to write the site into.")],
    spec: SpecOption = None,
    pubkey: PubkeyOption = None,
) -> None:
    """Verify the ledger and write its public register: a static site in English and Chinese.

    A ledger that does not verify is refused (exit 1) and nothing is written.
    """
    from govaudit.register import build_site

    summary = build_site(ledger, out, public_keys=public_keys(pubkey), plans=_plans(spec))
    say(f"register written: {summary.out / 'index.html'} ({len(summary.pages)} pages, {len(summary.files)} files); "
        f"ledger of {summary.size} entries, root {summary.root}")


@register_app.command("export")
def register_export_command(
    source: Annotated[Path, typer.Argument(metavar="LEDGER|RECORD", help="A ledger (verified first) or a record.json.")],
    fmt: Annotated[str, typer.Option("--format", help="nl (Dutch algorithm register 1.0.0) or uk-atrs (ATRS v3.0).")],
    out: Annotated[Optional[Path], typer.Option("--out", help="Write the document here instead of the terminal.")] = None,
    model: Annotated[Optional[str], typer.Option(help="The system (model or audit name) when the ledger holds several.")] = None,
    spec: Annotated[Optional[Path], typer.Option(help="The audit spec, for documentation the record lacks.")] = None,
    owner_fields: Annotated[Optional[Path], typer.Option(
        "--owner-fields", help="JSON or TOML with the values the owner wrote, shaped like the document.")] = None,
    schema: Annotated[Optional[Path], typer.Option(
        help="Validate the document against this JSON Schema (your copy of the standard's).")] = None,
    pubkey: PubkeyOption = None,
) -> None:
    """Write a system's entry for a public algorithm register, and list the fields its owner must still write."""
    from govaudit.cli._app import emit
    from govaudit.register import register_export
    from govaudit.spec import load_spec

    plan = load_spec(spec) if spec is not None else None
    export = register_export(source, fmt, model=model, plan=plan, owner_fields=owner_fields, schema=schema,
                             public_keys=public_keys(pubkey))
    emit(export.to_json(), out)
    if schema is not None:
        say(f"valid against {schema}", err=True)
    for field, what in export.to_write.items():
        say(f"to be written by the owner: {field}: {what}", err=True)
    for field, how in export.to_check.items():
        say(f"derived, to check: {field}: {how}", err=True)
