"""The ranking auditor's query on DuckDB and Spark: a queue's per-group sums where its rows are held.

Each case's place comes from a window over the whole queue: the cases strictly ahead of it (its
``min`` rank minus one) and the cases tied with it (a count over its priority). Untied cases then
give their top-k membership and exposure as plain expressions summed per group (``rank <= k`` counts
and sums of ``1 / log2(1 + rank)``); tied cases are grouped by (groups, place, tie size, relevance),
which is small, and their shares of the places they tie for are worked out in pandas with the same
arithmetic as in memory (:func:`govaudit.metrics._ranking_cases.block_columns`). The result is one
row per combination of sensitive values with the sums the ranking auditor reads, so it gives the
in-memory figures exactly.

Spark orders the whole queue in one partition for the window (as any global ranking must); DuckDB
spills it to disk beyond its memory limit.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

import narwhals as nw
import numpy as np
import pandas as pd

from govaudit.backends._collect import collect
from govaudit.exceptions import ColumnError, InputDataError
from govaudit.metrics._ranking_cases import RELEVANT, ROWS, block_columns, column_names, depth_grid, \
    resolve_capacities

__all__ = ["RankingAggregate", "RankingSource", "ranking_aggregate"]

_BEFORE, _TIED, _REL = "__before", "__tied", "__rel"
_MSG_NO_COLUMN = "column {column!r} ({role}) not found in the data; available columns: {available}"
_MSG_TYPE = "column {column!r} ({role}) must be numeric; found type {dtype}"
_MSG_MISSING = "column {column!r} ({role}) has {n} missing value(s); every case needs one"
_MSG_NOT_FINITE = "column {column!r} ({role}) has {n} missing or infinite value(s); every case needs one"
_MSG_BINARY = "column {column!r} (relevance) must hold 0 or 1 (1 = the case needed acting on); found other values"


@dataclass(frozen=True)
class RankingAggregate:
    """A queue's sums per combination of sensitive values: what the ranking auditor reads.

    Attributes
    ----------
    table : pandas.DataFrame
        The sensitive feature columns, then the sums (``__n`` cases, ``__relevant``, and per depth the
        ``top``, ``rtop`` and ``exp`` columns).
    n_rows : int
        Cases in the queue.
    capacities : tuple of int
        The capacities as numbers of cases.
    depths : tuple of int
        The depths the sums were taken at (the capacities among them).
    """

    table: pd.DataFrame
    n_rows: int
    capacities: tuple[int, ...]
    depths: tuple[int, ...]


def _check(frame: Any, sensitive: Sequence[str], order: str, kind: str, relevance: str | None) -> int:
    schema = frame.collect_schema()
    names = list(schema.names())
    roles = [(c, "sensitive feature") for c in sensitive] + [(order, "priority score" if kind == "score" else "rank")]
    roles += [(relevance, "relevance")] if relevance else []
    for column, role in roles:
        if column not in names:
            raise ColumnError(_MSG_NO_COLUMN.format(column=column, role=role, available=", ".join(names[:25])))
    for column, role in roles[len(sensitive):]:
        if not schema[column].is_numeric() and not (column == relevance and schema[column] == nw.Boolean):
            raise ColumnError(_MSG_TYPE.format(column=column, role=role, dtype=schema[column]))
    # infinite priorities are refused as in memory (inputs._table.finite_numbers): an order by +-inf says nothing
    col = nw.col(order).cast(nw.Float64)
    checks = [nw.len().alias("n"), (col.is_null() | ~col.is_finite()).cast(nw.Int64).sum().alias("missing")]
    if relevance:
        rel = nw.col(relevance).cast(nw.Float64)
        checks += [rel.is_null().cast(nw.Int64).sum().alias("rel_missing"),
                   (~rel.is_in([0.0, 1.0])).cast(nw.Int64).sum().alias("rel_bad")]
    stats = collect(frame.select(*checks))
    if int(stats["missing"].iloc[0]):
        raise InputDataError(_MSG_NOT_FINITE.format(column=order, role=roles[len(sensitive)][1],
                                                 n=int(stats["missing"].iloc[0])))
    if relevance and int(stats["rel_missing"].iloc[0]):
        raise InputDataError(_MSG_MISSING.format(column=relevance, role="relevance",
                                                 n=int(stats["rel_missing"].iloc[0])))
    if relevance and int(stats["rel_bad"].iloc[0]):
        raise ColumnError(_MSG_BINARY.format(column=relevance))
    n = int(stats["n"].iloc[0])
    if n == 0:
        raise InputDataError("the data has no rows")
    return n


def _untied_sums(ranked: Any, keys: list[str], depths: Sequence[int], discount: str, relevance: bool) -> pd.DataFrame:
    before = nw.col(_BEFORE)
    d = nw.lit(1.0) if discount == "none" else 1.0 / (before + 2).cast(nw.Float64).log(base=2)
    sums = [nw.len().alias(ROWS)] + ([nw.col(_REL).sum().alias(RELEVANT)] if relevance else [])
    for i, k in enumerate(depths):
        top, rtop, exp = column_names(i)
        inside = before < k
        sums += [inside.cast(nw.Float64).sum().alias(top),
                 nw.when(inside).then(d).otherwise(0.0).sum().alias(exp)]
        if relevance:
            sums.append(nw.when(inside).then(nw.col(_REL)).otherwise(0.0).sum().alias(rtop))
    return collect(ranked.filter(nw.col(_TIED) == 1).group_by(*keys, drop_null_keys=False).agg(*sums))


def _tied_sums(ranked: Any, keys: list[str], depths: Sequence[int], discount: str, relevance: bool) -> pd.DataFrame:
    blocks = collect(ranked.filter(nw.col(_TIED) > 1)
                     .group_by(*keys, _BEFORE, _TIED, *([_REL] if relevance else []), drop_null_keys=False)
                     .agg(nw.len().alias("__count")))
    count = blocks["__count"].to_numpy(dtype=np.float64)
    cols = block_columns(blocks[_BEFORE].to_numpy(dtype=np.int64), blocks[_TIED].to_numpy(dtype=np.int64),
                         count * blocks[_REL].to_numpy(dtype=np.float64) if relevance else None, depths, discount,
                         count=count)
    return pd.concat([blocks[keys].reset_index(drop=True), pd.DataFrame(cols)], axis=1)


def ranking_aggregate(native: Any, *, sensitive_features: Sequence[str], order: str, kind: str = "score",
                      relevance: str | None = None, capacities: Sequence[int | float] = (0.1,),
                      discount: str = "log") -> RankingAggregate:
    """A queue's per-group sums, computed in the engine holding the rows.

    Parameters
    ----------
    native : pandas.DataFrame, duckdb.DuckDBPyRelation or pyspark.sql.DataFrame
        The rows (anything narwhals reads).
    sensitive_features : sequence of str
        The sensitive feature columns.
    order : str
        The column ordering the queue.
    kind : {"score", "rank"}
        ``score``: higher is seen first; ``rank``: 1 is seen first.
    relevance : str, optional
        Column of 0/1 relevance (1 = the case needed acting on).
    capacities : sequence of int or float
        Counts of cases, or shares in (0, 1], acted on.
    discount : {"log", "none"}
        The position discount of exposure.

    Raises
    ------
    ColumnError
        A column is missing, not numeric, or a relevance is not 0/1.
    InputDataError
        The data has no rows, or a priority, rank or relevance is missing.
    """
    frame = nw.from_native(native)
    keys = list(sensitive_features)
    n = _check(frame, keys, order, kind, relevance)
    ks = resolve_capacities(capacities, n)
    depths = depth_grid(n, ks)
    col = nw.col(order)
    ranked = frame.select(*[nw.col(c) for c in keys], col,
                          *([nw.col(relevance).cast(nw.Float64).alias(_REL)] if relevance else [])).with_columns(
        (col.rank(method="min", descending=kind == "score") - 1).cast(nw.Int64).alias(_BEFORE),
        col.count().over(order).cast(nw.Int64).alias(_TIED))
    parts = [_untied_sums(ranked, keys, depths, discount, relevance is not None),
             _tied_sums(ranked, keys, depths, discount, relevance is not None)]
    parts = [p for p in parts if len(p)]
    table = pd.concat(parts, ignore_index=True).groupby(keys, dropna=False, sort=False).sum().reset_index()
    return RankingAggregate(table=table, n_rows=n, capacities=ks, depths=depths)


@dataclass(frozen=True)
class RankingSource:
    """A queue whose rows a backend holds: opened and aggregated when the ranking auditor asks.

    Attributes
    ----------
    open : callable
        Returns a context manager yielding the rows (a DuckDB relation, a Spark DataFrame...).
    sensitive_features : tuple of str
        The sensitive feature columns.
    order, kind, relevance
        As for :func:`ranking_aggregate`.
    backend : str
        The engine (``"duckdb"`` or ``"spark"``).
    """

    open: Callable[[], AbstractContextManager[Any]]
    sensitive_features: tuple[str, ...]
    order: str
    kind: str
    relevance: str | None
    backend: str

    def aggregate(self, capacities: Sequence[int | float], discount: str) -> RankingAggregate:
        """The per-group sums at these capacities (see :func:`ranking_aggregate`)."""
        with self.open() as rows:
            return ranking_aggregate(rows, sensitive_features=self.sensitive_features, order=self.order,
                                     kind=self.kind, relevance=self.relevance, capacities=capacities,
                                     discount=discount)

