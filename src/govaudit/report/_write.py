"""Write a record's report files atomically, after checking that every one of them can be written."""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

import pandas as pd

from govaudit.exceptions import InputDataError, StorageFullError
from govaudit.records._record import AuditRecord
from govaudit.report import _json, _junit
from govaudit.report._json import ensure_record

__all__ = ["JSON_NAME", "atomic_write_parquet", "atomic_write_text", "check_output_paths", "report_paths",
           "write_reports"]

#: File name of the JSON record inside the output folder.
JSON_NAME = "record.json"
_NEW_FILE_MODE = 0o644
#: Case-level files hold individual-level data: owner only.
_CASE_FILE_MODE = 0o600

MSG_CANNOT_WRITE = "cannot write {path}: {why}"
MSG_TWICE = "cannot write {path}: it is named for two outputs, the {first} and the {second}"


@contextlib.contextmanager
def _no_space_as_storage_full(path: Path) -> Iterator[None]:
    """Turn the operating system's "no space left" into :class:`StorageFullError` naming ``path``."""
    try:
        yield
    except OSError as exc:
        if exc.errno == errno.ENOSPC and not isinstance(exc, StorageFullError):
            raise StorageFullError(path) from exc
        raise


def atomic_write_text(path: Path, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` so that readers see either the old file or the new one.

    The text goes to a temporary file in the same folder, is flushed to disk, and then replaces
    ``path`` with :func:`os.replace`. On any error the temporary file is removed and an existing
    ``path`` is left exactly as it was. Missing parent folders are created. A full device raises
    :class:`~govaudit.exceptions.StorageFullError` naming ``path``.
    """
    path = Path(path)
    with _no_space_as_storage_full(path):
        return _write_text(path, text)


def _write_text(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        mode = path.stat().st_mode & 0o777
    except FileNotFoundError:
        mode = _NEW_FILE_MODE
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise
    return path


def atomic_write_parquet(path: Path, table: pd.DataFrame) -> Path:
    """Write ``table`` as Parquet to ``path`` atomically (temporary file, fsync, rename), like :func:`atomic_write_text`."""
    path = Path(path)
    with _no_space_as_storage_full(path):
        return _write_parquet(path, table)


def _write_parquet(path: Path, table: pd.DataFrame) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        table.to_parquet(tmp, index=False)
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.chmod(tmp, _CASE_FILE_MODE)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise
    return path


def report_paths(out_dir: Path, *, junit: Path | None = None, case_tables: Iterable[str] = ()) -> dict[str, Path]:
    """The files :func:`write_reports` writes, by the names it returns them under.

    ``{"json": out_dir/record.json}``, plus ``"junit"`` when ``junit`` is given, plus
    ``out_dir/<name>.parquet`` for each case table name.
    """
    paths = {name: _case_file(out_dir, name) for name in case_tables}
    paths["json"] = Path(out_dir) / JSON_NAME
    if junit is not None:
        paths["junit"] = Path(junit)
    return paths


def _case_file(out_dir: Path, name: str) -> Path:
    return Path(out_dir) / f"{name}.parquet"


def check_output_paths(paths: Mapping[str, Path | None]) -> None:
    """Refuse, before anything is written, output files that could not be written.

    Each path must not be a folder; the nearest of its parent folders that exists (where missing
    ones would be created) must be a folder that accepts a new file; and no two outputs may be the
    same file (a report must never replace another report, or the ledger). Nothing is created: the
    probe is an unnamed temporary file, gone when closed.

    Parameters
    ----------
    paths : mapping of str to Path or None
        Every file a run will write, by what it is (``"json"``, ``"html"``, ``"ledger"``, ...), as in
        the message naming two outputs that are the same file; ``None`` values are skipped.

    Raises
    ------
    InputDataError
        Naming the first path that cannot be written, and why.
    """
    seen: dict[Path, str] = {}
    for name, path in paths.items():
        if path is None:
            continue
        path = Path(path)
        try:
            _check_writable(path)
            key = path.resolve()
        except OSError as exc:  # e.g. a parent folder that cannot be searched
            raise InputDataError(MSG_CANNOT_WRITE.format(path=path, why=exc.strerror or exc)) from None
        if key in seen:
            raise InputDataError(MSG_TWICE.format(path=path, first=seen[key], second=name))
        seen[key] = name


def _check_writable(path: Path) -> None:
    if path.is_dir():
        raise InputDataError(MSG_CANNOT_WRITE.format(path=path, why="it is a folder"))
    folder = path.parent
    while not folder.exists() and not folder.is_symlink():  # the folders from here down will be created
        folder = folder.parent
    if not folder.is_dir():
        raise InputDataError(MSG_CANNOT_WRITE.format(path=path, why=f"{folder} is not a folder"))
    try:
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as exc:
        raise InputDataError(MSG_CANNOT_WRITE.format(
            path=path, why=f"the folder {folder} does not accept new files ({exc.strerror or exc})")) from None


def write_reports(
    record: AuditRecord, out_dir: Path, *, junit: Path | None = None, case_files: bool = False,
    strict: bool = False,
) -> dict[str, Path]:
    """Write ``out_dir/record.json`` and, if ``junit`` is given, a JUnit XML file.

    Every report is rendered before any file is touched, and each file is written atomically, so
    a failure (in rendering or writing) never leaves a half-written file or alters an earlier one.
    :func:`check_output_paths` over :func:`report_paths` refuses unwritable paths before a run.

    Parameters
    ----------
    record : AuditRecord
    out_dir : Path
        Folder for ``record.json``; created if missing.
    junit : Path or None
        Where to write the JUnit XML (relative paths are relative to the working directory, not to
        ``out_dir``); its folder is created if missing.
    case_files : bool
        Also write each of the record's case-level tables (``record.case_tables``) as
        ``out_dir/<name>.parquet``, readable by the owner only. They hold individual-level data, so
        only when the spec asks (``[output] case_files = true``).
    strict : bool
        The run blocks on warnings (``--strict``), so the JUnit file shows them as failures.

    Returns
    -------
    dict of str to Path
        ``{"json": <path>}`` plus ``"junit"`` when a JUnit file was written, plus each case file
        by its table name.

    Raises
    ------
    TypeError
        If ``record`` is not an :class:`AuditRecord`.
    OSError
        If a folder cannot be created or a file cannot be written (:class:`StorageFullError` when
        the device is full).
    """
    record = ensure_record(record)
    tables = record.case_tables if case_files else ()
    # Look the renderers up through their modules at call time so that they can be replaced in tests.
    rendered: dict[str, str] = {"json": _json.render_json(record) + "\n"}
    if junit is not None:
        rendered["junit"] = _junit.render_junit(record, strict=strict)

    written: dict[str, Path] = {}
    for table in tables:  # before the record, so that a record on disk never points at a missing file
        written[table.name] = atomic_write_parquet(_case_file(out_dir, table.name), table.rows())
    paths = report_paths(out_dir, junit=junit)
    for kind, text in rendered.items():
        written[kind] = atomic_write_text(paths[kind], text)
    return written
