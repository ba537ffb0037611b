"""Streaming profile of a CSV or Parquet file: row count, column types, missing values, ranges, few values.

The file is read in record batches (pyarrow's streaming CSV reader, Parquet row groups), so memory
stays bounded by one batch and the per-column summaries, whatever the file's size.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from govaudit._interrupt import raise_if_interruption
from govaudit.exceptions import InputDataError, first_line

__all__ = ["ColumnProfile", "TableProfile", "column_type", "iter_batches", "profile_table", "table_schema"]

#: Bytes of CSV parsed per batch. Kept small because pyarrow's reader reads up to 32 blocks ahead on
#: a background thread: memory is about 32 blocks, whatever the file's size.
CSV_BLOCK_SIZE = 256 * 1024
#: Bytes at the start of a CSV that column types are inferred from (then fixed for every batch).
CSV_INFER_BYTES = 4 * 1024 * 1024
#: Rows per Parquet batch.
PARQUET_BATCH_ROWS = 256 * 1024
#: A column with at most this many distinct values is reported with its values (low cardinality).
MAX_DISTINCT = 20

MSG_MISSING = "data file not found: {path}"
MSG_SUFFIX = "{path}: cannot profile {suffix!r} files; expected .csv or .parquet"
MSG_UNREADABLE = "{path}: cannot be read as {kind}: {error}"


def column_type(arrow_type: pa.DataType) -> str:
    """The manifest column type (see ``COLUMN_TYPES``) of an Arrow type."""
    if pa.types.is_boolean(arrow_type):
        return "boolean"
    if pa.types.is_integer(arrow_type):
        return "integer"
    if pa.types.is_floating(arrow_type) or pa.types.is_decimal(arrow_type):
        return "float"
    if pa.types.is_timestamp(arrow_type):
        return "datetime"
    if pa.types.is_date(arrow_type):
        return "date"
    if pa.types.is_dictionary(arrow_type):
        return "category"
    return "string"


@dataclass
class ColumnProfile:
    """What one streaming pass learned about a column.

    Attributes
    ----------
    name : str
    type : str
        Manifest column type inferred from the data.
    missing : int
        Missing (null) values.
    min, max : float or str or None
        Range of the non-missing values (numbers, dates as ISO text).
    values : list or None
        The distinct non-missing values, sorted, when there are at most ``MAX_DISTINCT``; else None.
    sample : list
        Up to 200 non-missing values from the first batch, kept in memory for identifier guessing only.
    """

    name: str
    type: str
    missing: int = 0
    min: Any = None
    max: Any = None
    values: list[Any] | None = field(default_factory=list)
    sample: list[Any] = field(default_factory=list, repr=False)


@dataclass
class TableProfile:
    """Row count and column profiles of a file."""

    path: Path
    format: str
    rows: int
    columns: list[ColumnProfile]

    def column(self, name: str) -> ColumnProfile | None:
        """The profile of column ``name``, or None."""
        return next((c for c in self.columns if c.name == name), None)


def _kind(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return "csv"
    if suffix in (".parquet", ".pq"):
        return "parquet"
    raise InputDataError(MSG_SUFFIX.format(path=path, suffix=suffix))


def _check_file(path: Path) -> None:
    if path.is_dir():
        raise InputDataError(f"{path}: is a folder; expected a .csv or .parquet file")
    if not path.is_file():
        raise InputDataError(MSG_MISSING.format(path=path))


def _csv_types(path: Path) -> dict[str, pa.DataType] | None:
    """Column types inferred from the first ``CSV_INFER_BYTES`` (all-missing columns become strings)."""
    with path.open("rb") as fh:
        head = fh.read(CSV_INFER_BYTES)
        if fh.read(1):  # more follows: parse whole lines only
            head = head[: head.rfind(b"\n") + 1]
    try:
        sample = pa_csv.read_csv(pa.BufferReader(head), read_options=pa_csv.ReadOptions(use_threads=False),
                                 convert_options=pa_csv.ConvertOptions(strings_can_be_null=True))
    except (pa.ArrowInvalid, pa.ArrowException) as exc:
        raise_if_interruption(exc)
        return None  # e.g. a quoted field spanning the cut: let the streaming reader infer
    return {f.name: pa.string() if pa.types.is_null(f.type) else f.type for f in sample.schema}


def iter_batches(path: str | Path) -> Iterator[pa.RecordBatch]:
    """Record batches of a CSV or Parquet file, read one at a time.

    Raises
    ------
    InputDataError
        The file is missing, of another type, or cannot be parsed (e.g. a CSV column whose values
        change type after the first block); the message names the file.
    """
    path = Path(path)
    _check_file(path)
    kind = _kind(path)
    try:
        if kind == "csv":
            # empty fields are missing, as pandas.read_csv (and so the auditor) reads them; types are
            # inferred once from a large sample, so small blocks cannot disagree about a column's type
            convert = pa_csv.ConvertOptions(strings_can_be_null=True, column_types=_csv_types(path) or {})
            reader = pa_csv.open_csv(path, read_options=pa_csv.ReadOptions(block_size=CSV_BLOCK_SIZE),
                                     convert_options=convert)
            yield from reader
        else:
            yield from pq.ParquetFile(path).iter_batches(batch_size=PARQUET_BATCH_ROWS)
    except (pa.ArrowInvalid, pa.ArrowException, OSError) as exc:
        raise_if_interruption(exc)
        first = first_line(exc)
        raise InputDataError(MSG_UNREADABLE.format(path=path, kind=kind.upper() if kind == "csv" else "Parquet",
                                                   error=first)) from None


def table_schema(path: str | Path) -> tuple[int, dict[str, str]]:
    """Row count and ``{column: manifest type}`` of a file; cheap for Parquet (its footer), one pass for CSV."""
    path = Path(path)
    _check_file(path)
    if _kind(path) == "parquet":
        try:
            meta = pq.ParquetFile(path)
        except (pa.ArrowInvalid, pa.ArrowException, OSError) as exc:
            raise_if_interruption(exc)
            raise InputDataError(MSG_UNREADABLE.format(path=path, kind="Parquet", error=str(exc).splitlines()[0])) from None
        return meta.metadata.num_rows, {f.name: column_type(f.type) for f in meta.schema_arrow}
    rows, types = 0, {}
    for batch in iter_batches(path):
        rows += batch.num_rows
        types = types or {f.name: column_type(f.type) for f in batch.schema}
    return rows, types


def _plain(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _update(profile: ColumnProfile, array: pa.Array, first: bool) -> None:
    profile.missing += array.null_count
    valid = pc.drop_null(array)
    if len(valid) == 0:
        return
    if pa.types.is_dictionary(valid.type):
        valid = valid.dictionary_decode()
    if first:
        profile.sample = valid.slice(0, 200).to_pylist()
    if profile.type in ("integer", "float", "date", "datetime"):
        bounds = pc.min_max(valid)  # Arrow skips NaN as well as nulls
        lo, hi = bounds["min"].as_py(), bounds["max"].as_py()
        if lo is not None:
            profile.min = lo if profile.min is None else min(profile.min, lo)
            profile.max = hi if profile.max is None else max(profile.max, hi)
    if profile.values is not None:
        distinct = set(profile.values) | set(pc.unique(valid).to_pylist())
        profile.values = sorted(distinct, key=str) if len(distinct) <= MAX_DISTINCT else None


def profile_table(path: str | Path) -> TableProfile:
    """Profile a CSV or Parquet file in one streaming pass.

    Parameters
    ----------
    path : str or Path
        ``.csv`` or ``.parquet`` file.

    Returns
    -------
    TableProfile
        Row count, and per column: inferred type, missing count, min/max, distinct values when few.

    Raises
    ------
    InputDataError
        The file is missing, of another type, or cannot be parsed.
    """
    path = Path(path)
    rows = 0
    columns: list[ColumnProfile] = []
    for i, batch in enumerate(iter_batches(path)):
        if i == 0:
            columns = [ColumnProfile(f.name, column_type(f.type)) for f in batch.schema]
        rows += batch.num_rows
        for profile, array in zip(columns, batch.columns):
            _update(profile, array, first=i == 0)
    for profile in columns:
        profile.min, profile.max = _plain(profile.min), _plain(profile.max)
        if profile.values is not None:
            profile.values = [_plain(v) for v in profile.values]
    return TableProfile(path=path, format=_kind(path), rows=rows, columns=columns)
