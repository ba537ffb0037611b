"""Render an :class:`~govaudit.records.AuditRecord` for people and machines.

Every renderer is a pure function over one record: it reads nothing else and (apart from
:func:`write_reports`, :func:`write_html` and :func:`html_to_pdf`) writes nothing.

- :func:`render_json`: the record as schema-valid JSON.
- :func:`render_junit`: JUnit XML, so a CI pipeline's test view shows each check.
- :func:`render_summary`: a terminal summary (rich) with findings and per-group tables.
- :func:`render_html`: one self-contained HTML page with plots (:data:`PLOTS`), in English or Chinese.
- :func:`render_markdown`: a short Markdown summary for a pull request or CI job summary.
- :func:`render_card`: a one-page public transparency card (HTML).
- :func:`html_to_pdf`: print an HTML report to PDF with headless Chromium (Chinese needs a CJK font:
  :func:`require_cjk_font`, :class:`MissingFontError`).
- :func:`render_report`: any of the text renderers chosen by format name (:data:`REPORT_FORMATS`).
- :func:`write_reports`: write the JSON (and optionally JUnit) files atomically.
- :func:`check_output_paths`: refuse, before anything is written, files that could not be written
  (:func:`report_paths` names those :func:`write_reports` writes).
"""

from typing import TYPE_CHECKING

from govaudit._lazy import lazy_exports

if TYPE_CHECKING:
    from govaudit.report._card import render_card
    from govaudit.report._fonts import MissingFontError, require_cjk_font
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
else:
    # Type checkers read the imports above; at run time a name is imported on first use (PEP 562), loading
    # only its own module and what that module imports.
    __getattr__, __dir__ = lazy_exports(__name__, {
        "govaudit.report._card": ("render_card",),
        "govaudit.report._fonts": ("MissingFontError", "require_cjk_font"),
        "govaudit.report._formats": ("REPORT_FORMATS", "TEXT_FORMATS", "render_report"),
        "govaudit.report._html": ("render_html", "write_html"),
        "govaudit.report._i18n": ("LANGUAGES",),
        "govaudit.report._json": ("render_json",),
        "govaudit.report._junit": ("render_junit",),
        "govaudit.report._markdown": ("render_markdown",),
        "govaudit.report._pdf": ("find_chromium", "html_to_pdf"),
        "govaudit.report._plots": ("PLOTS", "Plot"),
        "govaudit.report._text": ("render_summary",),
        "govaudit.report._write": ("check_output_paths", "report_paths", "write_reports"),
    }, globals())

__all__ = [
    "LANGUAGES",
    "MissingFontError",
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
    "require_cjk_font",
    "write_html",
    "write_reports",
]
