"""Write a record's report files atomically."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

import pandas as pd

from govaudit.records._record import AuditRecord
from govaudit.report import _json, _junit
from govaudit.report._json import ensure_record

__all__ = ["JSON_NAME", "atomic_write_parquet", "atomic_write_text", "write_reports"]

#: File name of the JSON record inside the output folder.
JSON_NAME = "record.json"
_NEW_FILE_MODE = 0o644
#: Case-level files hold individual-level data: owner only.
_CASE_FILE_MODE = 0o600


def atomic_write_text(path: Path, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` so that readers see either the old file or the new one.

    The text goes to a temporary file in the same folder, is flushed to disk, and then replaces
    ``path`` with :func:`os.replace`. On any error the temporary file is removed and an existing
    ``path`` is left exactly as it was. Missing parent folders are created.
    """
    path = Path(path)
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
    """Write ``table`` as Parquet to ``path`` atomically (temporary file, fsync, rename)."""
    path = Path(path)
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


def write_reports(
    record: AuditRecord, out_dir: Path, *, junit: Path | None = None, case_files: bool = False,
    strict: bool = False,
) -> dict[str, Path]:
    """Write ``out_dir/record.json`` and, if ``junit`` is given, a JUnit XML file.

    Every report is rendered before any file is touched, and each file is written atomically, so
    a failure (in rendering or writing) never leaves a half-written file or alters an earlier one.

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
        If a folder cannot be created or a file cannot be written.
    """
    record = ensure_record(record)
    # Look the renderers up through their modules at call time so that they can be replaced in tests.
    rendered: dict[str, tuple[Path, str]] = {
        "json": (Path(out_dir) / JSON_NAME, _json.render_json(record) + "\n"),
    }
    if junit is not None:
        rendered["junit"] = (Path(junit), _junit.render_junit(record, strict=strict))

    written: dict[str, Path] = {}
    if case_files:  # before the record, so that a record on disk never points at a missing file
        for table in record.case_tables:
            written[table.name] = atomic_write_parquet(Path(out_dir) / f"{table.name}.parquet", table.rows())
    for kind, (path, text) in rendered.items():
        written[kind] = atomic_write_text(path, text)
    return written
