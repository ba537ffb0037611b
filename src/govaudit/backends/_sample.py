"""A stratified sample of rows, drawn in the engine that holds them, in bounded memory.

Strata are the combinations of the sensitive features (a missing value is its own value). Each
stratum gets a proportional share of the sample, at least one row (:func:`allocate`). The sample of
a stratum is its ``alloc`` rows with the smallest seeded hash, which makes it a simple random
sample within the stratum that depends only on the data and the seed, not on the engine's order or
parallelism. Drawing it takes one GROUP BY (rows per stratum) and one filtering pass: keep a row
when its hash is below a per-stratum threshold chosen so that a few more than ``alloc`` rows pass,
then keep the ``alloc`` smallest hashes in pandas. A stratum that came short (rare: the threshold
leaves a margin of several standard deviations) is topped up by another pass over that stratum
with a higher threshold; as the result is "the smallest hashes", it is the same either way.

The engines (pandas, DuckDB, Spark) and how each hashes rows are in ``_sample_engines``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import narwhals as nw
import numpy as np
import pandas as pd

from govaudit._interrupt import raise_if_interruption
from govaudit.exceptions import ColumnError, InputDataError, first_line

from ._duckdb import DuckDBSettings, connect, expand_paths
from ._progress import duckdb_progress
from ._sample_engines import HASH, HASH_SCALE, ROWS, SID, DuckDBEngine, Engine, PandasEngine, SparkEngine
from ._spark import SparkSettings, read_frame

__all__ = ["RowSample", "RowSource", "allocate", "sample_rows"]

_MSG_NO_COLUMN = "column {column!r} ({role}) not found in the data; available columns: {available}"
_MSG_EMPTY = "the data has no rows to sample"
_MSG_ENGINE = 'cannot sample {what} with the {engine} backend; give files (duckdb, spark), a pandas DataFrame or a Spark DataFrame'
_MSG_UNREADABLE = "{path}: cannot be sampled by {engine}: {error}"


def allocate(counts: np.ndarray, size: int) -> np.ndarray:
    """Largest-remainder proportional allocation of ``size`` rows, at least one per non-empty stratum.

    Parameters
    ----------
    counts : numpy.ndarray
        Rows in each stratum.
    size : int
        Rows wanted in all.

    Returns
    -------
    numpy.ndarray
        Rows to draw from each stratum (never more than it holds).
    """
    counts = np.asarray(counts, dtype=np.int64)
    quota = size * counts / counts.sum()
    alloc = np.where(counts > 0, np.maximum(1, np.floor(quota)), 0).astype(np.int64)
    left = size - int(alloc.sum())
    if left > 0:
        room = np.flatnonzero(alloc < counts)
        order = room[np.argsort(-(quota - np.floor(quota))[room], kind="stable")]
        alloc[order[:left]] += 1
    while alloc.sum() > size and alloc.max() > 1:  # the minimum of one overshot: trim the largest
        alloc[np.argmax(alloc)] -= 1
    return np.minimum(alloc, counts)


@dataclass(frozen=True)
class RowSample:
    """A stratified sample of rows and the population it was drawn from.

    Attributes
    ----------
    rows : pandas.DataFrame
        The sampled rows, only the columns asked for. Individual-level: never part of a record.
    strata : numpy.ndarray
        For each sampled row, its stratum (a row of ``population``).
    population : pandas.DataFrame
        One row per non-empty stratum: the sensitive feature values and ``"rows"``, its size in the data.
    backend : str
        The engine that drew it.
    seed : int
        The seed of the row hashes.
    """

    rows: pd.DataFrame
    strata: np.ndarray
    population: pd.DataFrame
    backend: str
    seed: int

    @property
    def total(self) -> int:
        """Rows in the data sampled from."""
        return int(self.population[ROWS].sum())

    @property
    def allocation(self) -> np.ndarray:
        """Sampled rows per stratum."""
        return np.bincount(self.strata, minlength=len(self.population))

    @property
    def population_per_row(self) -> np.ndarray:
        """For each sampled row, the size of its stratum in the data."""
        return self.population[ROWS].to_numpy(dtype=np.int64)[self.strata]


def _thresholds(counts: np.ndarray, alloc: np.ndarray, margin: float) -> np.ndarray:
    """Per-stratum hash thresholds letting about ``alloc + margin * (4 sqrt(alloc) + 10)`` rows through."""
    want = alloc + margin * (4 * np.sqrt(alloc) + 10)
    p = np.where(alloc > 0, np.minimum(1.0, want / np.maximum(counts, 1)), 0.0)
    return np.where(p >= 1.0, HASH_SCALE, np.ceil(p * HASH_SCALE)).astype(np.int64)


def _check_columns(native: Any, columns: Mapping[str, str]) -> None:
    names = list(nw.from_native(native).collect_schema().names())
    for column, role in columns.items():
        if column not in names:
            shown = ", ".join(names[:25]) + (f", ... ({len(names)} in all)" if len(names) > 25 else "")
            raise ColumnError(_MSG_NO_COLUMN.format(column=column, role=role, available=shown))


def _draw(engine: Engine, keys: list[str], size: int, seed: int, margin: float, backend: str) -> RowSample:
    table = engine.strata()
    counts = table[ROWS].to_numpy(dtype=np.int64)
    if counts.sum() == 0:
        raise InputDataError(_MSG_EMPTY)
    alloc = allocate(counts, size)
    thresholds = _thresholds(counts, alloc, margin)
    parts: list[pd.DataFrame] = []
    done = np.zeros(len(counts), dtype=bool)
    while True:
        kept = engine.kept(np.where(done, 0, thresholds))
        kept = kept.sort_values([SID, HASH], kind="stable")
        kept = kept[kept.groupby(SID).cumcount().to_numpy() < alloc[kept[SID].to_numpy()]]
        got = np.bincount(kept[SID].to_numpy(dtype=np.int64), minlength=len(counts))
        full = (got == alloc) & ~done
        parts.append(kept[full[kept[SID].to_numpy()]])
        done |= full
        if done.all():
            break
        # came short: four times the threshold, on the short strata only (the others pass nothing)
        thresholds = np.where(done, 0, np.minimum(HASH_SCALE, thresholds * 4))
    rows = pd.concat(parts).sort_values([SID, HASH], kind="stable").reset_index(drop=True)
    strata = rows[SID].to_numpy(dtype=np.int64)
    return RowSample(rows.drop(columns=[SID, HASH]), strata, table.reset_index(drop=True), backend, seed)


def sample_rows(
    data: Any,
    *,
    columns: Mapping[str, str] | Sequence[str],
    sensitive_features: Sequence[str] = (),
    size: int,
    seed: int = 0,
    engine: str | None = None,
    duckdb: DuckDBSettings | None = None,
    spark: SparkSettings | None = None,
    spark_session: Any = None,
    _margin: float = 1.0,
) -> RowSample:
    """Draw a stratified sample of ``size`` rows (proportional, at least one per stratum) where the rows are.

    Parameters
    ----------
    data : str, Path, list of Path, pandas.DataFrame or pyspark.sql.DataFrame
        Parquet/CSV file(s) or a glob (read by DuckDB or Spark), or a DataFrame.
    columns : mapping of column to role, or list of columns
        The columns to bring back (the role names a missing column in the error).
    sensitive_features : list of str
        The strata: every combination of their values present, missing as its own value.
    size : int
        Rows wanted (more when there are more strata than rows wanted; fewer when the data is smaller).
    seed : int
        Seed of the row hashes: the same data and seed give the same sample.
    engine : {"memory", "duckdb", "spark"}, optional
        Default: spark for a Spark DataFrame, memory for a pandas DataFrame, duckdb for files.
        ``duckdb`` with a pandas DataFrame runs DuckDB over it.
    duckdb, spark : DuckDBSettings, SparkSettings, optional
        Memory limit and spill folder of DuckDB; the session Spark reads files with.
    spark_session : SparkSession, optional
        An existing session to read files with.

    Returns
    -------
    RowSample

    Raises
    ------
    ColumnError
        A column is not in the data.
    InputDataError
        No file matched, the data is empty or cannot be read.
    """
    keys = list(dict.fromkeys(sensitive_features))
    roles = dict(columns) if isinstance(columns, Mapping) else {c: "column" for c in columns}
    roles.update({k: "sensitive feature" for k in keys if k not in roles})
    needed = list(roles)
    is_spark = hasattr(data, "sparkSession")
    engine = engine or ("spark" if is_spark else "memory" if isinstance(data, pd.DataFrame) else "duckdb")
    if engine == "memory":
        if not isinstance(data, pd.DataFrame):
            raise InputDataError(_MSG_ENGINE.format(what=type(data).__name__, engine=engine))
        _check_columns(data, roles)
        return _draw(PandasEngine(data, keys, needed, seed), keys, size, seed, _margin, "memory")
    if engine == "spark":
        frame = read_frame(data, spark=spark_session, settings=spark)
        _check_columns(frame, roles)
        return _draw(SparkEngine(frame, keys, needed, seed), keys, size, seed, _margin, "spark")
    if is_spark:
        raise InputDataError(_MSG_ENGINE.format(what="a Spark DataFrame", engine=engine))
    return _duckdb_sample(data, roles, keys, size, seed, duckdb, _margin)


def _duckdb_sample(data: Any, roles: dict[str, str], keys: list[str], size: int, seed: int,
                   settings: DuckDBSettings | None, margin: float) -> RowSample:
    import duckdb

    con = connect(settings)
    shown = "the DataFrame"
    try:
        if isinstance(data, pd.DataFrame):
            relation, row_ids = con.from_df(data), False
        else:
            files = [Path(p) for p in data] if isinstance(data, (list, tuple)) else expand_paths(data)
            names = [str(p) for p in files]
            shown = str(data) if not isinstance(data, (list, tuple)) else ", ".join(names)
            row_ids = Path(names[0]).suffix.lower() != ".csv"
            relation = (con.read_parquet(names, file_row_number=True, filename=True) if row_ids
                        else con.read_csv(names))
        _check_columns(relation, roles)
        with duckdb_progress(con, f"DuckDB: sampling {shown}"):
            return _draw(DuckDBEngine(con, relation, keys, list(roles), seed, row_ids), keys, size, seed, margin,
                         "duckdb")
    except duckdb.Error as exc:
        raise_if_interruption(exc)
        raise InputDataError(_MSG_UNREADABLE.format(path=shown, engine="DuckDB", error=first_line(exc))) from None
    finally:
        con.close()


@dataclass(frozen=True)
class RowSource:
    """Rows a backend holds, and what each column means, for an auditor that needs a sample of them.

    The explainability auditor draws its sample from it (:meth:`draw`), with its own size and seed.

    Attributes
    ----------
    data : tuple of Path, pandas.DataFrame or pyspark.sql.DataFrame
        The files (or frame) holding the rows.
    engine : {"memory", "duckdb", "spark"}
        Where the sample is drawn.
    features : tuple of str
        The model's input columns.
    sensitive_features : tuple of str
        The strata.
    label, prediction, score : str, optional
        Observed outcomes, recorded decisions, recorded scores.
    favourable_label : object
        The favourable value of the label and decisions.
    threshold : float, optional
        With recorded scores and no decisions: decide favourably when score >= threshold.
    case_id : str, optional
        Column identifying each case (names the sampled cases in case-level outputs).
    duckdb, spark : DuckDBSettings, SparkSettings, optional
        Engine settings.
    """

    data: Any
    engine: str
    features: tuple[str, ...]
    sensitive_features: tuple[str, ...] = ()
    label: str | None = None
    prediction: str | None = None
    score: str | None = None
    favourable_label: Any = 1
    threshold: float | None = None
    case_id: str | None = None
    duckdb: DuckDBSettings | None = None
    spark: SparkSettings | None = field(default=None)

    @property
    def columns(self) -> dict[str, str]:
        """Every column the sample brings back, with its role."""
        roles = {c: "model feature" for c in self.features}
        roles.update({c: "sensitive feature" for c in self.sensitive_features if c not in roles})
        for column, role in ((self.label, "label"), (self.prediction, "recorded decision"),
                             (self.score, "recorded score"), (self.case_id, "case id")):
            if column:
                roles.setdefault(column, role)
        return roles

    def draw(self, size: int, seed: int = 0) -> RowSample:
        """A stratified sample of about ``size`` rows (see :func:`sample_rows`)."""
        return sample_rows(self.data, columns=self.columns, sensitive_features=self.sensitive_features,
                           size=size, seed=seed, engine=self.engine, duckdb=self.duckdb, spark=self.spark)
