"""Amounts per group, aggregated where the rows are (DuckDB, Spark): the moments of the amounts auditor.

The amounts auditor's figures come from per-group moments (:data:`govaudit.metrics.MOMENTS`), and
all but two are aggregations, so they run in the engine holding the rows, written once with narwhals:

- one pass for the totals (rows, missing and negative amounts, the smallest and largest, the overall
  mean used as a shift);
- the overall median (the default "above" cut) exactly, by :func:`~govaudit.backends._median.exact_median`;
- one GROUP BY over the sensitive features: rows, the sums of ``x - c`` and ``(x - c)**2`` (``c`` the
  overall mean, so the variance ``(S2 - S1**2 / n) / (n - 1)`` loses no precision to a large mean),
  smallest and largest, the count above the cut, and with correct amounts the same sums of the error
  and of its absolute value and the count under-paid beyond the tolerance. Each grouping (a feature
  or an intersection) adds up these rows, so the engine is asked once whatever the groupings;
- each group's median and the two order statistics of its interval, exactly, by the ranks
  (:func:`~govaudit.backends._median.kth_values`: collected when the group fits in memory, else
  narrowed by histograms within bounded memory).

Counts, medians and their intervals equal the in-memory ones exactly; means, standard deviations
and what is computed from them agree to floating-point rounding (sums in another order).

Not evaluated: the Kolmogorov-Smirnov statistic and the Wasserstein distance compare whole
distributions, which an aggregate does not keep; they are left out (no gate reads them).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import narwhals as nw
import numpy as np
import pandas as pd

from govaudit._interrupt import raise_if_interruption
from govaudit.exceptions import ColumnError, InputDataError, first_line
from govaudit.metrics import GroupEncoding, encode_groups, median_ranks

from ._collect import collect
from ._duckdb import DuckDBSettings, connect, expand_paths
from ._median import exact_median, kth_values
from ._spark import SparkSettings, read_frame

__all__ = ["AmountSource", "AmountSummary", "amount_summary"]

_MSG_NO_COLUMN = "column {column!r} ({role}) not found in the data; available columns: {available}"
_MSG_TYPE = "column {column!r} ({role}) must hold numbers (amounts); found type {dtype}"
_MSG_MISSING = "column {column!r} ({role}) has {n} missing or infinite amount(s); every case needs an amount"
_MSG_NEGATIVE = ("column {column!r} ({role}) has {n} negative amount(s) (the smallest {low:g}); amounts must be "
                 ">= 0 unless allow_negative = true")
_MSG_EMPTY = "the data has no rows"
_MSG_UNREADABLE = "{path}: cannot be aggregated by {engine}: {error}"


@dataclass(frozen=True)
class AmountSummary:
    """What a backend measured of the amounts: the cut, and the moments of each grouping asked for.

    Attributes
    ----------
    cut : float
        The "above" cut: the amount named, or the overall median.
    groups : list of (GroupEncoding, pandas.DataFrame)
        Per grouping, its labels and one row of moments per label (the columns of
        :func:`govaudit.metrics.amount_moments`). Aggregate only.
    n_rows : int
        Rows aggregated.
    """

    cut: float
    groups: list[tuple[GroupEncoding, pd.DataFrame]]
    n_rows: int


@dataclass(frozen=True)
class AmountSource:
    """Amounts a backend holds (files read by DuckDB or Spark, a DataFrame), for the amounts auditor.

    The auditor asks for the moments with its own settings (:meth:`summarise`); the engine is opened
    for that and closed after.

    Attributes
    ----------
    data : tuple of Path, pandas.DataFrame or pyspark.sql.DataFrame
        The files (or frame) holding the rows.
    engine : {"duckdb", "spark"}
        The engine that aggregates them.
    amount : str
        The column of amounts.
    sensitive_features : tuple of str
        The sensitive feature columns.
    amount_true : str, optional
        The column of correct amounts.
    duckdb, spark : DuckDBSettings, SparkSettings, optional
        Engine settings.
    """

    data: Any
    engine: str
    amount: str
    sensitive_features: tuple[str, ...]
    amount_true: str | None = None
    duckdb: DuckDBSettings | None = None
    spark: SparkSettings | None = None

    def summarise(self, groupings: Sequence[Sequence[str]], *, confidence: float = 0.95, above: float | None = None,
                  tolerance: float = 0.0, allow_negative: bool = False) -> AmountSummary:
        """The moments of each grouping (see :func:`amount_summary`), aggregated by the engine."""
        with _opened(self.data, self.engine, self.duckdb, self.spark) as native:
            return amount_summary(native, self.sensitive_features, self.amount, groupings, amount_true=self.amount_true,
                                  confidence=confidence, above=above, tolerance=tolerance,
                                  allow_negative=allow_negative)


@contextmanager
def _opened(data: Any, engine: str, duckdb_settings: DuckDBSettings | None,
            spark_settings: SparkSettings | None) -> Iterator[Any]:
    """The rows as a native frame of the engine, open for the ``with`` block; engine errors name the data."""
    if engine == "spark":
        yield read_frame(data, settings=spark_settings)
        return
    import duckdb

    con = connect(duckdb_settings)
    shown = "the DataFrame"
    try:
        if isinstance(data, pd.DataFrame):
            yield con.from_df(data)
        else:
            files = [Path(p) for p in data] if isinstance(data, (list, tuple)) else expand_paths(data)
            names = [str(p) for p in files]
            shown = ", ".join(names)
            yield con.read_csv(names) if Path(names[0]).suffix.lower() == ".csv" else con.read_parquet(names)
    except duckdb.Error as exc:
        raise_if_interruption(exc)
        raise InputDataError(_MSG_UNREADABLE.format(path=shown, engine="DuckDB", error=first_line(exc))) from None
    finally:
        con.close()


def _check(frame: Any, columns: dict[str, str], numeric: dict[str, str]) -> None:
    schema = frame.collect_schema()
    names = list(schema.names())
    for column, role in columns.items():
        if column not in names:
            shown = ", ".join(names[:25]) + (f", ... ({len(names)} in all)" if len(names) > 25 else "")
            raise ColumnError(_MSG_NO_COLUMN.format(column=column, role=role, available=shown))
    for column, role in numeric.items():
        if not schema[column].is_numeric():
            raise ColumnError(_MSG_TYPE.format(column=column, role=role, dtype=schema[column]))


def _bad(frame: Any, column: str) -> Any:
    """Missing or not finite (an engine's NaN and infinities are not amounts)."""
    col = nw.col(column)
    if frame.collect_schema()[column].is_float():
        return col.is_null() | col.is_nan() | (col.abs() == float("inf"))
    return col.is_null()


def _totals(frame: Any, amount: str, true: str | None, allow_negative: bool) -> dict[str, float]:
    """Rows, smallest, largest and mean amount (and mean error and absolute error), after checking the values."""
    x = nw.col(amount)
    exprs = [nw.len().alias("n"), _bad(frame, amount).cast(nw.Int64).sum().alias("bad"), x.min().alias("lo"),
             x.max().alias("hi"), x.mean().alias("c"), (x < 0).cast(nw.Int64).sum().alias("negative")]
    if true is not None:
        e = x - nw.col(true)
        exprs += [_bad(frame, true).cast(nw.Int64).sum().alias("bad_true"), e.mean().alias("ce"),
                  e.abs().mean().alias("ca")]
    stats = collect(frame.select(*exprs)).iloc[0]
    if int(stats["n"]) == 0:
        raise InputDataError(_MSG_EMPTY)
    for column, key, role in ((amount, "bad", "amount"), (true, "bad_true", "amount true")):
        if column is not None and int(stats[key]):
            raise InputDataError(_MSG_MISSING.format(column=column, role=role, n=int(stats[key])))
    if not allow_negative and int(stats["negative"]):
        raise InputDataError(_MSG_NEGATIVE.format(column=amount, role="amount", n=int(stats["negative"]),
                                                  low=float(stats["lo"])))
    return {k: float(v) for k, v in stats.items()}


def _sums(name: str, value: Any, shift: float) -> list[Any]:
    centred = value - shift
    return [centred.sum().alias(f"{name}_s1"), (centred * centred).sum().alias(f"{name}_s2")]


def _by_key(frame: Any, keys: list[str], amount: str, true: str | None, totals: dict[str, float], cut: float,
            tolerance: float) -> pd.DataFrame:
    """One GROUP BY over the sensitive features: rows, shifted sums, extremes and counts per combination."""
    x = nw.col(amount)
    aggs = [nw.len().alias("n"), *_sums("x", x, totals["c"]), x.min().alias("lo"), x.max().alias("hi"),
            (x > cut).cast(nw.Int64).sum().alias("above")]
    if true is not None:
        e = x - nw.col(true)
        aggs += [*_sums("e", e, totals["ce"]), *_sums("a", e.abs(), totals["ca"]),
                 (e < -tolerance).cast(nw.Int64).sum().alias("underpaid")]
    return collect(frame.group_by(*keys, drop_null_keys=False).agg(*aggs)).reset_index(drop=True)


def _moment(s1: np.ndarray, s2: np.ndarray, n: np.ndarray, shift: float) -> tuple[np.ndarray, np.ndarray]:
    """Mean and sample standard deviation from the sums of shifted values (NaN where undefined)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = np.where(n > 0, shift + s1 / np.maximum(n, 1), np.nan)
        var = np.where(n > 1, (s2 - s1 * s1 / np.maximum(n, 1)) / np.maximum(n - 1, 1), np.nan)
    return mean, np.sqrt(np.clip(var, 0.0, None))


def _group_filter(rows: pd.DataFrame) -> Any:
    """Rows whose keys equal one of the combinations in ``rows`` (a missing key matches a missing value)."""
    expr = None
    for combo in rows.itertuples(index=False):
        parts = [nw.col(c).is_null() if pd.isna(v) else nw.col(c) == (v.item() if hasattr(v, "item") else v)
                 for c, v in zip(rows.columns, combo)]
        term = parts[0]
        for part in parts[1:]:
            term = term & part
        expr = term if expr is None else expr | term
    return expr


def _medians(frame: Any, amount: str, keys: pd.DataFrame, codes: np.ndarray, n: np.ndarray, lo: np.ndarray,
             hi: np.ndarray, confidence: float) -> dict[str, list[float]]:
    """Each group's median and the order statistics of its interval, exactly (the ranks of ``median_interval``)."""
    out: dict[str, list[float]] = {"median": [], "median_low": [], "median_high": []}
    for g in range(n.size):
        size = int(n[g])
        if size == 0:
            for key in out:
                out[key].append(float("nan"))
            continue
        k = median_ranks(size, confidence)
        ranks = [(size - 1) // 2, size // 2] + ([k - 1, size - k] if k is not None else [])
        rows = frame.filter(_group_filter(keys.loc[codes == g].drop_duplicates()))
        values = kth_values(rows, amount, ranks, float(lo[g]), float(hi[g]), size)
        out["median"].append(float(np.mean(values[:2])))
        out["median_low"].append(values[2] if k is not None else float("nan"))
        out["median_high"].append(values[3] if k is not None else float("nan"))
    return out


def _grouping(frame: Any, amount: str, table: pd.DataFrame, columns: list[str], totals: dict[str, float],
              confidence: float, has_true: bool) -> tuple[GroupEncoding, pd.DataFrame]:
    # the compressed keys as numpy arrays, as build_subject passes sensitive features: the same labels as in memory
    keys = pd.DataFrame({c: table[c].to_numpy() for c in columns})
    encoding = encode_groups(keys, columns)
    size, codes = encoding.n_groups, encoding.codes

    def total(column: str) -> np.ndarray:
        return np.bincount(codes, weights=table[column].to_numpy(dtype=np.float64), minlength=size)

    n = np.bincount(codes, weights=table["n"].to_numpy(dtype=np.float64), minlength=size).astype(np.int64)
    lo = pd.Series(table["lo"].to_numpy(dtype=np.float64)).groupby(codes).min().reindex(range(size)).to_numpy()
    hi = pd.Series(table["hi"].to_numpy(dtype=np.float64)).groupby(codes).max().reindex(range(size)).to_numpy()
    mean, sd = _moment(total("x_s1"), total("x_s2"), n, totals["c"])
    moments = pd.DataFrame({"count": n, "mean": mean, "sd": sd,
                            **_medians(frame, amount, keys, codes, n, lo, hi, confidence),
                            "above": total("above").astype(np.int64)})
    if has_true:
        error_mean, error_sd = _moment(total("e_s1"), total("e_s2"), n, totals["ce"])
        abs_mean, abs_sd = _moment(total("a_s1"), total("a_s2"), n, totals["ca"])
        moments = moments.assign(error_mean=error_mean, error_sd=error_sd, abs_mean=abs_mean, abs_sd=abs_sd,
                                 underpaid=total("underpaid").astype(np.int64))
    return encoding, moments


def amount_summary(native: Any, sensitive_features: Sequence[str], amount: str, groupings: Sequence[Sequence[str]],
                   *, amount_true: str | None = None, confidence: float = 0.95, above: float | None = None,
                   tolerance: float = 0.0, allow_negative: bool = False) -> AmountSummary:
    """Per-group moments of the amounts in any engine narwhals reads (see the module docstring).

    Parameters
    ----------
    native : pandas.DataFrame, duckdb.DuckDBPyRelation or pyspark.sql.DataFrame
        The rows.
    sensitive_features : sequence of str
        Every sensitive feature column (the GROUP BY keys).
    amount : str
        The column of amounts.
    groupings : sequence of sequence of str
        The groupings wanted: one feature, or several for their intersection.
    amount_true : str, optional
        The column of correct amounts, for the error moments.
    confidence, above, tolerance, allow_negative
        As in :class:`govaudit.amounts.AmountConfig`.

    Raises
    ------
    ColumnError
        A column is missing or not numeric.
    InputDataError
        The data is empty, or an amount is missing, not finite, or negative when not allowed.
    """
    frame = nw.from_native(native)
    keys = list(dict.fromkeys(sensitive_features))
    numeric = {amount: "amount", **({amount_true: "amount true"} if amount_true else {})}
    _check(frame, {**{c: "sensitive feature" for c in keys}, **numeric}, numeric)
    totals = _totals(frame, amount, amount_true, allow_negative)
    n = int(totals["n"])
    cut = float(above) if above is not None else exact_median(frame, amount, n, totals["lo"], totals["hi"])
    table = _by_key(frame, keys, amount, amount_true, totals, cut, tolerance)
    groups = [_grouping(frame, amount, table, list(columns), totals, confidence, amount_true is not None)
              for columns in groupings]
    return AmountSummary(cut=cut, groups=groups, n_rows=n)
