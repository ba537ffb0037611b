"""Render an :class:`~govaudit.records.AuditRecord` for people and machines.

Every renderer is a pure function over one record: it reads nothing else and (apart from
:func:`write_reports`) writes nothing.

- :func:`render_json`: the record as schema-valid JSON.
- :func:`render_junit`: JUnit XML, so a CI pipeline's test view shows each check.
- :func:`render_summary`: a terminal summary (rich) with findings and per-group tables.
- :func:`write_reports`: write the JSON (and optionally JUnit) files atomically.
"""

from govaudit.report._json import render_json
from govaudit.report._junit import render_junit
from govaudit.report._text import render_summary
from govaudit.report._write import write_reports

__all__ = ["render_json", "render_junit", "render_summary", "write_reports"]
