"""Run auditors over a subject and assemble the accountability record.

An auditor that crashes yields an ``error`` finding naming the exception, and the other auditors
still run; bad input (a :class:`~govaudit.exceptions.InputDataError` or ``SpecError``) stops the run,
because no verdict on bad input is worth recording.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError

from govaudit.timings import phase
from govaudit._interrupt import is_interruption
from govaudit._version import __version__
from govaudit.core import AuditorResult, AuditSubject, Auditor, CaseTable, Finding, Severity, Status
from govaudit._auditor_parts import skipped_finding
from govaudit.exceptions import InputDataError, SpecError
from govaudit.disclosure import protect_findings
from govaudit.verdicts import AcceptedInconclusive, settle_findings
from govaudit.records import (
    ArtifactIdentity,
    AuditorInfo,
    AuditRecord,
    ResponsibleParties,
    capture_environment,
    coverage,
    verdict_of,
)
from govaudit.registry import AuditorRegistry
from govaudit.spec import format_validation_error

#: Told the name of each step of a run as it begins (e.g. to draw progress); never told anything from the data.
Progress = Callable[[str], None]

#: Groups smaller than this have only their size published, unless an auditor sets its own limit.
DEFAULT_SUPPRESS_BELOW = 10

__all__ = [
    "AuditorsRun",
    "Progress",
    "build_record",
    "instantiate_auditors",
    "run_auditor",
    "run_auditor_detailed",
    "run_auditors",
    "run_configured",
]


def _error(auditor: str, check: str, message: str, evidence: dict[str, Any] | None = None) -> Finding:
    return Finding(auditor=auditor, check=check, status=Status.ERROR, severity=Severity.HIGH,
                   message=message, evidence=evidence or {})


def run_auditor_detailed(
    auditor: Auditor, subject: AuditSubject, config: BaseModel | None = None
) -> AuditorResult:
    """Run one auditor and keep its case-level tables; see :func:`run_auditor`."""
    name = getattr(auditor, "name", type(auditor).__name__)
    missing = subject.missing(frozenset(getattr(auditor, "requires", ())))
    if missing:
        return AuditorResult((skipped_finding(name, missing),))
    try:
        result = auditor.run(subject, config)
    except (InputDataError, SpecError):
        raise
    except Exception as exc:  # a plug-in may raise anything; record it instead of dying
        if is_interruption(exc):  # Ctrl-C inside a library (DuckDB, pyarrow): stop, as for KeyboardInterrupt
            raise KeyboardInterrupt from exc
        return AuditorResult((_error(name, f"{name}.run", f"The {name} auditor crashed: {type(exc).__name__}: {exc}",
                                     {"exception": type(exc).__name__}),))
    tables: tuple[CaseTable, ...] = ()
    if isinstance(result, AuditorResult):
        result, tables = result.findings, tuple(result.case_tables)
    if not isinstance(result, (list, tuple)) or not all(isinstance(f, Finding) for f in result):
        return AuditorResult((_error(name, f"{name}.contract",
                                     f"The {name} auditor returned {type(result).__name__}, not a list of findings."),))
    if not all(isinstance(t, CaseTable) for t in tables):
        return AuditorResult((_error(name, f"{name}.contract",
                                     f"The {name} auditor returned case tables that are not CaseTable objects."),))
    return AuditorResult(tuple(result), tables)


def run_auditor(auditor: Auditor, subject: AuditSubject, config: BaseModel | None = None) -> list[Finding]:
    """Run one auditor; missing requirements give a ``skipped`` finding, a crash an ``error`` finding."""
    return list(run_auditor_detailed(auditor, subject, config).findings)


def run_auditors(
    subject: AuditSubject,
    auditors: Sequence[tuple[Auditor, BaseModel | None]],
    *,
    case_tables: list[CaseTable] | None = None,
    progress: Progress | None = None,
) -> list[Finding]:
    """Run each auditor in turn and concatenate their findings.

    Case-level tables the auditors return are appended to ``case_tables`` when it is given;
    ``progress`` is told each auditor as it starts.
    """
    findings: list[Finding] = []
    for i, (auditor, config) in enumerate(auditors, start=1):
        if progress is not None:
            progress(f"Running the {getattr(auditor, 'name', type(auditor).__name__)} auditor ({i} of {len(auditors)})")
        with phase(f"auditor {getattr(auditor, 'name', type(auditor).__name__)}"):
            result = run_auditor_detailed(auditor, subject, config)
        findings.extend(result.findings)
        if case_tables is not None:
            case_tables.extend(result.case_tables)
    return findings


def instantiate_auditors(
    auditors: Mapping[str, Any] | Sequence[str] | None, registry: AuditorRegistry, *, source: str = "audit()"
) -> list[tuple[Auditor, BaseModel, str]]:
    """Each auditor named, configured and created: (auditor, its validated config, the package that supplied it).

    ``auditors`` maps names to settings (a mapping, or the auditor's ``Config``), or lists names run
    with their defaults; ``None`` runs the bias auditor.

    Raises
    ------
    AuditorError
        A name is not installed, or its plug-in failed to load.
    SpecError
        A setting is unknown or of the wrong type (named as ``auditors.<name>.<key>`` under ``source``).
    """
    if auditors is None:
        auditors = {"bias": {}}
    if not isinstance(auditors, Mapping):
        auditors = {name: {} for name in auditors}
    chosen = []
    for name, settings in auditors.items():
        entry = registry.get(name)
        try:
            config = entry.configure(settings)
        except ValidationError as exc:
            raise SpecError(format_validation_error(exc, source, prefix=("auditors", name))) from None
        chosen.append((registry.create(name, config), config, entry.package))
    return chosen


@dataclass(frozen=True)
class AuditorsRun:
    """What the chosen auditors found, which auditors they were, and their case-level tables.

    Attributes
    ----------
    findings : list of Finding
        Every auditor's findings, in the order the auditors ran.
    auditors : list of (Auditor, str)
        Each auditor and the package that supplied it, as :func:`build_record` takes them.
    case_tables : list of CaseTable
        Case-level outputs, for the record object only (never serialised).
    """

    findings: list[Finding]
    auditors: list[tuple[Auditor, str]]
    case_tables: list[CaseTable]


def run_configured(
    subject: AuditSubject, auditors: Mapping[str, Any] | Sequence[str] | None, registry: AuditorRegistry,
    *, accepted: Sequence[AcceptedInconclusive] = (), progress: Progress | None = None,
) -> AuditorsRun:
    """Instantiate the auditors named (see :func:`instantiate_auditors`) and run each over ``subject``.

    The findings are settled (:func:`govaudit.verdicts.settle_findings`): an asked-for auditor that
    could not run is inconclusive, significance-gated findings are judged together across the audit,
    and ``accepted`` inconclusive gates carry their justification. ``progress`` is told each auditor
    as it starts.
    """
    chosen = instantiate_auditors(auditors, registry)
    case_tables: list[CaseTable] = []
    findings = run_auditors(subject, [(a, c) for a, c, _ in chosen], case_tables=case_tables, progress=progress)
    return AuditorsRun(settle_findings(findings, accepted), [(a, p) for a, _, p in chosen], case_tables)


def _suppression_threshold(infos: Sequence[AuditorInfo]) -> int:
    """The strictest ``suppress_below`` among the auditors that ran (10 when none sets one)."""
    limits = [int(i.config["suppress_below"]) for i in infos if isinstance(i.config.get("suppress_below"), int)]
    return max(limits, default=DEFAULT_SUPPRESS_BELOW)


def build_record(
    *,
    audit_name: str,
    findings: Sequence[Finding],
    auditors: Sequence[tuple[Auditor, str]],
    description: str | None = None,
    spec_sha256: str | None = None,
    model: ArtifactIdentity | None = None,
    data: Sequence[ArtifactIdentity] = (),
    responsible: ResponsibleParties | None = None,
    case_tables: Sequence[CaseTable] = (),
    coverage_matrix: Any = None,
) -> AuditRecord:
    """Assemble the :class:`AuditRecord` of a run.

    Parameters
    ----------
    auditors : sequence of (auditor, package)
        The auditors that ran and the package that supplied each.
    case_tables : sequence of CaseTable
        Case-level outputs; attached to the record object (``record.case_tables``) but never
        serialised with it.
    """
    infos = []
    for auditor, package in auditors:
        try:
            params = auditor.get_params()
        except (AttributeError, ValidationError):
            params = {}
        infos.append(AuditorInfo(name=auditor.name, version=str(auditor.version), package=package, config=params))
    # every published table of the record is protected together: one table's margins expose another's cells
    findings, disclosure = protect_findings(findings, threshold=_suppression_threshold(infos))
    principles, references = coverage(tuple(findings))
    record = AuditRecord(
        audit_name=audit_name,
        description=description,
        govaudit_version=__version__,
        auditors=tuple(infos),
        environment=capture_environment(),
        spec_sha256=spec_sha256,
        model=model,
        data=tuple(data),
        findings=tuple(findings),
        verdict=verdict_of(tuple(findings)),
        responsible=responsible or ResponsibleParties(),
        principles=principles,
        references=references,
        coverage_matrix=coverage_matrix,
        disclosure_control=disclosure,
    )
    record.attach_case_tables(case_tables)
    return record
