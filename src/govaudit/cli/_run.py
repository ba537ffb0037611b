"""``govaudit run SPEC``: run an audit spec, write its record and reports, append it to a ledger."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Optional

import typer
from rich.console import Console

from govaudit.cli._app import say
from govaudit.gate import exit_code

__all__ = ["run"]


def run(
    spec: Annotated[Path, typer.Argument(help="Audit spec (TOML).")],
    junit: Annotated[Optional[Path], typer.Option(help="Also write JUnit XML, one test case per finding.")] = None,
    html: Annotated[Optional[Path], typer.Option(help="Also write a self-contained HTML report to this file.")] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print the record as JSON instead of the summary.")] = False,
    out: Annotated[Optional[Path], typer.Option(help="Report folder (default: the spec's [output] dir).")] = None,
    strict: Annotated[bool, typer.Option(help="Treat warnings as failures.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing but errors.")] = False,
    ledger: Annotated[Optional[Path], typer.Option(help="Append the record to this ledger (default: the spec's [output] ledger).")] = None,
    signing_key: Annotated[Optional[Path], typer.Option(help="Key signing the ledger entry (else $GOVAUDIT_SIGNING_KEY, else [output] signing_key).")] = None,
    timings: Annotated[bool, typer.Option("--timings", help="After the run, print the time of each phase (on stderr).")] = False,
) -> None:
    """Run an audit spec, write its record, and exit 0 (pass), 1 (gate failed) or 2 (bad input)."""
    from govaudit.timings import collect, phase

    with collect() as spent:
        try:
            _run(spec, junit, html, json_out, out, strict, quiet, ledger, signing_key, phase)
        finally:
            if timings:
                for line in spent.lines():
                    typer.echo(f"time: {line}", err=True)


def _run(spec: Path, junit: Optional[Path], html: Optional[Path], json_out: bool, out: Optional[Path], strict: bool,
         quiet: bool, ledger: Optional[Path], signing_key: Optional[Path], phase: Any) -> None:
    with phase("imports"):
        from govaudit.api import run_plan
        from govaudit.records import prepare_ledger
        from govaudit.report import (check_output_paths, render_json, render_summary, report_paths, write_html,
                                     write_reports)
        from govaudit.spec import load_spec

    with phase("loading the spec"):
        plan = load_spec(spec)
    out_dir = out if out is not None else plan.output_dir
    case_files = plan.spec.output.case_files
    target = prepare_ledger(plan, out_dir, ledger, signing_key)  # key and ledger checked before anything is written
    others = {"html": html, "ledger": target.path if target is not None else None}
    check_output_paths({**report_paths(out_dir, junit=junit), **others})  # before the run, which may take long
    record = run_plan(plan)
    cases = [table.name for table in record.case_tables] if case_files else []
    check_output_paths({**report_paths(out_dir, junit=junit, case_tables=cases), **others})  # and the case files
    with phase("reports"):
        written = write_reports(record, out_dir, junit=junit, case_files=case_files, strict=strict)
    position = None
    if target is not None:  # the one step a rerun cannot overwrite, so after every report it can
        with phase("ledger append"):
            entry = target.append(record)
        written[f"ledger entry {entry.seq}"] = target.path
        position = {"ledger": str(target.path), "entry": entry.seq, "entry_hash": entry.entry_hash}
    if html is not None:
        # After the append, because the page shows the entry's position. Safe: its path was checked
        # with the others before anything was written, and the page is rendered in memory and then
        # written atomically; what can still fail it (the disk filling up since) leaves no half page.
        with phase("reports"):
            written["html"] = write_html(record, html, ledger=position)
    if json_out:
        typer.echo(render_json(record))
    elif not quiet:
        render_summary(record, Console(highlight=False))
        for kind, path in written.items():
            say(f"{kind}: {path}")
    raise typer.Exit(exit_code(record, strict=strict))
