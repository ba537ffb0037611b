"""Judge each requirement of each profile against a run's findings, documentation and dates.

A requirement is ``met`` only when every piece of evidence it names is present. The rule, per
requirement that applies:

* ``not met``: a named check has a ``fail`` or ``error`` finding, a named documentation field is
  invalid (or a yes/no field says no, or lists too few entries), or a time rule is broken;
* otherwise ``no evidence``, naming exactly what is missing:

  - a named check has no live finding (none, or only ``skipped`` ones: its auditor did not run,
    lacked inputs, or its gate is not configured);
  - a named check has an ``inconclusive`` finding the spec did not accept: it could not be judged;
  - the check's evidence rule (see :class:`~govaudit.profiles._pack.EvidenceRule`) is not satisfied
    by the findings that count: fewer than ``min_findings``, no finding by one of its ``features``
    alone ("no bias.group_metrics finding by race/ethnicity ...; the audited features are sex,
    age_band"), none for the ``intersection`` it names, none stating its ``keys``. A finding counts
    when its status is among the rule's ``statuses`` (``pass``, ``warn``, ``reported`` and accepted
    ``inconclusive`` by default) and it states the rule's keys;
  - a named document is missing, or a time rule lacks a date;
* otherwise ``met``. ``warn`` findings and ``inconclusive`` findings the spec accepted (with a written
  justification, ``Finding.accepted``) keep it ``met`` but are named in the reason ("met, with
  warnings: ...; with accepted inconclusive gates: ..."), since neither blocks a release.

A requirement whose ``applies_when`` does not hold for the spec's parameters is ``not applicable``,
with the pack's reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from govaudit.core import Finding
from govaudit.profiles._aia_level import DECLARED, LEVEL
from govaudit.profiles._documentation import ImpactAssessment, impact_level
from govaudit.profiles._evidence import Features, Tally, judge_check
from govaudit.profiles._matrix import CoverageMatrix, EvidenceItem, ProfileCoverage, RequirementCoverage
from govaudit.profiles._pack import Pack, PackRequirement
from govaudit.profiles._timing import check_time_rule

__all__ = ["coverage_for_plan", "coverage_matrix", "judge_requirement", "recompute"]


def _documents(req: PackRequirement, documentation: dict[str, Any], invalid: dict[str, str],
               parameters: dict[str, Any], tally: Tally) -> None:
    for name in req.documentation:
        if name in invalid:
            tally.evidence.append(EvidenceItem(kind="documentation", name=name, status="invalid",
                                               detail=invalid[name]))
            tally.problems.append(f"documentation field {name} is invalid: {invalid[name]}")
            continue
        if name not in documentation:
            tally.evidence.append(EvidenceItem(kind="documentation", name=name, status="missing"))
            tally.gaps.append(f"documentation field {name} is not declared")
            continue
        value = documentation[name]
        status, detail = "present", None
        if value is False:
            status = "no"
            tally.problems.append(f"documentation field {name} declares no")
        elif name in req.min_items and len(value) < req.min_items[name]:
            status, detail = "too few", f"{len(value)} given, at least {req.min_items[name]} required"
            tally.problems.append(f"documentation field {name}: {detail}")
        elif name == "impact_assessment":
            status, detail = _impact(value, parameters, tally)
        tally.evidence.append(EvidenceItem(kind="documentation", name=name, status=status, detail=detail))


def _impact(value: Any, parameters: dict[str, Any], tally: Tally) -> tuple[str, str]:
    """The AIA scores against the level in force, and the level the spec declared against the AIA answers."""
    level = impact_level(ImpactAssessment.model_validate(value))
    in_force = parameters.get(LEVEL)
    declared = parameters.get(DECLARED)
    detail = f"the AIA scores give impact level {level}"
    status = "present"
    if in_force is not None and level > in_force:
        status = "understated"
        # with AIA answers given, the level in force is the one computed from them, not the spec's
        source = "the level the AIA answers give" if declared is not None else "the declared level"
        tally.problems.append(f"the AIA scores give impact level {level}, above {source} {in_force}")
    if declared is not None and declared != level:
        # the higher of the two is in force: a lower computed level never lightens the obligations
        status = "mismatch"
        detail += f"; the spec declares level {declared}, the AIA answers give level {level}"
        tally.problems.append(f"the spec declares impact level {declared}, but the AIA answers give level "
                              f"{level} (the obligations of level {in_force} apply)")
    return status, detail


def judge_requirement(
    pack: Pack,
    req: PackRequirement,
    findings: Sequence[Finding],
    *,
    documentation: dict[str, Any],
    invalid: dict[str, str],
    parameters: dict[str, Any],
    as_of: date,
    run_date: date,
    auditors_run: frozenset[str] | None = None,
    settings: dict[str, Any] | None = None,
) -> RequirementCoverage:
    """The status of one requirement, with the evidence behind it (see the module docstring for the rule)."""
    base = {"id": req.id, "summary": req.summary, "reference": req.reference}
    if not pack.applies(req, parameters):
        return RequirementCoverage(**base, status="not applicable", reason=req.not_applicable_reason or "")
    tally = Tally()
    features = Features(pack, parameters)
    for check in req.checks:
        judge_check(check, req.rule(check), findings, features, auditors_run, tally)
    _documents(req, documentation, invalid, parameters, tally)
    for rule in req.time_rules:
        result = check_time_rule(rule, documentation, today=as_of, run_date=run_date)
        status = "missing" if result.ok is None else "ok" if result.ok else "late"
        tally.evidence.append(EvidenceItem(kind="time_rule", name=rule, status=status, detail=result.message))
        if result.ok is None:
            tally.gaps.append(result.message)
        elif not result.ok:
            tally.problems.append(result.message)
    for setting in req.thresholds:
        if settings and setting in settings:
            tally.evidence.append(EvidenceItem(kind="setting", name=setting, status="applied",
                                               detail=repr(settings[setting])))
    evidence = tuple(tally.evidence)
    if tally.problems:
        return RequirementCoverage(**base, status="not met", reason="; ".join(tally.problems), evidence=evidence)
    if tally.gaps:
        return RequirementCoverage(**base, status="no evidence", reason="; ".join(tally.gaps), evidence=evidence)
    qualified = ([f"with warnings: {'; '.join(tally.warnings)}"] if tally.warnings else []) + (
        [f"with accepted inconclusive gates: {'; '.join(tally.accepted)}"] if tally.accepted else [])
    reason = ("met, " + "; ".join(qualified) if qualified
              else "every piece of evidence the requirement names is present")
    return RequirementCoverage(**base, status="met", reason=reason, evidence=evidence)


def coverage_matrix(
    packs: Sequence[Pack],
    findings: Sequence[Finding],
    *,
    parameters: dict[str, Any] | None = None,
    documentation: dict[str, Any] | None = None,
    documentation_invalid: dict[str, str] | None = None,
    as_of: date | None = None,
    run_date: date | None = None,
    auditors_run: Sequence[str] | None = None,
    settings: dict[str, Any] | None = None,
    loosened: Sequence[Any] = (),
) -> CoverageMatrix:
    """Build the coverage matrix of ``packs`` for a run's findings.

    Parameters
    ----------
    packs : sequence of Pack
        The rule packs (see :func:`govaudit.profiles.load_pack`).
    findings : sequence of Finding
        The run's findings.
    parameters : dict, optional
        Profile parameters (e.g. ``{"canada_impact_level": 3}``).
    documentation, documentation_invalid : dict, optional
        Valid documentation values and invalid fields (from :func:`check_documentation`).
    as_of : date, optional
        Date the time rules are judged against (default: ``run_date``, itself default today).
    auditors_run : sequence of str, optional
        Auditors that ran, so that a missing one is named in the reason.

    Returns
    -------
    CoverageMatrix
    """
    run_date = run_date or date.today()
    as_of = as_of or run_date
    parameters = dict(parameters or {})
    documentation = dict(documentation or {})
    invalid = dict(documentation_invalid or {})
    ran = frozenset(auditors_run) if auditors_run is not None else None
    profiles = []
    for pack in packs:
        rows = tuple(judge_requirement(pack, req, findings, documentation=documentation, invalid=invalid,
                                       parameters=parameters, as_of=as_of, run_date=run_date, auditors_run=ran,
                                       settings=settings)
                     for req in pack.requirements)
        counts = {s: sum(r.status == s for r in rows) for s in ("met", "not met", "no evidence", "not applicable")}
        used = {k: v for k, v in parameters.items() if k in pack.parameters}
        profiles.append(ProfileCoverage(name=pack.name, title=pack.title, source=pack.source, version=pack.version,
                                        effective_date=pack.effective_date, parameters=used, counts=counts,
                                        requirements=rows))
    return CoverageMatrix(as_of=as_of, profiles=tuple(profiles), documentation=documentation,
                          documentation_invalid=invalid, loosened=tuple(loosened))


def coverage_for_plan(profiles: Any, findings: Sequence[Finding], *, auditors_run: Sequence[str],
                      decision_log: Any = None, run_date: date | None = None) -> CoverageMatrix | None:
    """The coverage matrix of a spec's profiles (a :class:`ProfilePlan`), or None when it names none.

    When the spec declares no ``logs_kept_since`` but the run read a decision log with a
    ``decided_at`` column, the log's earliest decision date is used for the retention rule.
    """
    if profiles is None or not profiles.packs:
        return None
    documentation = dict(profiles.documentation)
    if "logs_kept_since" not in documentation and decision_log is not None and "decided_at" in decision_log:
        import pandas as pd

        first = pd.to_datetime(decision_log["decided_at"], errors="coerce", utc=True).min()
        if pd.notna(first):
            documentation["logs_kept_since"] = first.date().isoformat()
    return coverage_matrix(profiles.packs, findings, parameters=profiles.parameters, documentation=documentation,
                           documentation_invalid=profiles.documentation_invalid, run_date=run_date,
                           auditors_run=auditors_run, settings=profiles.settings, loosened=profiles.loosened)


def recompute(record: Any, *, as_of: date) -> CoverageMatrix | None:
    """A record's coverage matrix judged again on another date (time rules change; findings do not)."""
    from govaudit.profiles._load import load_pack

    matrix = record.coverage_matrix
    if matrix is None:
        return None
    parameters: dict[str, Any] = {}
    for profile in matrix.profiles:
        parameters.update(profile.parameters)
    return coverage_matrix([load_pack(p.name) for p in matrix.profiles], record.findings, parameters=parameters,
                           documentation=matrix.documentation, documentation_invalid=matrix.documentation_invalid,
                           as_of=as_of, run_date=record.created_at.date(),
                           auditors_run=[a.name for a in record.auditors], loosened=matrix.loosened)
