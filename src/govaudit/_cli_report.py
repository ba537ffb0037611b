"""``govaudit report`` and ``govaudit card``: a saved record rendered for people and machines."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from govaudit.exceptions import InputDataError

__all__ = ["FORMATS", "card", "load_record_file", "report"]

#: Output formats of ``govaudit report``.
FORMATS = ("summary", "json", "junit", "html", "md", "pdf")
_MSG_NOT_FOUND = "record file not found: {path}"
_MSG_NOT_RECORD = "not a valid audit record: {detail}"
_MSG_FORMAT = "unknown report format {format!r}; expected one of: {known}"
_MSG_PDF_OUT = "--format pdf writes a file: give it with --out FILE"


def load_record_file(path: Path) -> tuple[Any, dict[str, Any] | None]:
    """Read a record.json; returns the record and its ledger position if the file carries one.

    A ledger position written beside the record's fields (a top-level ``"ledger"`` object) is taken
    out before validation unless the record format itself has a ``ledger`` field.
    """
    from pydantic import ValidationError

    from govaudit.records import AuditRecord
    from govaudit.spec import format_validation_error

    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        raise InputDataError(_MSG_NOT_FOUND.format(path=path)) from None
    except IsADirectoryError:
        raise InputDataError(_MSG_NOT_RECORD.format(detail=f"{path} is a folder, not a record.json")) from None
    try:
        data = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputDataError(_MSG_NOT_RECORD.format(detail=f"{path}: not JSON ({exc})")) from None
    ledger = None
    if isinstance(data, dict) and "ledger" not in AuditRecord.model_fields and isinstance(data.get("ledger"), dict):
        ledger = data.pop("ledger")
    try:
        return AuditRecord.model_validate(data), ledger
    except ValidationError as exc:
        raise InputDataError(_MSG_NOT_RECORD.format(detail=format_validation_error(exc, str(path)))) from None


def _emit(text: str, out: Path | None) -> None:
    from govaudit.report._write import atomic_write_text

    if out is None:
        typer.echo(text, nl=not text.endswith("\n"))
    else:
        atomic_write_text(out, text)
        typer.echo(f"written: {out}", err=True)


def report(
    record_path: Annotated[Path, typer.Argument(metavar="RECORD", help="A record.json written by 'govaudit run'.")],
    format: Annotated[str, typer.Option(help="summary, json, junit, html, md or pdf.")] = "summary",
    out: Annotated[Optional[Path], typer.Option(help="Write to this file instead of the terminal (pdf: required).")] = None,
    lang: Annotated[str, typer.Option(help="Language of html, md and pdf: en or zh.")] = "en",
) -> None:
    """Show a saved accountability record: terminal summary, JSON, JUnit XML, HTML, Markdown or PDF."""
    from rich.console import Console

    from govaudit.report import (
        html_to_pdf,
        render_html,
        render_json,
        render_junit,
        render_markdown,
        render_summary,
    )
    from govaudit.report._i18n import load_catalogue

    if format not in FORMATS:
        raise InputDataError(_MSG_FORMAT.format(format=format, known=", ".join(FORMATS)))
    if format == "pdf" and out is None:
        raise InputDataError(_MSG_PDF_OUT)
    load_catalogue(lang)  # an unknown language is an error before anything is read or written
    record, ledger = load_record_file(record_path)
    if format == "summary":
        if out is None:
            render_summary(record, Console(highlight=False))
        else:
            console = Console(record=True, width=120, file=io.StringIO())
            render_summary(record, console)
            _emit(console.export_text(), out)
    elif format == "json":
        _emit(render_json(record) + "\n", out)
    elif format == "junit":
        _emit(render_junit(record), out)
    elif format == "html":
        _emit(render_html(record, lang=lang, ledger=ledger), out)
    elif format == "md":
        _emit(render_markdown(record, lang=lang), out)
    else:
        assert out is not None
        html_to_pdf(render_html(record, lang=lang, ledger=ledger), out)
        typer.echo(f"written: {out}", err=True)


def card(
    record_path: Annotated[Path, typer.Argument(metavar="RECORD", help="A record.json written by 'govaudit run'.")],
    spec: Annotated[Optional[Path], typer.Option(help="The audit spec; its [transparency] section fills the card.")] = None,
    out: Annotated[Optional[Path], typer.Option(help="Write the card to this HTML file instead of the terminal.")] = None,
    lang: Annotated[str, typer.Option(help="Language: en or zh.")] = "en",
    pdf: Annotated[bool, typer.Option("--pdf", help="Print the card to PDF (needs --out).")] = False,
) -> None:
    """A one-page public transparency card for citizens (HTML, or PDF with --pdf)."""
    from govaudit.report import html_to_pdf, render_card
    from govaudit.report._i18n import load_catalogue

    if pdf and out is None:
        raise InputDataError(_MSG_PDF_OUT.replace("--format pdf", "--pdf"))
    load_catalogue(lang)
    transparency = None
    if spec is not None:
        from govaudit.spec import load_spec

        transparency = getattr(load_spec(spec).spec, "transparency", None)
    record, _ = load_record_file(record_path)
    html = render_card(record, lang=lang, transparency=transparency)
    if pdf:
        assert out is not None
        html_to_pdf(html, out)
        typer.echo(f"written: {out}", err=True)
    else:
        _emit(html, out)
