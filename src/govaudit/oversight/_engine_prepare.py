"""A decision log prepared in its engine: validated, with the expressions the grouping pass computes.

The rows are grouped by the sensitive features, the month, the primary reviewer, the coded
columns and one integer packing the per-case flags the policy defines (review required by score
band or case type, a second reviewer, the same reviewer twice, a review shorter than the minimum,
an appeal late) and one bit per rule of the format; review and appeal durations are summed.
:func:`prepare_log` checks what can be checked before that pass (columns, times, unique ids) and
builds those expressions, for the counts (``_engine_counts``) and for the cases read back
(``_engine_cases``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import narwhals as nw
import numpy as np
import pandas as pd

from govaudit.backends import collect
from govaudit.exceptions import InputDataError
from govaudit.oversight._engine_rules import Rule, check_case_ids_unique, check_columns, format_rules
from govaudit.oversight._engine_times import EngineTimes, latest_time, read_times, time_bounds
from govaudit.oversight._log_messages import MSG_EMPTY
from govaudit.oversight._log_times import US_PER_DAY, US_PER_SECOND
from govaudit.oversight._policy import OversightPolicy

__all__ = ["APPEAL_MONTH", "APPEAL_US", "FLAGS", "FLAG_BITS", "MONTH", "REVIEW_US", "PreparedLog", "prepare_log"]

_SOURCE = "{backend} decision log"

#: Per-case flags packed into one integer key (bit positions; the format's rules follow), so the group-by
#: hashes one column for them all.
FLAG_BITS = ("has_end", "has_start", "uncertain", "type_review", "type_two", "has_second", "same_reviewer", "short",
             "has_appeal_time", "has_appeal_decision", "late_closed", "late_open")
#: Helper columns of the grouping pass: the packed flags, the month keys and the summed durations.
FLAGS, MONTH, APPEAL_MONTH, REVIEW_US, APPEAL_US = "__flags", "__month", "__appeal_month", "__review_us", "__appeal_us"


@dataclass(frozen=True)
class PreparedLog:
    """A validated decision log in its engine, with the expressions of the compressed table's columns.

    ``keys`` are grouped by, ``sums`` summed per group, ``bits`` are the per-case flags by name
    (packed into ``keys[FLAGS]`` with the ``rules``), ``labels`` the ``YYYY-MM`` label of each month
    index (None when the key is the label).
    """

    frame: Any
    keys: dict[str, Any]
    sums: dict[str, Any]
    bits: dict[str, Any]
    labels: dict[str, tuple[str, ...] | None]
    sensitive: tuple[str, ...]
    has_appeals: bool
    names: set[str]
    policy: OversightPolicy
    source: str
    zone: str
    as_of: np.datetime64
    backend: str
    rules: list[Rule]


def prepare_log(native: Any, sensitive_features: Sequence[str], policy: OversightPolicy | None, backend: str,
                check_unique_ids: bool, source: str | None = None) -> PreparedLog:
    """Validate the log in its engine (columns, types, zones, unique ids) and build the key expressions."""
    policy = policy or OversightPolicy()
    source = source or _SOURCE.format(backend=backend)
    frame = nw.from_native(native)
    schema = frame.collect_schema()
    names = set(schema.names())
    sensitive = tuple(dict.fromkeys(sensitive_features))
    has_appeals = check_columns(schema, sensitive, policy, source)
    times = read_times(frame, names, source)
    frame = times.frame
    bounds = time_bounds(times)
    if pd.isna(bounds["__max_decided_at"].iloc[0]) and len(collect(frame.select("case_id").head(1))) == 0:
        raise InputDataError(MSG_EMPTY.format(source=source))
    if check_unique_ids:
        check_case_ids_unique(frame, source)
    as_of = latest_time(bounds, times)
    bits = _flag_bits(policy, names, times, as_of, has_appeals)
    keys, labels = _group_keys(sensitive, names, times, bounds, has_appeals)
    rules = format_rules(names, times)
    keys[FLAGS] = _packed(bits, rules)
    return PreparedLog(frame, keys, _sums(times, has_appeals), bits, labels, sensitive, has_appeals, names, policy,
                       source, times.zone, as_of, backend, rules)



def _flag_bits(policy: OversightPolicy, names: set[str], times: EngineTimes, as_of: np.datetime64,
               has_appeals: bool) -> dict[str, Any]:
    """The per-case flags as engine conditions (None for a flag the policy or the log does not have)."""
    c, us, duration = nw.col, times.us, times.duration
    band, second = policy.uncertainty_band, "reviewer_2" in names
    bits: dict[str, Any] = {
        "has_end": ~us("review_ended_at").is_null(), "has_start": ~us("review_started_at").is_null(),
        "uncertain": (c("score") >= band[0]) & (c("score") <= band[1]) if band is not None else None,
        "type_review": c("case_type").is_in(list(policy.review_case_types)) if policy.review_case_types else None,
        "type_two": c("case_type").is_in(list(policy.two_person_case_types)) if policy.two_person_case_types else None,
        "has_second": ~c("reviewer_2").is_null() if second else None,
        "same_reviewer": c("reviewer_1") == c("reviewer_2") if second else None,
        "short": duration("review_ended_at", "review_started_at") < policy.min_review_seconds * US_PER_SECOND,
    }
    if has_appeals:
        cutoff = policy.appeal_deadline_days * US_PER_DAY
        latest = int(as_of.astype(np.int64))
        bits.update({
            "has_appeal_time": ~us("appeal_filed_at").is_null(), "has_appeal_decision": ~us("appeal_decided_at").is_null(),
            "late_closed": duration("appeal_decided_at", "appeal_filed_at") > cutoff,
            "late_open": us("appeal_decided_at").is_null() & (duration(latest, "appeal_filed_at") > cutoff),
        })
    return bits


def _group_keys(sensitive: tuple[str, ...], names: set[str], times: EngineTimes, bounds: pd.DataFrame,
                has_appeals: bool) -> tuple[dict[str, Any], dict[str, tuple[str, ...] | None]]:
    """The grouping keys but the packed flags, and the labels of the month indexes."""
    c = nw.col
    keys: dict[str, Any] = {col: c(col) for col in sensitive}
    month_key, month_labels = times.month("decided_at", bounds)
    keys.update({MONTH: month_key, "recommendation": c("recommendation"), "final_decision": c("final_decision"),
                 "review_required": c("review_required"), "reviewer_1": c("reviewer_1")})
    if "overridden" in names:
        keys["overridden"] = c("overridden")
    labels = {MONTH: month_labels, APPEAL_MONTH: None}
    if has_appeals:
        appeal_key, labels[APPEAL_MONTH] = times.month("appeal_filed_at", bounds)
        keys.update({"appeal_filed": c("appeal_filed"), "appeal_outcome": c("appeal_outcome"), APPEAL_MONTH: appeal_key})
    return keys, labels


def _sums(times: EngineTimes, has_appeals: bool) -> dict[str, Any]:
    """The durations summed per group: review time, and time from appeal to its decision."""
    sums = {REVIEW_US: times.duration("review_ended_at", "review_started_at")}
    if has_appeals:
        sums[APPEAL_US] = times.duration("appeal_decided_at", "appeal_filed_at")
    return sums


def _packed(bits: dict[str, Any], rules: list[Rule]) -> Any:
    """The per-case flags, then the format's rules, as one integer (the rules are zero for a valid log, so add no groups)."""
    conditions = [bits.get(name) for name in FLAG_BITS] + [rule.condition for rule in rules]
    packed = None
    for position, expr in enumerate(conditions):
        if expr is None:
            continue
        term = expr.fill_null(False).cast(nw.Int64) * (1 << position)
        packed = term if packed is None else packed + term
    return packed
