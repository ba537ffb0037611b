"""Render an :class:`~govaudit.records.AuditRecord` for people and machines.

Every renderer is a pure function over one record: it reads nothing else and (apart from
:func:`write_reports`, :func:`write_html` and :func:`html_to_pdf`) writes nothing.

- :func:`render_json`: the record as schema-valid JSON.
- :func:`render_junit`: JUnit XML, so a CI pipeline's test view shows each check.
- :func:`render_summary`: a terminal summary (rich) with findings and per-group tables.
- :func:`render_html`: one self-contained HTML page with plots (:data:`PLOTS`), in English or Chinese.
- :func:`render_markdown`: a short Markdown summary for a pull request or CI job summary.
- :func:`render_card`: a one-page public transparency card (HTML).
- :func:`html_to_pdf`: print an HTML report to PDF with headless Chromium.
- :func:`render_report`: any of the text renderers chosen by format name (:data:`REPORT_FORMATS`).
- :func:`write_reports`: write the JSON (and optionally JUnit) files atomically.
- :func:`check_output_paths`: refuse, before anything is written, files that could not be written
  (:func:`report_paths` names those :func:`write_reports` writes).
"""

from govaudit.report._card import render_card
from govaudit.report._formats import REPORT_FORMATS, TEXT_FORMATS, render_report
from govaudit.report._html import render_html, write_html
from govaudit.report._i18n import LANGUAGES
from govaudit.report._json import render_json
from govaudit.report._junit import render_junit
from govaudit.report._markdown import render_markdown
from govaudit.report._pdf import find_chromium, html_to_pdf
from govaudit.report._plots import PLOTS, Plot
from govaudit.report._text import render_summary
from govaudit.report._write import check_output_paths, report_paths, write_reports

__all__ = [
    "LANGUAGES",
    "PLOTS",
    "Plot",
    "REPORT_FORMATS",
    "TEXT_FORMATS",
    "check_output_paths",
    "find_chromium",
    "html_to_pdf",
    "render_card",
    "render_html",
    "render_json",
    "render_junit",
    "render_markdown",
    "render_report",
    "render_summary",
    "report_paths",
    "write_html",
    "write_reports",
]
