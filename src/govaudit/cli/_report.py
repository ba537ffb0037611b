"""``govaudit report`` and ``govaudit card``: a saved record rendered for people and machines."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from govaudit.cli._app import emit, say
from govaudit.exceptions import InputDataError

__all__ = ["card", "report"]

_MSG_FORMAT = "unknown report format {format!r}; expected one of: {known}"
_MSG_PDF_OUT = "--format pdf writes a file: give it with --out FILE"


def report(
    record_path: Annotated[Path, typer.Argument(metavar="RECORD", help="A record.json written by 'govaudit run'.")],
    format: Annotated[str, typer.Option(help="summary, json, junit, html, md or pdf.")] = "summary",
    out: Annotated[Optional[Path], typer.Option(help="Write to this file instead of the terminal (pdf: required).")] = None,
    lang: Annotated[str, typer.Option(help="Language of html, md and pdf: en or zh.")] = "en",
) -> None:
    """Show a saved accountability record: terminal summary, JSON, JUnit XML, HTML, Markdown or PDF."""
    from rich.console import Console

    from govaudit.records import load_record_file
    from govaudit.report import REPORT_FORMATS, html_to_pdf, render_html, render_report, render_summary
    from govaudit.report._i18n import load_catalogue

    if format not in REPORT_FORMATS:
        raise InputDataError(_MSG_FORMAT.format(format=format, known=", ".join(REPORT_FORMATS)))
    if format == "pdf" and out is None:
        raise InputDataError(_MSG_PDF_OUT)
    load_catalogue(lang)  # an unknown language is an error before anything is read or written
    record, ledger = load_record_file(record_path)
    if format == "summary" and out is None:
        render_summary(record, Console(highlight=False))
    elif format == "pdf":
        assert out is not None
        html_to_pdf(render_html(record, lang=lang, ledger=ledger), out)
        say(f"written: {out}", err=True)
    else:
        emit(render_report(record, format, lang=lang, ledger=ledger), out)


def card(
    record_path: Annotated[Path, typer.Argument(metavar="RECORD", help="A record.json written by 'govaudit run'.")],
    spec: Annotated[Optional[Path], typer.Option(help="The audit spec; its [transparency] section fills the card.")] = None,
    out: Annotated[Optional[Path], typer.Option(help="Write the card to this HTML file instead of the terminal.")] = None,
    lang: Annotated[str, typer.Option(help="Language: en or zh.")] = "en",
    pdf: Annotated[bool, typer.Option("--pdf", help="Print the card to PDF (needs --out).")] = False,
) -> None:
    """A one-page public transparency card for citizens (HTML, or PDF with --pdf)."""
    from govaudit.records import load_record_file
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
        say(f"written: {out}", err=True)
    else:
        emit(html, out)
