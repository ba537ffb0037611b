"""The format's rules checked in the engine holding the log, with the in-memory validation's messages.

The columns are checked on the schema. Each per-case rule is an engine condition (true for the
cases that break it) that becomes one bit of the grouping pass's packed flags, so a valid log costs
no extra pass; when a bit is set, another small query names a case that broke the rule. Case ids
are checked unique by grouping on them in the engine (which spills), and coded columns and the
reviewer roster on the grouped table's distinct values.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import narwhals as nw
import numpy as np
import pandas as pd

from govaudit.backends import COUNT, collect
from govaudit.exceptions import ColumnError, InputDataError
from govaudit.oversight._engine_times import EngineTimes
from govaudit.oversight._log_messages import (
    MSG_APPEAL_PARTIAL,
    MSG_DUPLICATES,
    MSG_MISSING_COLUMNS,
    MSG_NEEDS,
    MSG_NO_CASE_TYPE,
    MSG_NOT_FINITE,
    MSG_NOT_NUMBER,
    MSG_NULLS,
    MSG_ORDER,
    unknown_reviewers_message,
)
from govaudit.oversight._log_schema import APPEAL_COLUMNS, BY_NAME, COLUMNS
from govaudit.oversight._log_values import binary, boolean, examples
from govaudit.oversight._policy import OversightPolicy

__all__ = ["Rule", "check_case_ids_unique", "check_columns", "check_roster", "check_rules", "code", "first_case",
           "format_rules", "raise_for_rows"]

_MSG_SENSITIVE = "{source}: sensitive feature column {column!r} is not in the decision log"


def check_columns(schema: Any, sensitive: Sequence[str], policy: OversightPolicy, source: str) -> bool:
    """The columns the format, the sensitive features and the policy need; whether the log has appeals."""
    names = set(schema.names())
    missing = [c.name for c in COLUMNS if c.required and c.name not in names]
    if missing:
        raise ColumnError(MSG_MISSING_COLUMNS.format(source=source, missing=", ".join(map(repr, missing))))
    appeal_have = [c for c in APPEAL_COLUMNS if c in names]
    if appeal_have and len(appeal_have) < len(APPEAL_COLUMNS):
        raise ColumnError(MSG_APPEAL_PARTIAL.format(source=source, have=", ".join(appeal_have),
                                                    missing=", ".join(c for c in APPEAL_COLUMNS if c not in names)))
    for column in sensitive:
        if column not in names:
            raise ColumnError(_MSG_SENSITIVE.format(source=source, column=column))
    if policy.uses_case_types and "case_type" not in names:
        types = ", ".join(policy.review_case_types + policy.two_person_case_types)
        raise ColumnError(MSG_NO_CASE_TYPE.format(source=source, types=types))
    for column in ("score", "confidence"):
        if column in names and not schema[column].is_numeric():
            raise ColumnError(MSG_NOT_NUMBER.format(source=source, column=column, dtype=schema[column],
                                                    examples="(not numbers)"))
    return bool(appeal_have)


@dataclass(frozen=True)
class Rule:
    """A rule of the format as an engine condition (true for the cases that break it) and its message."""

    condition: Any
    template: str
    fields: dict[str, Any]
    error: type[InputDataError] = InputDataError


def format_rules(names: set[str], times: EngineTimes) -> list[Rule]:
    """Per-case rules of the format (as the in-memory validation applies them, in its order), as engine conditions."""
    c = nw.col
    us = times.us
    end, start = us("review_ended_at"), us("review_started_at")
    rules = [Rule(c(column).is_null(), MSG_NULLS, {"column": column})
             for column in ("case_id", "model_name", "model_version")]
    rules += [
        Rule(us("decided_at").is_null(), MSG_NULLS, {"column": "decided_at"}),
        Rule(c("score").is_null() | c("score").is_nan(), MSG_NULLS, {"column": "score"}),
        Rule(c("score").abs() == float("inf"), MSG_NOT_FINITE, {"column": "score"}, ColumnError),
    ]
    if "confidence" in names:
        rules.append(Rule(c("confidence").abs() == float("inf"), MSG_NOT_FINITE, {"column": "confidence"},
                          ColumnError))

    def order(earlier: str, later: str) -> Rule:
        return Rule(us(later) < us(earlier), MSG_ORDER, {"earlier": earlier, "later": later})

    def needs(present: Any, absent: Any, words: tuple[str, str]) -> Rule:
        return Rule(present & absent, MSG_NEEDS, {"present": words[0], "absent": words[1]})

    rules += [
        order("review_started_at", "review_ended_at"),
        order("decided_at", "review_started_at"),
        needs(~end.is_null(), start.is_null(), ("review_ended_at", "review_started_at")),
        needs(~end.is_null(), c("reviewer_1").is_null(), ("review_ended_at", "reviewer_1")),
        needs(~end.is_null(), c("final_decision").is_null(), ("review_ended_at", "final_decision")),
    ]
    if "reviewer_2" in names:
        rules.append(needs(~c("reviewer_2").is_null(), c("reviewer_1").is_null(), ("reviewer_2", "reviewer_1")))
    if "appeal_filed_at" in times.columns:
        rules.append(order("appeal_filed_at", "appeal_decided_at"))
    return rules


def check_rules(frame: Any, rule_bits: np.ndarray, weights: pd.Series, rules: list[Rule], source: str) -> None:
    """Raise for the first rule some case breaks, naming one such case.

    ``rule_bits`` holds, for each grouped row, bit ``i`` set when its cases break ``rules[i]``;
    ``weights`` is the number of cases of each row.
    """
    for i, rule in enumerate(rules):
        n = int(weights[(rule_bits >> i) & 1 == 1].sum())
        if n:
            raise rule.error(rule.template.format(source=source, n=n, case=first_case(frame, rule.condition),
                                                  **rule.fields))


def first_case(frame: Any, condition: Any) -> Any:
    """The case id of one case meeting ``condition`` (for an error message)."""
    found = collect(frame.filter(condition).select("case_id").head(1))
    value = found["case_id"].iloc[0] if len(found) else None
    return value.item() if isinstance(value, np.generic) else value


def check_case_ids_unique(frame: Any, source: str) -> None:
    """Case ids identify cases: grouped by id in the engine (which spills), only the repeated ones counted."""
    ids = frame.filter(~nw.col("case_id").is_null())  # missing ids are their own error
    repeated = ids.group_by("case_id").agg(nw.len().alias("__k")).filter(nw.col("__k") > 1)
    n = int(collect(repeated.select(nw.len().alias("__d")))["__d"].iloc[0])
    if n:
        shown = examples(collect(repeated.select("case_id").head(3))["case_id"].tolist())
        raise InputDataError(MSG_DUPLICATES.format(source=source, n=n, examples=shown))


def code(table: pd.DataFrame, column: str, kind: str, source: str, nullable: bool | None = None) -> np.ndarray:
    """0/1 (NaN when empty) with the in-memory log's rules, checked on the distinct values."""
    coder = binary if kind == "binary" else boolean
    col = BY_NAME[column]
    return coder(table, replace(col, nullable=col.nullable if nullable is None else nullable), source)


def _row_condition(keys: dict[str, Any], row: pd.Series) -> Any:
    """The engine condition selecting the cases of one compressed row (for naming a case in an error)."""
    condition = None
    for name, expr in keys.items():
        value = row[name]
        term = expr.is_null() if pd.isna(value) else expr == (value.item() if isinstance(value, np.generic) else value)
        condition = term if condition is None else condition & term
    return condition


def raise_for_rows(frame: Any, keys: dict[str, Any], raw: pd.DataFrame, bad: np.ndarray, template: str,
                   **fields: Any) -> None:
    """Raise ``template`` when compressed rows ``bad`` hold cases, naming a case of the first of them."""
    if bad.any():
        n = int(raw.loc[bad, COUNT].sum())
        case = first_case(frame, _row_condition(keys, raw.loc[bad].iloc[0]))
        raise InputDataError(template.format(n=n, case=case, **fields))


def check_roster(frame: Any, table_reviewers: pd.Series, names: set[str], roster: Sequence[str] | None,
                 source: str) -> None:
    """Every reviewer id is on the policy's roster: ``reviewer_1`` from the grouped table, ``reviewer_2`` read."""
    if roster is None:
        return
    known = set(roster)
    columns = [("reviewer_1", table_reviewers)]
    if "reviewer_2" in names:
        columns.append(("reviewer_2", collect(frame.select("reviewer_2").unique())["reviewer_2"]))
    for column, values in columns:
        outside = {str(v) for v in values if v is not None and not pd.isna(v) and str(v) not in known}
        if outside:
            raise InputDataError(unknown_reviewers_message(outside, column, source))
