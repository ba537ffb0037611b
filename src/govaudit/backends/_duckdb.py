"""DuckDB: aggregate Parquet/CSV files (paths or globs) larger than memory, within a memory limit."""

from __future__ import annotations

import glob
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from govaudit._interrupt import raise_if_interruption
from govaudit.exceptions import InputDataError, first_line

from ._progress import duckdb_progress
from ._source import CountsSource, counts_source_from_frame

__all__ = ["DuckDBSettings", "duckdb_counts_source", "expand_paths"]

_MSG_NO_FILES = "data file not found: {path}"
_MSG_SUFFIX = "{path}: unsupported data file type {suffix!r} for the duckdb backend; expected .parquet or .csv"
_MSG_MIXED = "{path}: the files matched mix CSV and Parquet; give one kind"
_MSG_UNREADABLE = "{path}: cannot be read by DuckDB: {error}"
_MSG_NOT_INSTALLED = "the duckdb backend needs the duckdb package (pip install duckdb)"

_PARQUET = (".parquet", ".pq")


class DuckDBSettings(BaseModel):
    """``[data.duckdb]``: how DuckDB may use memory and disk.

    Parameters
    ----------
    memory_limit : str
        Most memory DuckDB may use, e.g. ``"1GB"`` or ``"64MB"``; beyond it, it spills to disk.
    temp_directory : Path, optional
        Where it spills (default: DuckDB's own, ``.tmp`` beside an on-disk database or the system temp).
    threads : int, optional
        Worker threads (default: one per core).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    memory_limit: str = Field(default="1GB", pattern=r"^\s*\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)\s*$",
                              description="Most memory DuckDB may use, e.g. '1GB'; it spills to disk beyond it.")
    temp_directory: Path | None = Field(default=None, description="Where DuckDB spills to disk.")
    threads: int | None = Field(default=None, ge=1, description="Worker threads (default: one per core).")


def expand_paths(path: str | Path) -> list[Path]:
    """The files a path or glob names, sorted; an error naming the path when there are none."""
    text = str(path)
    matches = sorted(Path(p) for p in glob.glob(text)) if glob.has_magic(text) else [Path(text)]
    files = [p for p in matches if p.is_file()]
    if not files:
        raise InputDataError(_MSG_NO_FILES.format(path=text))
    suffixes = {p.suffix.lower() for p in files}
    for suffix in suffixes:
        if suffix not in (*_PARQUET, ".csv"):
            raise InputDataError(_MSG_SUFFIX.format(path=text, suffix=suffix))
    if ".csv" in suffixes and suffixes & set(_PARQUET):
        raise InputDataError(_MSG_MIXED.format(path=text))
    return files


def connect(settings: DuckDBSettings | None = None) -> Any:
    """An in-memory DuckDB connection with the memory limit, spill folder and threads set."""
    try:
        import duckdb
    except ImportError:  # pragma: no cover - duckdb is a core dependency
        raise InputDataError(_MSG_NOT_INSTALLED) from None
    settings = settings or DuckDBSettings()
    config: dict[str, Any] = {"memory_limit": settings.memory_limit.replace(" ", "")}
    if settings.temp_directory is not None:
        settings.temp_directory.mkdir(parents=True, exist_ok=True)
        config["temp_directory"] = str(settings.temp_directory)
    if settings.threads is not None:
        config["threads"] = settings.threads
    con = duckdb.connect(":memory:", config=config)
    con.execute("SET TimeZone = 'UTC'")  # timestamps with a zone read as UTC, whatever the machine's zone
    # DuckDB prints its own bar to stdout after 2 s, even into pipes and logs; ours draws on a terminal only
    con.execute("SET enable_progress_bar_print = false")
    return con


def duckdb_counts_source(
    path: str | Path | Sequence[Path],
    *,
    settings: DuckDBSettings | None = None,
    **roles: Any,
) -> CountsSource:
    """Aggregate Parquet or CSV file(s) with DuckDB, never loading the rows into pandas.

    Parameters
    ----------
    path : str, Path or list of Path
        A file, a glob such as ``"logs/2025-*.parquet"``, or a list of files of one kind.
    settings : DuckDBSettings, optional
        Memory limit, spill folder and threads.
    **roles
        Column roles: ``sensitive_features``, ``label``, ``prediction``, ``score``,
        ``favourable_label``, ``threshold`` (see :func:`counts_source_from_frame`).

    Returns
    -------
    CountsSource

    Raises
    ------
    InputDataError
        No file matched, a file type is not supported, or DuckDB cannot read the files.
    """
    with read_files(path, settings) as relation:
        return counts_source_from_frame(relation, backend="duckdb", **roles)


@contextmanager
def read_files(path: str | Path | Sequence[Path], settings: DuckDBSettings | None = None) -> Iterator[Any]:
    """A DuckDB relation over Parquet or CSV file(s), open for the ``with`` block; DuckDB errors name the path."""
    import duckdb

    files = list(path) if isinstance(path, (list, tuple)) else expand_paths(path)
    shown = str(path) if not isinstance(path, (list, tuple)) else ", ".join(map(str, files))
    con = connect(settings)
    try:
        names = [str(p) for p in files]
        is_csv = Path(names[0]).suffix.lower() == ".csv"
        with duckdb_progress(con, f"DuckDB: aggregating {shown}"):
            yield con.read_csv(names) if is_csv else con.read_parquet(names)
    except duckdb.Error as exc:
        raise_if_interruption(exc)
        first = first_line(exc)
        raise InputDataError(_MSG_UNREADABLE.format(path=shown, error=first)) from None
    finally:
        con.close()
