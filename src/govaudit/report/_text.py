"""Terminal summary of a record, drawn with rich.

All record text goes through :class:`rich.text.Text`, never console markup, so a message or group
name containing ``[brackets]`` is shown as written.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from rich import box
from rich.console import Console, Group, RenderableType
from rich.measure import Measurement
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from govaudit.core import Finding, Status
from govaudit.records._record import AuditRecord, Verdict
from govaudit.report._json import ensure_record
from govaudit.report._printable import printable_values

__all__ = ["GROUP_METRICS_CHECK", "UNDEFINED", "render_summary", "verdict_sentence"]

#: The check whose evidence holds the per-group metric table of one sensitive feature.
GROUP_METRICS_CHECK = "bias.group_metrics"
#: How an undefined (null) number is shown; never as 0.
UNDEFINED = "—"
#: How many check names a verdict sentence lists before "and N more".
_MAX_LISTED = 4
#: Check names up to this long are never wrapped in the findings table.
_MAX_CHECK_WIDTH = 32
#: Width of "[0.410–0.590]": metric columns never get narrower, so intervals are never cut.
_INTERVAL_WIDTH = 13
_UNBOUNDED_WIDTH = 10_000

VERDICT_STYLE = {
    Verdict.PASS: "bold green",
    Verdict.WARN: "bold yellow",
    Verdict.FAIL: "bold red",
    Verdict.ERROR: "bold red",
    Verdict.INCONCLUSIVE: "bold magenta",
}
_STATUS_STYLE = {
    "pass": "green",
    "warn": "yellow",
    "fail": "bold red",
    "error": "bold red",
    "skipped": "dim",
    "inconclusive": "magenta",
    "reported": "cyan",
}
_METRIC_LABELS = {
    "selection_rate": "selection rate",
    "tpr": "TPR",
    "fpr": "FPR",
    "fnr": "FNR",
    "tnr": "TNR",
    "precision": "precision",
    "accuracy": "accuracy",
}


# --------------------------------------------------------------------------- formatting helpers


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _num(value: Any, digits: int = 3) -> str:
    """A number for people: ``None`` (undefined) becomes an em dash, never 0."""
    if value is None or not _is_number(value):
        return UNDEFINED
    value = float(value)
    if not math.isfinite(value):
        return UNDEFINED
    if value.is_integer() and abs(value) >= 1000:
        return f"{int(value):,}"
    if value != 0 and abs(value) < 10 ** (-digits):
        return f"{value:.2e}"
    return f"{value:.{digits}f}"


def _with_interval(value: Any, interval: Any) -> str:
    """``0.500 [0.410–0.590]``; just the value when the interval is missing or undefined; a count as a whole number."""
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    text = _num(value)
    if text == UNDEFINED:
        return UNDEFINED
    if (
        isinstance(interval, Sequence)
        and not isinstance(interval, str)
        and len(interval) == 2
        and all(_is_number(x) for x in interval)
    ):
        return f"{text} [{_num(interval[0])}–{_num(interval[1])}]"
    return text


def _share(value: Any) -> str:
    return UNDEFINED if not _is_number(value) else f"{float(value) * 100:.1f}%"


def _count(value: Any) -> str:
    return f"{int(value):,}" if _is_number(value) else UNDEFINED


def _status_text(status: str) -> Text:
    return Text(status, style=_STATUS_STYLE.get(status, ""))


def _check_label(finding: Finding) -> str:
    return f"{finding.check} [{', '.join(finding.groups)}]" if finding.groups else finding.check


def _listing(labels: list[str]) -> str:
    if len(labels) <= _MAX_LISTED:
        return ", ".join(labels)
    return f"{', '.join(labels[:_MAX_LISTED])} and {len(labels) - _MAX_LISTED} more"


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


# --------------------------------------------------------------------------- sections


def _header(record: AuditRecord) -> Panel:
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")

    grid.add_row("Audit", Text(record.audit_name))
    grid.add_row("Verdict", Text(record.verdict.value.upper(), style=VERDICT_STYLE[record.verdict]))
    grid.add_row("Record", Text(record.record_id))
    grid.add_row("Created", Text(record.created_at.isoformat(timespec="seconds")))

    if record.model is not None:
        model = record.model
        name = f"{model.name} {model.version}" if model.version else model.name
        grid.add_row("Model", Text(f"{name} (sha256 {model.sha256[:12]}…)"))
    else:
        grid.add_row("Model", Text("not recorded", style="dim"))

    parties = [
        f"{role}: {who}"
        for role, who in (
            ("owner", record.responsible.owner),
            ("auditor", record.responsible.auditor),
            ("approver", record.responsible.approver),
            ("contact", record.responsible.contact),
        )
        if who
    ]
    grid.add_row(
        "Responsible",
        Text(" · ".join(parties)) if parties else Text("not recorded", style="dim"),
    )
    return Panel(
        grid,
        title=Text("govaudit audit record", style="bold"),
        title_align="left",
        border_style=VERDICT_STYLE[record.verdict].replace("bold ", ""),
        box=box.ROUNDED,
    )


def _findings_table(findings: Sequence[Finding]) -> Table:
    table = Table(title="Findings", title_justify="left", box=box.SIMPLE_HEAD, expand=True, pad_edge=False)
    check_width = min(max((len(f.check) for f in findings), default=5), _MAX_CHECK_WIDTH)
    table.add_column("Status", no_wrap=True)
    table.add_column("Check", overflow="fold", min_width=check_width)
    table.add_column("Groups", overflow="fold", ratio=2, min_width=8)
    table.add_column("Value", justify="right", no_wrap=True)
    table.add_column("Threshold", justify="right", no_wrap=True)
    table.add_column("Message", ratio=6, min_width=20)
    for f in findings:
        if f.threshold is None and f.operator is None:
            threshold = ""
        else:
            threshold = f"{f.operator or ''} {_num(f.threshold)}".strip()
        value = "" if f.value is None and f.threshold is None else _num(f.value)
        table.add_row(
            _status_text(f.status.value),
            Text(f.check),
            Text(", ".join(f.groups)),
            Text(value),
            Text(threshold),
            Text(f.message),
        )
    if not findings:
        table.add_row(Text("—"), Text("no findings", style="dim"), Text(""), Text(""), Text(""), Text(""))
    return table


#: Below this console width the findings are listed one per block instead of in a table.
_NARROW = 110


def _findings_list(findings: Sequence[Finding]) -> Group:
    """Findings as blocks (status, check, value against gate, groups; then the message), for narrow consoles."""
    lines: list[RenderableType] = [Text("Findings", style="italic")]
    for f in findings:
        head = Text.assemble(_status_text(f.status.value), " ", (f.check, "bold"))
        if f.value is not None or f.threshold is not None:
            head.append(f"  {_num(f.value)}")
        if f.threshold is not None or f.operator is not None:
            head.append(f" (gate {f.operator or ''} {_num(f.threshold)})")
        if f.groups:
            head.append(f"  [{', '.join(f.groups)}]", style="dim")
        lines.append(head)
        lines.append(Padding(Text(f.message), (0, 0, 0, 6)))
    if not findings:
        lines.append(Text("no findings", style="dim"))
    lines.append(Text(""))
    return Group(*lines)


def _group_table(
    title: Text, rows: Sequence[Mapping[str, Any]], metrics: Sequence[str], *, last: bool, compact: bool = False
) -> Table:
    """One table of per-group metrics; only the ``last`` of a split table has ratio and status.

    ``compact`` fixes each column's width at its narrowest readable one (a header whole, a number
    with its interval folded after the number, a group label folded at 20), so the table's width is
    known before rich lays it out: rich's own narrowing can squeeze the last column off the page.
    """
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True)

    def narrowest(label: str, cells: list[str], floor: int) -> dict[str, int]:
        width = max(len(label), min(max((len(c) for c in cells), default=1), floor))
        return {"width": width} if compact else {"min_width": width}

    labels = [str(row.get("group", UNDEFINED)) + (" *" if row.get("note") else "") for row in rows]
    table.add_column("Group", overflow="fold", **(narrowest("Group", labels, 20) if compact else {"max_width": 20}))
    table.add_column("n", justify="right", no_wrap=True)
    table.add_column("Share", justify="right", no_wrap=True)
    for m in metrics:
        label = _METRIC_LABELS.get(m, m.replace("_", " "))
        cells = [_with_interval(row.get(m), row.get(f"{m}_ci")) for row in rows]
        table.add_column(label, justify="right", overflow="fold", **narrowest(label, cells, _INTERVAL_WIDTH))
    if last:
        table.add_column("Impact ratio", justify="right", overflow="fold",
                         **narrowest("Impact ratio", [_with_interval(row.get("impact_ratio"), row.get(
                             "impact_ratio_ci")) for row in rows], _INTERVAL_WIDTH))
        table.add_column("Status", no_wrap=True, **narrowest("inconclusive", [], 0))
    for row, label in zip(rows, labels):
        cells = [
            Text(label),
            Text(_count(row.get("count"))),
            Text(_share(row.get("share"))),
            *(Text(_with_interval(row.get(m), row.get(f"{m}_ci"))) for m in metrics),
        ]
        if last:
            cells.append(Text(_with_interval(row.get("impact_ratio"), row.get("impact_ratio_ci"))))
            cells.append(_status_text(str(row.get("status") or UNDEFINED)))
        table.add_row(*cells)
    return table


def _group_section(finding: Finding, console: Console) -> RenderableType | None:
    """The per-group tables of one ``bias.group_metrics`` finding, split to fit the console width."""
    ev: Mapping[str, Any] = finding.evidence
    groups = ev.get("groups")
    if not isinstance(groups, list):
        return None
    rows = [row for row in groups if isinstance(row, Mapping)]
    metrics = [m for m in ev.get("metrics", []) if isinstance(m, str)]
    feature = str(ev.get("feature", ", ".join(finding.groups) or "sensitive feature"))
    reference = ev.get("reference")

    def title(part: int) -> Text:
        text = Text.assemble(("Groups by ", "bold"), (feature, "bold"))
        if reference is not None:
            text.append(f"  (reference group: {reference})", style="dim")
        if part:
            text.append("  (continued)", style="dim")
        return text

    def laid_out(chunk: Sequence[str], last: bool) -> Table | None:
        """The table of ``chunk`` at its natural width, else compact, if either fits the console; else None."""
        # Measure against a very wide page: rich clamps measurements to the width it is given.
        unbounded = console.options.update_width(_UNBOUNDED_WIDTH)
        for compact in (False, True):
            table = _group_table(title(len(tables)), rows, chunk, last=last, compact=compact)
            if Measurement.get(console, unbounded, table).maximum <= console.width:
                return table
        return None

    # Greedily put as many metric columns in each table as the width allows (at least one each); the last
    # table also holds the impact ratio and status, alone if no metric fits beside them.
    tables: list[Table] = []
    remaining = list(metrics)
    while remaining and (final := laid_out(remaining, last=True)) is None:
        size, table = len(remaining) - 1, None
        while size >= 1 and (table := laid_out(remaining[:size], last=False)) is None:
            size -= 1
        size = max(size, 1)
        tables.append(table or _group_table(title(len(tables)), rows, remaining[:1], last=False, compact=True))
        remaining = remaining[size:]
    if not remaining:
        final = laid_out([], last=True) or _group_table(title(len(tables)), rows, [], last=True, compact=True)
    tables.append(final)

    notes = [
        Text.assemble(("  * ", "dim"), (str(row.get("group", UNDEFINED)), "bold"), f": {row['note']}")
        for row in rows
        if row.get("note")
    ]
    return Group(*tables, *notes)


def verdict_sentence(record: AuditRecord) -> str:
    """One plain-language sentence saying what the verdict means for releasing the system."""
    record = ensure_record(record)
    failed = [_check_label(f) for f in record.findings if f.status is Status.FAIL]
    errored = [_check_label(f) for f in record.findings if f.status is Status.ERROR]
    unjudged = [_check_label(f) for f in record.findings if f.status is Status.INCONCLUSIVE and not f.accepted]
    # an inconclusive gate the spec accepted counts as a warning, as in the verdict
    warned = [_check_label(f) for f in record.findings if f.status is Status.WARN
              or (f.status is Status.INCONCLUSIVE and f.accepted)]
    skipped = sum(1 for f in record.findings if f.status is Status.SKIPPED)
    passed = sum(1 for f in record.findings if f.status is Status.PASS)  # reported statistics pass no gate

    if record.verdict in (Verdict.FAIL, Verdict.ERROR, Verdict.INCONCLUSIVE):
        parts = []
        if failed:
            parts.append(f"{_plural(len(failed), 'gate', 'gates')} failed ({_listing(failed)})")
        if errored:
            parts.append(f"{_plural(len(errored), 'check', 'checks')} could not be completed ({_listing(errored)})")
        if unjudged:
            parts.append(f"{_plural(len(unjudged), 'gate', 'gates')} could not be judged on the evidence "
                         f"measured ({_listing(unjudged)})")
        if not parts:
            parts.append(f"The audit's verdict is {record.verdict.value}")
        fixes = [text for present, text in ((failed, "the failed gates are fixed"),
                                             (errored, "every check has run successfully"),
                                             (unjudged, "the undecided gates are judged on enough evidence "
                                                        "(or accepted in the spec with a justification)"))
                 if present]
        fix = ", ".join(fixes) if fixes else "the cause is found"
        return f"{' and '.join(parts)}: this system should not be released until {fix} and the audit is re-run."
    if record.verdict is Verdict.WARN:
        return (
            f"No gate failed, but {_plural(len(warned), 'check', 'checks')} raised a warning "
            f"({_listing(warned)}): the approver should review "
            f"{'it' if len(warned) == 1 else 'them'} before this system is released."
        )
    tail = f" ({_plural(skipped, 'check was', 'checks were')} skipped)" if skipped else ""
    if not passed and len(record.findings) > skipped:  # reported statistics only: nothing was gated
        return f"No gate was checked{tail}: nothing blocks the release, but no check passed either."
    return (
        f"All {_plural(passed, 'check', 'checks')} passed{tail}: "
        "this audit found nothing that blocks the release of this system."
    )


def _printable_record(record: AuditRecord) -> AuditRecord:
    """A copy whose text from the data cannot steer the terminal (control characters shown escaped)."""
    safe = printable_values(record.model_dump(mode="python"))
    return record if safe == record.model_dump(mode="python") else AuditRecord.model_validate(safe)


def render_summary(record: AuditRecord, console: Console | None = None) -> None:
    """Print a readable summary of ``record`` to ``console`` (a new stdout console by default).

    Sections: a header panel (audit, verdict, record id, time, model, responsible parties); a
    findings table; one table per sensitive feature from the ``bias.group_metrics`` findings, with
    intervals, where undefined numbers show as "—"; and a one-sentence plain-language verdict.

    Raises
    ------
    TypeError
        If ``record`` is not an :class:`AuditRecord`.
    """
    record = _printable_record(ensure_record(record))
    console = console if console is not None else Console()

    console.print(_header(record))
    if console.width < _NARROW:
        console.print(_findings_list(record.findings))
    else:
        console.print(_findings_table(record.findings))
    for finding in record.findings:
        if finding.check == GROUP_METRICS_CHECK:
            section = _group_section(finding, console)
            if section is not None:
                console.print(section)
                console.print()
    console.print(Text(verdict_sentence(record), style=VERDICT_STYLE[record.verdict]))
