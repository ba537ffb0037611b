"""The decision log's error messages, one definition for the in-memory validation and the engines.

A log held by DuckDB or Spark is checked against the same rules as one in memory, and tests compare
the two messages word for word, so every message the format's rules raise is written here once.
Each names the log (``source``), the column, and where a case broke a rule, one such case.
"""

from __future__ import annotations

from collections.abc import Collection

__all__ = [
    "MSG_APPEAL_PARTIAL",
    "MSG_DUPLICATES",
    "MSG_EMPTY",
    "MSG_MISSING_COLUMNS",
    "MSG_NEEDS",
    "MSG_NOT_BINARY",
    "MSG_NOT_BOOLEAN",
    "MSG_NOT_FINITE",
    "MSG_NOT_FRAME",
    "MSG_NOT_NUMBER",
    "MSG_NO_CASE_TYPE",
    "MSG_NULLS",
    "MSG_ORDER",
    "MSG_OUTCOME",
    "MSG_OVERRIDDEN",
    "MSG_SENSITIVE",
    "MSG_TS_MIXED",
    "MSG_TS_NAIVE",
    "MSG_TS_PARSE",
    "MSG_TS_ZONES",
    "unknown_reviewers_message",
]

_SEE = "see `govaudit schema decision-log`"
MSG_NOT_FRAME = "the decision log must be a table (DataFrame, CSV or Parquet); got {type}"
MSG_EMPTY = "{source}: the decision log has no rows"
MSG_MISSING_COLUMNS = "{source}: the decision log lacks required column(s) {missing}; " + _SEE
MSG_APPEAL_PARTIAL = "{source}: appeal columns come together; found {have} but not {missing}; " + _SEE
MSG_NULLS = "{source}: column {column!r} has {n} missing value(s) (first in case {case!r}); every case needs one"
MSG_NOT_NUMBER = "{source}: column {column!r} must be numeric; found {dtype} values such as {examples}"
MSG_NOT_FINITE = "{source}: column {column!r} has {n} infinite value(s) (first in case {case!r})"
MSG_NOT_BINARY = "{source}: column {column!r} must hold 0 or 1 (1 = favourable){empty}; found {examples}"
MSG_NOT_BOOLEAN = "{source}: column {column!r} must hold true/false (or 1/0); found {examples}"
MSG_TS_PARSE = "{source}: column {column!r} must hold ISO 8601 times with a zone (e.g. 2025-03-01T09:30:00Z): {error}"
MSG_TS_NAIVE = ("{source}: column {column!r} has times without a time zone; write each time with its offset "
                "(e.g. 2025-03-01T09:30:00Z) so durations and months are unambiguous")
MSG_TS_MIXED = ("{source}: column {column!r} mixes time zones, or times with and without a zone; "
                "write every time in one zone, preferably UTC")
MSG_TS_ZONES = ("{source}: the decision log's times are in different time zones ({zones}); "
                "write every time in one zone, preferably UTC")
MSG_DUPLICATES = ("{source}: column 'case_id' must identify each case, but {n} case id(s) appear more than once "
                  "(e.g. {examples})")
MSG_ORDER = "{source}: {later} is before {earlier} in {n} case(s) (first: case {case!r})"
MSG_NEEDS = "{source}: {n} case(s) have {present} but no {absent} (first: case {case!r})"
MSG_OVERRIDDEN = ("{source}: column 'overridden' disagrees with final_decision != recommendation in {n} case(s) "
                  "(first: case {case!r})")
MSG_OUTCOME = "{source}: column 'appeal_outcome' must be 'overturned', 'upheld' or empty; found {examples}"
MSG_SENSITIVE = "{source}: sensitive feature column {column!r} is not in the decision log; columns: {have}"
MSG_NO_CASE_TYPE = ("{source}: the oversight policy routes by case type ({types}) but the decision log has no "
                    "'case_type' column")
_MSG_UNKNOWN_REVIEWER = ("{source}: column {column!r} names {n} reviewer id(s) not in the policy's roster "
                         "(reviewers): {names}")


def unknown_reviewers_message(names: Collection[str], column: str, source: str) -> str:
    """The error for reviewer ids outside the roster: how many, and the first five in order."""
    shown = sorted(names)
    return _MSG_UNKNOWN_REVIEWER.format(source=source, column=column, n=len(shown),
                                        names=", ".join(shown[:5]) + (", ..." if len(shown) > 5 else ""))
