"""One record rendered in a format chosen by name, as ``govaudit report --format`` does."""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any

from rich.console import Console

from govaudit.records._record import AuditRecord
from govaudit.report._html import render_html
from govaudit.report._json import render_json
from govaudit.report._junit import render_junit
from govaudit.report._markdown import render_markdown
from govaudit.report._text import render_summary

__all__ = ["REPORT_FORMATS", "TEXT_FORMATS", "render_report"]

#: Formats a saved record is shown in: the text ones, and ``pdf`` (printed from the HTML page).
REPORT_FORMATS = ("summary", "json", "junit", "html", "md", "pdf")
#: The formats :func:`render_report` returns as text.
TEXT_FORMATS = REPORT_FORMATS[:-1]
#: Width of the terminal summary when it is written to a file.
_SUMMARY_WIDTH = 120


def _summary_text(record: AuditRecord) -> str:
    console = Console(record=True, width=_SUMMARY_WIDTH, file=io.StringIO())
    render_summary(record, console)
    return console.export_text()


def render_report(record: AuditRecord, format: str, *, lang: str = "en",
                  ledger: Mapping[str, Any] | None = None) -> str:
    """The record as text in one of :data:`TEXT_FORMATS`.

    Parameters
    ----------
    record : AuditRecord
    format : {"summary", "json", "junit", "html", "md"}
        The terminal summary as plain text, the JSON record (with a final newline), JUnit XML,
        the HTML page, or the Markdown summary.
    lang : str
        Language of ``html`` and ``md``.
    ledger : mapping, optional
        The record's ledger position, shown on the HTML page.

    Returns
    -------
    str

    Raises
    ------
    ValueError
        ``format`` is not a text format (``pdf`` is printed from the HTML page by :func:`html_to_pdf`).
    """
    if format == "summary":
        return _summary_text(record)
    if format == "json":
        return render_json(record) + "\n"
    if format == "junit":
        return render_junit(record)
    if format == "html":
        return render_html(record, lang=lang, ledger=ledger)
    if format == "md":
        return render_markdown(record, lang=lang)
    raise ValueError(f"render_report writes {', '.join(TEXT_FORMATS)}; got {format!r}")
