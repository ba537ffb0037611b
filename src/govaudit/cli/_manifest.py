"""``govaudit manifest init DATA... [--out FILE]``: draft a data manifest from real files."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from govaudit.cli._app import say
from govaudit.exceptions import InputDataError

__all__ = ["manifest_app"]

manifest_app = typer.Typer(
    help="Data manifests: declare every data source (see 'govaudit schema manifest').",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)


@manifest_app.command("init")
def init(
    data: Annotated[list[Path], typer.Argument(metavar="DATA...", help="CSV or Parquet files to declare.")],
    out: Annotated[Optional[Path], typer.Option("--out", "-o", help="Write the draft here (default: print it).")] = None,
    force: Annotated[bool, typer.Option(help="Overwrite --out if it exists.")] = False,
) -> None:
    """Draft a manifest: hashes, row counts, column types filled in; human fields left as TODO."""
    from govaudit.provenance import draft_manifest

    if out is not None and out.exists() and not force:
        raise InputDataError(f"{out} already exists; pass --force to overwrite it")
    text = draft_manifest(data, relative_to=out.resolve().parent if out is not None else Path.cwd())
    if out is None:
        typer.echo(text, nl=False)
        return
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise InputDataError(f"cannot write {out}: {exc.strerror or exc}") from None
    todo = text.count('"TODO')
    say(f"wrote {out}: {len(data)} source(s); {todo} TODO field(s) for a person to fill in")
