"""Small builders for the profile tests: a hand-counted LL144 table, full documentation, synthetic findings."""

from __future__ import annotations

import typing
from datetime import date, timedelta
from textwrap import dedent
from typing import Any

import pandas as pd

from govaudit.core import Finding, Status
from govaudit.profiles import Pack

AS_OF = date(2026, 3, 2)

#: (sex, race, applicants, selected): two unknown cells (missing values) and one race under 2% (native).
LL144_CELLS = [
    ("female", "white", 100, 50), ("female", "black", 80, 30), ("female", "asian", 60, 33),
    ("male", "white", 120, 72), ("male", "black", 70, 28), ("male", "asian", 50, 30),
    (None, "white", 10, 4), ("female", None, 6, 2), ("male", "native", 5, 3),
]


def ll144_table() -> pd.DataFrame:
    rows = []
    for sex, race, n, selected in LL144_CELLS:
        rows += [{"sex": sex, "race": race, "selected": int(i < selected)} for i in range(n)]
    frame = pd.DataFrame(rows)
    frame.insert(0, "applicant", [f"P{i:04d}" for i in range(len(frame))])
    return frame


def ll144_spec(*, profiles: str = '["nyc-ll144"]', bias: str = 'intersections = [["sex", "race"]]',
               documentation: str | None = None, extra: str = "") -> str:
    doc = documentation if documentation is not None else FULL_LL144_DOC
    return dedent(f"""
        profiles = {profiles}
        {extra}
        [audit]
        name = "hiring_screen"

        [responsible]
        owner = "City Personnel Office"
        auditor = "Independent Audit LLP"

        [data]
        path = "applicants.csv"
        prediction = "selected"
        sensitive_features = ["sex", "race"]

        [output]
        dir = "reports"

        [auditors.bias]
        {bias}
        min_group_size = 1
        suppress_below = 0
        n_resamples = 0
        """) + doc


FULL_LL144_DOC = dedent(f"""
    [documentation]
    data_source = "Historical applicants to the city's entry-level posts, 2025; the tool's own selections."
    distribution_date = 2025-06-01
    website = "https://example.gov/hiring/aedt"
    independent_reviewer = "Independent Audit LLP"
    conflict_of_interest_statement = "No financial or employment interest in the vendor or the city."
    audit_date = {date.today().isoformat()}
    """)


def _base_types(annotation: Any) -> set[Any]:
    origin = typing.get_origin(annotation)
    found = {origin} if origin in (tuple,) else set()
    if origin is None:
        return {annotation}
    for arg in typing.get_args(annotation):
        found |= _base_types(arg) if not isinstance(arg, (int, str)) else set()
    return found


def full_documentation(level: int = 4) -> dict[str, Any]:
    """A valid value for every documentation field, with dates that keep every time rule."""
    raw = {4: 80.0, 3: 60.0, 2: 40.0, 1: 10.0}[level]
    doc: dict[str, Any] = {}
    from govaudit.profiles import Documentation

    for name, info in Documentation.model_fields.items():
        kinds = _base_types(info.annotation)
        if bool in kinds:
            doc[name] = True
        elif int in kinds:
            doc[name] = 200
        elif tuple in kinds:
            doc[name] = [date(2026, 1, 1)] if date in kinds else ["Dr A. Expert", "Dr B. Reviewer"]
        elif date in kinds:
            doc[name] = AS_OF - timedelta(days=30)
        elif str in kinds:
            doc[name] = f"Declared {name.replace('_', ' ')}."
        else:  # the impact assessment
            doc[name] = {"raw_score": raw, "max_raw_score": 100.0}
    doc.update(launch_date=date(2026, 1, 5), filing_date=date(2026, 1, 16),
               change_date=date(2026, 2, 2), change_filing_date=date(2026, 2, 4),
               logs_kept_since=AS_OF - timedelta(days=400), distribution_date=AS_OF - timedelta(days=500))
    return doc


#: A plausible value for each evidence key a pack's rules ask findings to state.
_KEY_VALUES: dict[str, Any] = {"unknown_count": 0, "test": {"method": "two-proportion z", "p_value": 0.41}}


def _breakdowns(pack: Pack, check: str) -> list[tuple[str, ...]]:
    """Breakdowns that satisfy every rule the pack gives ``check``: each feature alone and each intersection."""
    first = {name: concept.columns[0] for name, concept in pack.features.items()}
    out: list[tuple[str, ...]] = [("sex", "race"), ("sex",)] if check.startswith("bias.") else [()]
    for req in pack.requirements:
        rule = req.rule(check)
        out += [(first[n],) for n in rule.features]
        if rule.intersection:
            out.append(tuple(first[n] for n in rule.intersection))
        if rule.intersection_with:
            out.append(tuple(first[n] for n in rule.intersection_with) + ("other_feature",))
    return list(dict.fromkeys(out))


def finding_by(check: str, columns: tuple[str, ...] = (), status: Status = Status.PASS, **evidence: Any) -> Finding:
    """A finding of ``check`` about ``columns`` (a feature, or an intersection when there are several)."""
    if columns:
        evidence = {"feature": " & ".join(columns), "columns": list(columns), **evidence}
    return Finding(auditor=check.split(".")[0], check=check, status=status, message=f"{check} {status.value}.",
                   evidence=evidence)


def passing_findings(pack: Pack) -> list[Finding]:
    """Passing findings that give every piece of evidence the pack's rules name, for every check it names.

    A bias check gets one finding by sex, one about the intersection of sex and race, and one per
    feature and intersection its rules ask for; each finding states the evidence keys the rules ask for.
    """
    out = []
    for check in sorted(pack.check_ids):
        keys = {k for req in pack.requirements for k in req.rule(check).keys}
        evidence = {k: _KEY_VALUES.get(k, 0) for k in sorted(keys)}
        out += [finding_by(check, columns, **evidence) for columns in _breakdowns(pack, check)]
    return out
