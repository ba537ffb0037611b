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


def passing_findings(pack: Pack) -> list[Finding]:
    """One passing finding for every check the pack names (bias ones about an intersection)."""
    out = []
    for check in sorted(pack.check_ids):
        evidence = {"feature": "sex & race", "columns": ["sex", "race"]} if check.startswith("bias.") else {}
        out.append(Finding(auditor=check.split(".")[0], check=check, status=Status.PASS,
                           message=f"{check} passed.", evidence=evidence))
    return out
