"""The decision log on a backend: every oversight check from one grouping pass, in the engine holding the log.

Every oversight check is a count: of cases, of cases meeting a rule, per group, month or reviewer.
So the rows are grouped once, in the engine that holds them (narwhals over DuckDB, PySpark or
pandas), by the keys :func:`~govaudit.oversight._engine_prepare.prepare_log` builds. The result is
a small *compressed table* (one row per combination present) from which the auditor computes the
same findings as from the rows. Before it, the first and last time of each column are read (from
Parquet statistics where the engine can), and one pass checks that case ids are unique. Errors
name the file, the column and, like the in-memory validation, a case.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import narwhals as nw
import numpy as np
import pandas as pd

from govaudit.backends import COUNT, collect
from govaudit.exceptions import ColumnError, InputDataError
from govaudit.oversight._engine_prepare import (
    APPEAL_MONTH,
    APPEAL_US,
    FLAG_BITS,
    FLAGS,
    MONTH,
    REVIEW_US,
    PreparedLog,
    prepare_log,
)
from govaudit.oversight._engine_rules import check_roster, check_rules, code, raise_for_rows
from govaudit.oversight._log_messages import MSG_EMPTY, MSG_NEEDS, MSG_OUTCOME, MSG_OVERRIDDEN
from govaudit.oversight._log_schema import OUTCOME_OVERTURNED, OUTCOME_UPHELD
from govaudit.oversight._log_values import ids_as_text
from govaudit.oversight._policy import OversightPolicy

__all__ = ["LogCounts", "compressed_counts", "log_counts_from_frame"]

#: Raw values coded 1 and coded 0, per coded column.
RawCodes = dict[str, tuple[tuple[Any, ...], tuple[Any, ...]]]


@dataclass(frozen=True)
class LogCounts:
    """A decision log aggregated by a backend: counts and sums only, no case ids.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per combination present, with the sensitive feature columns as logged and
        ``month`` (``"YYYY-MM"`` in the log's zone), ``decided``, ``reviewed``, ``review_required``
        (bool), ``recommendation`` (0/1), ``final_decision`` (0/1, NaN while pending), ``reviewer``
        (str or None), the policy's flags ``uncertain``, ``type_review``, ``type_two``, ``has_second``,
        ``same_reviewer``, ``short`` (bool), ``review_us`` (summed review time in microseconds); with
        appeals ``appeal_filed``, ``appeal_closed``, ``late_closed``, ``late_open`` (bool),
        ``appeal_overturned`` (1/0, NaN while pending), ``appeal_us`` (summed time to decision),
        ``appeal_month``; and ``"__n"`` (cases).
    sensitive_features : tuple of str
        The sensitive feature columns.
    has_appeals : bool
        Whether the log has the appeal columns.
    timezone : str
        Zone of the log's times (months are calendar months in it).
    backend : str
        The engine that aggregated the rows.
    policy : OversightPolicy
        The policy whose flags were counted.
    as_of : numpy.datetime64
        The latest time in the log (UTC, microseconds): open appeals are late relative to it.
    has_case_type : bool
        Whether the log has a ``case_type`` column.
    raw_codes : dict
        For the coded columns, the raw values coded 1 and coded 0 (to select cases in the engine).
    """

    table: pd.DataFrame
    sensitive_features: tuple[str, ...]
    has_appeals: bool
    timezone: str
    backend: str
    policy: OversightPolicy
    as_of: np.datetime64
    has_case_type: bool = False
    raw_codes: RawCodes = field(default_factory=dict, repr=False)

    @property
    def n_rows(self) -> int:
        """Number of cases aggregated."""
        return int(self.table[COUNT].sum())

    @property
    def weights(self) -> np.ndarray:
        """Cases per compressed row."""
        return self.table[COUNT].to_numpy(dtype=np.int64)


def log_counts_from_frame(native: Any, *, sensitive_features: Sequence[str] = (),
                          policy: OversightPolicy | None = None, backend: str = "memory",
                          check_unique_ids: bool = True, source: str | None = None) -> LogCounts:
    """Aggregate a decision log held by any engine narwhals reads (pandas, DuckDB, PySpark).

    Parameters
    ----------
    native : pandas.DataFrame, duckdb.DuckDBPyRelation or pyspark.sql.DataFrame
        The decision log, in the documented format (``govaudit schema decision-log``).
    sensitive_features : sequence of str
        Columns by which override and appeal rates are compared.
    policy : OversightPolicy, optional
        The policy whose flags are counted (which cases need review, minimum review time, appeal
        deadline, reviewer roster). Default: ``OversightPolicy()``.
    backend : str
        Name of the engine, recorded in findings.
    check_unique_ids : bool
        Check that case ids are unique (one more pass, grouping by case id).
    source : str, optional
        How errors name the log (its files); default ``"<backend> decision log"``.

    Returns
    -------
    LogCounts

    Raises
    ------
    ColumnError, InputDataError
        A column is missing or holds values the format does not allow, or cases break its rules
        (the message names the column and a case).
    """
    p = prepare_log(native, sensitive_features, policy, backend, check_unique_ids, source)
    # sums of microseconds stay exact integers: DuckDB's HUGEINT sum is cast back to BIGINT in the engine
    # (pandas sums integer-valued floats exactly below 2**53, and keeps its group-by simple without the cast)
    pandas_like = p.frame.implementation.is_pandas_like()
    sums = [nw.col(s).sum() if pandas_like else nw.col(s).sum().cast(nw.Int64) for s in p.sums]
    grouped = (p.frame.select(**p.keys, **p.sums)
               .group_by(*p.keys, drop_null_keys=False)
               .agg(nw.len().alias(COUNT), *[expr.alias(s) for expr, s in zip(sums, p.sums)]))
    raw = collect(grouped).reset_index(drop=True)
    if len(raw) == 0:
        raise InputDataError(MSG_EMPTY.format(source=p.source))
    rule_bits = raw[FLAGS].to_numpy(dtype=np.int64) >> len(FLAG_BITS)
    check_rules(p.frame, rule_bits, raw[COUNT], p.rules, p.source)
    return compressed_counts(p, raw)


def _month_labels(keys: pd.Series, labels: tuple[str, ...] | None) -> pd.Series:
    """``YYYY-MM`` for month indexes (text months are already labels); None where there is no time."""
    if labels is None:
        return keys.astype(object).where(keys.notna(), None)
    return keys.map(lambda k: None if pd.isna(k) else labels[int(k)]).astype(object)


def compressed_counts(p: PreparedLog, raw: pd.DataFrame) -> LogCounts:
    """Code the grouped table with the in-memory rules (checked on its distinct values) and unpack its flags."""
    source = p.source
    if len(raw) == 0:
        raise InputDataError(MSG_EMPTY.format(source=source))
    flags = raw[FLAGS].to_numpy(dtype=np.int64)
    bit = {name: (flags >> position) & 1 == 1 for position, name in enumerate(FLAG_BITS)}
    table = raw.loc[:, list(p.sensitive)].copy()
    table["month"] = _month_labels(raw[MONTH], p.labels[MONTH]).astype(str).to_numpy(dtype=object)
    rec = code(raw, "recommendation", "binary", source)
    final = code(raw, "final_decision", "binary", source)
    table["recommendation"] = rec.astype(np.int8)
    table["final_decision"] = final
    table["review_required"] = code(raw, "review_required", "boolean", source).astype(bool)
    reviewer = ids_as_text(raw, "reviewer_1").to_numpy(dtype=object)
    decided = ~np.isnan(final)
    table["decided"] = decided
    table["reviewed"] = pd.notna(reviewer) & bit["has_end"]
    table["reviewer"] = reviewer
    for name in ("uncertain", "type_review", "type_two", "has_second", "same_reviewer", "short"):
        table[name] = bit[name]
    table["review_us"] = raw[REVIEW_US].fillna(0).to_numpy(dtype=np.int64)
    if "overridden" in raw.columns:
        overridden = code(raw, "overridden", "boolean", source)
        raise_for_rows(p.frame, p.keys, raw, decided & ~np.isnan(overridden) & ((overridden == 1) != (final != rec)),
                       MSG_OVERRIDDEN, source=source)
    codes = {"recommendation": _raw_codes(raw["recommendation"], rec),
             "review_required": _raw_codes(raw["review_required"], table["review_required"].to_numpy())}
    if p.has_appeals:
        codes["appeal_filed"] = _add_appeals(p, raw, bit, table)
    check_roster(p.frame, pd.Series(reviewer), p.names, p.policy.reviewers, source)
    table[COUNT] = raw[COUNT].to_numpy(dtype=np.int64)
    return LogCounts(table=table, sensitive_features=p.sensitive, has_appeals=p.has_appeals, timezone=p.zone,
                     backend=p.backend, policy=p.policy, as_of=p.as_of, has_case_type="case_type" in p.names,
                     raw_codes=codes)


def _add_appeals(p: PreparedLog, raw: pd.DataFrame, bit: dict[str, np.ndarray],
                 table: pd.DataFrame) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
    """Check the appeal columns as in memory and add their columns to ``table``; the raw codes of ``appeal_filed``."""
    source = p.source
    filed = code(raw, "appeal_filed", "boolean", source).astype(bool)
    filed_codes = _raw_codes(raw["appeal_filed"], filed)
    outcome = raw["appeal_outcome"]
    known = outcome.isin([OUTCOME_OVERTURNED, OUTCOME_UPHELD]).to_numpy(dtype=bool)
    bad = outcome.notna().to_numpy() & ~known
    if bad.any():
        raise ColumnError(MSG_OUTCOME.format(source=source, examples=list(pd.unique(outcome[bad]))[:3]))
    for present, absent, words in (
        (filed, ~bit["has_appeal_time"], ("appeal_filed = true", "appeal_filed_at")),
        (known, ~filed, ("an appeal_outcome", "appeal_filed = true")),
        (known, ~bit["has_appeal_decision"], ("an appeal_outcome", "appeal_decided_at")),
        (bit["has_appeal_decision"], ~known, ("appeal_decided_at", "appeal_outcome")),
    ):
        raise_for_rows(p.frame, p.keys, raw, present & absent, MSG_NEEDS, source=source, present=words[0],
                       absent=words[1])
    closed = filed & bit["has_appeal_decision"]
    table["appeal_filed"] = filed
    table["appeal_closed"] = closed
    table["late_closed"] = closed & bit["late_closed"]
    table["late_open"] = filed & ~closed & bit["late_open"]
    table["appeal_overturned"] = np.where(known, (outcome == OUTCOME_OVERTURNED).to_numpy(dtype=bool), np.nan)
    table["appeal_us"] = np.where(closed, raw[APPEAL_US].fillna(0).to_numpy(dtype=np.float64), 0).astype(np.int64)
    table["appeal_month"] = _month_labels(raw[APPEAL_MONTH], p.labels[APPEAL_MONTH]).to_numpy(dtype=object)
    return filed_codes


def _raw_codes(raw: pd.Series, coded: np.ndarray) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
    """The raw values (as the engine holds them) coded 1 and coded 0."""
    def plain(values: Any) -> tuple[Any, ...]:
        return tuple(dict.fromkeys(v.item() if isinstance(v, np.generic) else v for v in values if not pd.isna(v)))
    values = raw.to_numpy(dtype=object)
    return plain(values[coded == 1]), plain(values[coded == 0])
