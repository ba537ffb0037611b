"""``govaudit run SPEC``: run an audit spec, write its record and reports, append it to a ledger."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from govaudit.cli._outcome import show_outcome
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
    details: Annotated[bool, typer.Option("--details", help="Also print every finding and the per-group tables.")] = False,
    no_progress: Annotated[bool, typer.Option("--no-progress", help="Draw no progress on the terminal (never drawn in pipes or CI).")] = False,
    timings: Annotated[bool, typer.Option("--timings", help="After the run, print the time of each phase (on stderr).")] = False,
) -> None:
    """Run an audit spec, write its record, and exit 0 (pass), 1 (gate failed) or 2 (bad input)."""
    from govaudit.timings import collect, phase

    with collect() as spent:
        try:
            record, written, position = _run(spec, junit, html, out, strict, ledger, signing_key,
                                             progress=not (quiet or no_progress), phase=phase)
        finally:
            if timings:
                for line in spent.lines():
                    typer.echo(f"time: {line}", err=True)
    if json_out:
        from govaudit.report import render_json

        typer.echo(render_json(record))
    elif not quiet:
        show_outcome(record, written, position, details=details, strict=strict)
    raise typer.Exit(exit_code(record, strict=strict))


def _run(spec: Path, junit: Optional[Path], html: Optional[Path], out: Optional[Path], strict: bool,
         ledger: Optional[Path], signing_key: Optional[Path], *, progress: bool, phase: Any) -> tuple[Any, dict, Any]:
    """Run the spec, write the reports and append to the ledger; return the record, what was written and where."""
    with phase("imports"):
        from govaudit.api import run_plan
        from govaudit.cli._progress import progress_console, run_progress
        from govaudit.records import prepare_ledger
        from govaudit.report import check_output_paths, report_paths, write_html, write_reports
        from govaudit.spec import load_spec

    with phase("loading the spec"):
        plan = load_spec(spec)
    out_dir = out if out is not None else plan.output_dir
    case_files = plan.spec.output.case_files
    target = prepare_ledger(plan, out_dir, ledger, signing_key)  # key and ledger checked before anything is written
    others = {"html": html, "ledger": target.path if target is not None else None}
    check_output_paths({**report_paths(out_dir, junit=junit), **others})  # before the run, which may take long
    with run_progress(progress_console(enabled=progress)) as step:
        record = run_plan(plan, progress=step)
        cases = [table.name for table in record.case_tables] if case_files else []
        check_output_paths({**report_paths(out_dir, junit=junit, case_tables=cases), **others})  # and the case files
        step("Writing the reports")
        with phase("reports"):
            written = write_reports(record, out_dir, junit=junit, case_files=case_files, strict=strict)
        position = None
        if target is not None:  # the one step a rerun cannot overwrite, so after every report it can
            step("Appending to the ledger")
            with phase("ledger append"):
                entry = target.append(record)
            written[f"ledger entry {entry.seq}"] = target.path
            position = {"ledger": str(target.path), "entry": entry.seq, "entry_hash": entry.entry_hash}
        if html is not None:
            # After the append, because the page shows the entry's position. Safe: its path was checked
            # with the others before anything was written, and the page is rendered in memory and then
            # written atomically; what can still fail it (the disk filling up since) leaves no half page.
            step("Writing the HTML report")
            with phase("reports"):
                written["html"] = write_html(record, html, ledger=position)
    return record, written, position
