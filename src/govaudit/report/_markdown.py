"""A compact Markdown summary for a pull-request comment or a CI job summary (under 60 lines).

It holds the verdict, the failed gates, the largest disparities and the requirement coverage of the
rule packs the spec names; everything else is in the record and the HTML report. Record text is
escaped with Markdown's own backslash escapes (never HTML entities, which a job summary shows as
``&amp;``), so that a group label cannot break the table or inject HTML into a comment.
"""

from __future__ import annotations

import re

from govaudit.core import Finding, Status
from govaudit.records._record import AuditRecord
from govaudit.report._coverage_view import COVERAGE_BADGE, coverage_rows
from govaudit.report._html import verdict_sentence
from govaudit.report._html_first import worst_first
from govaudit.report._i18n import Catalogue, fmt_ci, fmt_num, load_catalogue
from govaudit.report._json import ensure_record

__all__ = ["MAX_LINES", "md_escape", "render_markdown"]

#: The summary never has more lines than this.
MAX_LINES = 60
_MAX_FAILED = 15
_MAX_DISPARITIES = 8
_SPECIAL = re.compile(r"([\\`*_\[\]|~<>])")
#: An ampersand that would start a character reference (``&amp;``, ``&#60;``) is escaped; any other is text.
_ENTITY = re.compile(r"&(?=#?[0-9A-Za-z]+;)")
_MAX_REQUIREMENTS = 8
_RATIOS = ("bias.impact_ratio", "bias.scoring_impact_ratio")


def md_escape(text: object) -> str:
    """Text safe inside a Markdown table cell: one line, HTML and Markdown syntax neutralised."""
    value = _SPECIAL.sub(r"\\\1", " ".join(str(text).split()))
    return _ENTITY.sub(r"\\&", value)


def _threshold(f: Finding) -> str:
    return "—" if f.threshold is None else f"{f.operator or ''} {f.threshold:g}".strip()


def _coverage_lines(record: AuditRecord, t: Catalogue) -> list[str]:
    """The coverage matrix: one row per rule pack, then the first requirements not met or without evidence."""
    profiles = coverage_rows(record, t)
    if not profiles:
        return []
    lines = [f"### {t('coverage.heading')}", "", md_escape(t("coverage.intro")), "",
             f"| {t('md.profile')} | {t('coverage.status.met')} | {t('coverage.status.not_met')} "
             f"| {t('coverage.status.no_evidence')} | {t('coverage.status.not_applicable')} |", "|---|---:|---:|---:|---:|"]
    open_rows = []
    for profile in profiles:
        counts = {s: sum(r["status"] == s for r in profile["rows"]) for s in COVERAGE_BADGE.values()}
        lines.append(f"| {md_escape(profile['caption'])} | {counts['pass']} | {counts['fail']} | {counts['warn']} "
                     f"| {counts['skipped']} |")
        open_rows += [r for r in profile["rows"] if r["status"] in ("fail", "warn")]
    lines.append("")
    if open_rows:
        lines += [f"| {t('coverage.requirement')} | {t('column.status')} | {t('coverage.reason')} |", "|---|---|---|"]
        lines += [f"| `{md_escape(r['id'])}` | {r['label']} | {md_escape(r['reason'])} |"
                  for r in open_rows[:_MAX_REQUIREMENTS]]
        if len(open_rows) > _MAX_REQUIREMENTS:
            lines.append(f"| | {t('md.more', n=len(open_rows) - _MAX_REQUIREMENTS)} | |")
        lines.append("")
    return lines


def render_markdown(record: AuditRecord, *, lang: str = "en") -> str:
    """The record as a short Markdown summary.

    Parameters
    ----------
    record : AuditRecord
    lang : {"en", "zh"}

    Returns
    -------
    str
        At most :data:`MAX_LINES` lines: verdict, failed gates (the first 15), the lowest impact
        ratios (the first 8), the requirement coverage (the first 8 requirements not met or without
        evidence), and the record's id.

    Raises
    ------
    TypeError
        If ``record`` is not an :class:`AuditRecord`.
    """
    record = ensure_record(record)
    t = load_catalogue(lang)
    verdict = record.verdict.value
    lines = [f"## {md_escape(t('md.title', name=record.audit_name))}: **{t(f'verdict.{verdict}')}**", "",
             md_escape(verdict_sentence(record, t)), ""]
    counts = [f"{t(f'status.{s.value}')} {sum(f.status is s for f in record.findings)}" for s in Status]
    lines += [" · ".join(counts), ""]

    blocking = [f for f in record.findings if f.blocking]
    if blocking:
        lines += [f"### {t('md.failed_heading', n=len(blocking))}", "",
                  f"| {t('column.status')} | {t('column.check')} | {t('column.groups')} | {t('column.value')} "
                  f"| {t('column.threshold')} |", "|---|---|---|---:|---|"]
        for f in blocking[:_MAX_FAILED]:
            lines.append(f"| {t(f'status.{f.status.value}')} | `{f.check}` | {md_escape(', '.join(f.groups))} "
                         f"| {fmt_num(f.value)} | {md_escape(_threshold(f))} |")
        if len(blocking) > _MAX_FAILED:
            lines.append(f"| | {t('md.more', n=len(blocking) - _MAX_FAILED)} | | | |")
        lines.append("")

    ratios = sorted((f for f in record.findings if f.check in _RATIOS and f.value is not None), key=worst_first)
    if ratios:
        lines += [f"### {t('md.disparities_heading')}", "",
                  f"| {t('field.feature')} | {t('column.group')} | {t('field.reference')} "
                  f"| {t('metric.impact_ratio')} | {t('column.interval')} | {t('column.status')} |",
                  "|---|---|---|---:|---|---|"]
        for f in ratios[:_MAX_DISPARITIES]:
            ev = f.evidence
            lines.append(f"| {md_escape(ev.get('feature', ''))} | {md_escape(ev.get('group', ''))} "
                         f"| {md_escape(ev.get('reference', ''))} | {fmt_num(f.value)} | {fmt_ci(ev.get('ci'))} "
                         f"| {t(f'status.{f.status.value}')} |")
        lines.append("")
    lines += _coverage_lines(record, t)
    footer = md_escape(t("md.footer", record_id=record.record_id, version=record.govaudit_version))
    return "\n".join([*lines[:MAX_LINES - 1], footer]) + "\n"  # the record id always ends the summary
