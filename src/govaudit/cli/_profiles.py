"""``govaudit coverage``, ``govaudit export`` and ``govaudit profiles``: rule packs on the command line."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer
from rich.console import Console
from rich.table import Table

from govaudit.cli._app import emit
from govaudit.exceptions import InputDataError
from govaudit.report._printable import printable

if TYPE_CHECKING:
    from govaudit.profiles import CoverageMatrix
    from govaudit.profiles._pack import EvidenceRule, Pack
    from govaudit.records import AuditRecord

__all__ = ["coverage", "export", "profiles_app"]

_MSG_NO_MATRIX = ("{path}: the record has no coverage matrix; name profiles in the spec "
                  "(profiles = [\"nyc-ll144\"]) and run it again")
_MSG_DATE = "--as-of must be a date like 2026-01-31; got {value!r}"

profiles_app = typer.Typer(help="The rule packs govaudit ships (policy profiles).", no_args_is_help=True,
                           rich_markup_mode=None)
_STYLE = {"met": "green", "not met": "red", "no evidence": "yellow", "not applicable": "dim"}


def coverage(
    record_path: Annotated[Path, typer.Argument(metavar="RECORD", help="A record.json written by 'govaudit run'.")],
    as_of: Annotated[Optional[str], typer.Option(help="Judge the time rules on this date (YYYY-MM-DD) instead of the run's.")] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print the matrix as JSON.")] = False,
) -> None:
    """Print a record's coverage matrix: each requirement's status and the evidence behind it."""
    from govaudit.profiles._coverage import recompute
    from govaudit.records import load_record_file

    record, _ = load_record_file(record_path)
    matrix = record.coverage_matrix
    if matrix is None:
        raise InputDataError(_MSG_NO_MATRIX.format(path=record_path))
    if as_of is not None:
        try:
            matrix = recompute(record, as_of=date.fromisoformat(as_of))
        except ValueError:
            raise InputDataError(_MSG_DATE.format(value=as_of)) from None
    if json_out:
        typer.echo(matrix.model_dump_json(indent=2))
    else:
        _print_matrix(record, matrix)


def _print_matrix(record: AuditRecord, matrix: CoverageMatrix) -> None:
    console = Console(highlight=False, soft_wrap=True)

    def show(text: str, **style: str) -> None:  # names, reasons and justifications come from the record
        console.print(printable(text), markup=False, **style)

    show(f"Coverage of {record.audit_name} (record {record.record_id}), time rules as of {matrix.as_of}")
    for profile in matrix.profiles:
        params = ", ".join(f"{k} = {v}" for k, v in profile.parameters.items())
        show(f"\n{profile.title} [{profile.name}, {profile.version}]" + (f" ({params})" if params else ""),
             style="bold")
        for row in profile.requirements:
            console.print(f"  [{_STYLE[row.status]}]{row.status:<14}[/] ", end="")
            show(f"{row.id}: {row.reason}")
            evidence = ", ".join(dict.fromkeys(f"{e.name} ({e.status})" for e in row.evidence))
            if evidence:
                show(f"                  evidence: {evidence}", style="dim")
        show("  " + ", ".join(f"{k}: {v}" for k, v in profile.counts.items()))
    for loose in matrix.loosened:
        show(f"loosened {loose.setting} ({loose.profile}: {loose.default!r} -> {loose.value!r}): {loose.justification}")
    show(matrix.note)


def export(
    kind: Annotated[str, typer.Argument(help="ll144-summary, atrs, china-filing or annex-iv.")],
    record_path: Annotated[Path, typer.Argument(metavar="RECORD", help="A record.json written by 'govaudit run'.")],
    spec: Annotated[Optional[Path], typer.Option(help="The audit spec, for documentation fields the record lacks.")] = None,
    out: Annotated[Optional[Path], typer.Option(help="Write to this file instead of the terminal.")] = None,
) -> None:
    """Write a document an oversight body publishes, filled from the record (and spec)."""
    from govaudit.profiles import export as build
    from govaudit.records import load_record_file
    from govaudit.spec import load_spec

    record, _ = load_record_file(record_path)
    plan = load_spec(spec) if spec is not None else None
    emit(build(kind, record, plan), out)


@profiles_app.command("list")
def list_profiles() -> None:
    """List the shipped rule packs with their source, version and effective date."""
    from govaudit.profiles import list_packs, load_pack

    table = Table(title="govaudit profiles")
    for column in ("name", "title", "version", "effective", "requirements"):
        table.add_column(column, overflow="fold")
    for name in list_packs():
        pack = load_pack(name)
        table.add_row(pack.name, pack.title, pack.version, pack.effective_date.isoformat(), str(len(pack.requirements)))
    Console(highlight=False).print(table)


@profiles_app.command("show")
def show_profile(name: Annotated[str, typer.Argument(help="A pack name from 'govaudit profiles list'.")]) -> None:
    """Show one rule pack: source, parameters, defaults, and each requirement with its evidence."""
    from govaudit.profiles import load_pack

    pack = load_pack(name)
    console = Console(highlight=False, soft_wrap=True)
    console.print(f"{pack.title}\nsource: {pack.source}\nversion: {pack.version}; effective {pack.effective_date}",
                  markup=False)
    if pack.url:
        console.print(f"url: {pack.url}", markup=False)
    if pack.status_note:
        console.print(f"note: {pack.status_note}", markup=False)
    for pname, param in pack.parameters.items():
        console.print(f"parameter {pname}: {param.description}", markup=False)
    for d in pack.defaults:
        console.print(f"default {d.setting} = {d.value!r} (tighter: {d.tighter}; {d.why})", markup=False)
    for r in pack.requirements:
        console.print(f"\n{r.id}  ({r.reference})\n  {r.summary}", markup=False)
        for label, items in (("checks", r.checks), ("documentation", r.documentation), ("time rules", r.time_rules),
                             ("inputs", r.inputs)):
            if items:
                console.print(f"  {label}: {', '.join(items)}", markup=False)
        for check, rule in r.evidence.items():
            console.print(f"  evidence from {check}: {_rule_text(rule, pack)}", markup=False)
        if r.applies_when:
            when = ", ".join(f"{k} in {list(v)}" for k, v in r.applies_when.items())
            console.print(f"  applies when {when}; otherwise: {r.not_applicable_reason}", markup=False)


def _rule_text(rule: EvidenceRule, pack: Pack) -> str:
    """An evidence rule in words: how many findings of which statuses, stating what, broken down how."""
    def named(features: tuple[str, ...]) -> str:
        return " × ".join(pack.features[f].label if f in pack.features else f for f in features)

    parts = [f"at least {rule.min_findings} finding(s) with status {' or '.join(rule.statuses)}"]
    if rule.keys:
        parts.append(f"stating {', '.join(rule.keys)}")
    if rule.features:
        parts.append("one by each of " + ", ".join(named((f,)) for f in rule.features))
    if rule.intersection:
        parts.append(f"one by the intersection {named(rule.intersection)}")
    if rule.intersection_with:
        parts.append(f"one by an intersection including {named(rule.intersection_with)}")
    if rule.intersectional:
        parts.append("one by an intersection of two or more features")
    return "; ".join(parts)
