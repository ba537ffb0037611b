"""The one-screen terminal summary of a run: verdict first, then what blocks or warns, then where it went.

``govaudit run`` prints this by default; ``--details`` adds every finding and the group tables
(:func:`govaudit.report._text.render_summary`). Each check is one line, cut with an ellipsis at the
console's width, so the summary of a large audit stays on one screen. Text from the record goes
through :func:`~govaudit.report._printable.printable` and :class:`rich.text.Text`: control characters
are shown as escapes and ``[brackets]`` are never read as console markup.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.text import Text

from govaudit.core import Finding, Severity, Status
from govaudit.records._record import AuditRecord, Verdict
from govaudit.report._i18n import Catalogue, load_catalogue
from govaudit.report._json import ensure_record
from govaudit.report._printable import printable
from govaudit.report._text import VERDICT_STYLE

__all__ = ["MAX_LISTED_CHECKS", "LedgerPosition", "plain_check", "plain_words", "render_brief", "summary_items"]

#: At most this many checks are listed one per line; the rest are counted ("and N more").
MAX_LISTED_CHECKS = 20

#: A check's line names at most this many of its groups ("+N" counts the rest).
_MAX_GROUPS = 3

#: The sections of the list, most severe first: (key, heading, style).
_SECTIONS = (
    ("error", "Could not be completed", "bold red"),
    ("fail", "Failed", "bold red"),
    ("inconclusive", "Could not be judged on the evidence", "magenta"),
    ("warn", "Warnings", "yellow"),
    ("accepted", "Undecided, accepted in the spec", "cyan"),
)
_SEVERITY_RANK = {Severity.CRITICAL: 0, Severity.HIGH: 1, Severity.MEDIUM: 2, Severity.LOW: 3, Severity.INFO: 4}

@dataclass(frozen=True)
class LedgerPosition:
    """Where a run's record was appended: the ledger file, the entry's number and hash."""

    path: Path
    entry: int
    entry_hash: str


def _one_line(text: str) -> str:
    """``text`` safe for the terminal and on one line: controls shown as escapes, whitespace runs as one space."""
    return " ".join(printable(text).split())


def plain_words(check: str, t: Catalogue) -> str | None:
    """A check's name in plain words in ``t``'s language, or None when the catalogue has none.

    The catalogue's ``plain.<check>``; a bias gate on any rate's contrast with the reference group
    (``bias.fpr_ratio``, ``bias.npv_difference``) is worded from the rate's own name.
    """
    words = t.get(f"plain.{check}")
    auditor, _, name = check.partition(".")
    if words is None and auditor == "bias":
        rate, _, kind = name.rpartition("_")
        label = t.get(f"metric.{rate}") if kind in ("ratio", "difference") and rate else None
        if label is not None:
            words = t(f"plain_contrast.{kind}", rate=label[:1].lower() + label[1:] if t.lang == "en" else label)
    return words


def plain_check(check: str) -> str:
    """A check's name in plain English, as the reports word it (the catalogue's ``plain.<check>``), e.g.
    ``bias.impact_ratio`` -> "some groups are selected far less often"; a plug-in's check by its name's words."""
    return plain_words(check, load_catalogue("en")) or check.rsplit(".", 1)[-1].replace("_", " ")


def _section(finding: Finding) -> str | None:
    if finding.status is Status.INCONCLUSIVE:
        return "inconclusive" if finding.accepted is None else "accepted"
    return finding.status.value if finding.status in (Status.ERROR, Status.FAIL, Status.WARN) else None


def summary_items(findings: Sequence[Finding]) -> list[tuple[str, Finding]]:
    """The findings the summary lists, as (section, finding), most severe first.

    Sections run from errors through failures, undecided gates and warnings to accepted undecided
    gates; within one, higher severity comes first, then the order the auditors reported.
    """
    order = {key: i for i, (key, _, _) in enumerate(_SECTIONS)}
    items = [(section, i, f) for i, f in enumerate(findings) if (section := _section(f)) is not None]
    items.sort(key=lambda item: (order[item[0]], _SEVERITY_RANK.get(item[2].severity, 5), item[1]))
    return [(section, f) for section, _, f in items]


def _number(value: Any) -> str:
    """A count as a whole number, a rate to three decimals; undefined (None, NaN) as a dash, never 0."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return "—"
    if isinstance(value, int) or float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:.3f}" if abs(value) >= 0.001 else f"{value:.2e}"


def _item_line(finding: Finding) -> Text:
    """One check on one line: plain words, groups, number against gate, then its message."""
    line = Text("  ")
    line.append(_one_line(plain_check(finding.check)), style="bold")
    if finding.groups:
        groups = list(finding.groups[:_MAX_GROUPS])
        more = f" +{len(finding.groups) - _MAX_GROUPS}" if len(finding.groups) > _MAX_GROUPS else ""
        line.append(f" [{_one_line(', '.join(groups))}{more}]")
    if finding.value is not None or finding.threshold is not None:
        line.append(f": {_number(finding.value)}")
        if finding.threshold is not None:
            line.append(f", gate {finding.operator or ''} {_number(finding.threshold)}".replace("  ", " "))
    line.append(" — ", style="dim")
    line.append(_one_line(finding.message), style="dim")
    return line


def _counts(findings: Sequence[Finding]) -> str:
    tally: dict[str, int] = {}
    for f in findings:
        key = "accepted" if f.status is Status.INCONCLUSIVE and f.accepted is not None else f.status.value
        tally[key] = tally.get(key, 0) + 1
    words = (("fail", "failed"), ("error", "not completed"), ("inconclusive", "not judged"),
             ("accepted", "accepted undecided"), ("warn", "warned"), ("pass", "passed"),
             ("reported", "reported"), ("skipped", "skipped"))
    parts = [f"{tally[key]} {word}" for key, word in words if tally.get(key)]
    return f"{_plural(len(findings), 'check')}: {', '.join(parts)}" if parts else "no checks"


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _headline(record: AuditRecord, strict: bool) -> tuple[str, str]:
    """What the verdict rests on (the counts that decide it), and what it means for the release."""
    n = {s: sum(1 for f in record.findings if f.status is s) for s in Status}
    undecided = sum(1 for f in record.findings if f.status is Status.INCONCLUSIVE and f.accepted is None)
    if record.verdict in (Verdict.FAIL, Verdict.ERROR, Verdict.INCONCLUSIVE):
        reasons = [f"{_plural(count, noun)} {what}" for count, noun, what in (
            (n[Status.FAIL], "gate", "failed"), (n[Status.ERROR], "check", "not completed"),
            (undecided, "gate", "not judged")) if count]
        return (", ".join(reasons) or f"the verdict is {record.verdict.value}",
                "Not to be released until these are resolved and the audit is re-run.")
    if record.verdict is Verdict.WARN:
        warned = _plural(n[Status.WARN], "warning")
        if strict:
            return f"no gate failed, {warned}", "Not to be released: --strict makes warnings block."
        return f"no gate failed, {warned}", "The approver should review the warnings before release."
    return "every gate passed", "Nothing was found that blocks the release."


def _fit(text: Text, console: Console) -> None:
    console.print(text, no_wrap=True, overflow="ellipsis", crop=True)


def _path_line(label: str, path: Path | str, console: Console) -> None:
    # whole on one line even past the width (the terminal wraps it): a path is copied, not read
    console.print(Text.assemble(f"  {label}: ", _one_line(str(path))), soft_wrap=True)


def _report_to_read(written: Mapping[str, Path]) -> Path | None:
    for kind in ("html", "markdown", "md", "json"):
        if kind in written:
            return written[kind]
    return next(iter(written.values()), None)


def render_brief(
    record: AuditRecord,
    console: Console | None = None,
    *,
    written: Mapping[str, Path] | None = None,
    ledger: LedgerPosition | None = None,
    strict: bool = False,
    max_listed: int = MAX_LISTED_CHECKS,
    hint: bool = True,
) -> None:
    """Print the one-screen summary of ``record``: verdict, blocking and warned checks, reports, ledger entry.

    Parameters
    ----------
    record : AuditRecord
    console : rich.console.Console, optional
        Where to print (a new stdout console by default); its width bounds every line but those
        naming a file, which stay whole for copying.
    written : mapping of str to Path, optional
        The reports written, by kind (as :func:`govaudit.report.write_reports` returns them).
    ledger : LedgerPosition, optional
        The ledger entry the record was appended as.
    strict : bool
        Warnings block the release (``--strict``), which the headline says.
    max_listed : int
        At most this many checks are listed; the rest are counted with a pointer to a full report.
    hint : bool
        End with the command that shows every check of the record written.

    Raises
    ------
    TypeError
        If ``record`` is not an :class:`AuditRecord`.
    """
    record = ensure_record(record)
    console = console if console is not None else Console(highlight=False)
    written = dict(written or {})
    verdict = Text(record.verdict.value.upper(), style=VERDICT_STYLE[record.verdict])
    reasons, meaning = _headline(record, strict)
    _fit(Text.assemble(verdict, " — ", (_one_line(record.audit_name), "bold"), f": {reasons}"), console)
    _fit(Text(meaning, style=VERDICT_STYLE[record.verdict].replace("bold ", "")), console)
    _fit(Text(_counts(record.findings), style="dim"), console)
    items = summary_items(record.findings)
    shown = items[:max(max_listed, 0)]
    for key, heading, style in _SECTIONS:
        listed = [f for section, f in shown if section == key]
        if listed:
            total = sum(1 for section, _ in items if section == key)
            console.print()
            _fit(Text(f"{heading} ({total})", style=style), console)
            for finding in listed:
                _fit(_item_line(finding), console)
    if len(items) > len(shown):
        target = _report_to_read(written)
        where = f" — see {_one_line(str(target))}" if target is not None else ""
        console.print(Text(f"  and {len(items) - len(shown)} more{where}", style="bold"), soft_wrap=True)
    if written or ledger is not None:
        console.print()
        _fit(Text.assemble(("Written", "bold"), f" (record {_one_line(record.record_id)})"), console)
        for kind, path in written.items():
            if not kind.startswith("ledger entry"):
                _path_line(kind, path, console)
        if ledger is not None:
            _path_line(f"ledger entry {ledger.entry} (hash {ledger.entry_hash[:12]}…)", ledger.path, console)
    if hint and "json" in written:
        console.print()
        _fit(Text("Every check and group table: --details, or govaudit report on the record above.",
                  style="dim"), console)
