"""Content hashes (SHA-256, lower-case hex) for artifacts recorded in an audit."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from govaudit.exceptions import InputDataError

__all__ = ["CHUNK_SIZE", "sha256_bytes", "sha256_file", "sha256_text"]

#: Bytes read at a time when hashing a file, so large files never sit in memory whole.
CHUNK_SIZE = 1024 * 1024

MSG_FILE_MISSING = "cannot hash {path}: no such file"
MSG_NOT_A_FILE = "cannot hash {path}: not a regular file"
MSG_UNREADABLE = "cannot hash {path}: {reason}"


def sha256_file(path: str | os.PathLike[str]) -> str:
    """SHA-256 of a file's bytes, read in 1 MiB chunks.

    Parameters
    ----------
    path : str or path-like
        The file to hash.

    Returns
    -------
    str
        64 lower-case hexadecimal characters.

    Raises
    ------
    InputDataError
        If the file does not exist, is a directory, or cannot be read; the message names the path.
    """
    p = Path(path)
    if not p.exists():
        raise InputDataError(MSG_FILE_MISSING.format(path=p))
    if not p.is_file():
        raise InputDataError(MSG_NOT_A_FILE.format(path=p))
    digest = hashlib.sha256()
    try:
        with p.open("rb") as fh:
            for chunk in iter(lambda: fh.read(CHUNK_SIZE), b""):
                digest.update(chunk)
    except FileNotFoundError as exc:  # removed between the check and the read
        raise InputDataError(MSG_FILE_MISSING.format(path=p)) from exc
    except OSError as exc:
        raise InputDataError(MSG_UNREADABLE.format(path=p, reason=exc.strerror or exc)) from exc
    return digest.hexdigest()


def sha256_bytes(data: bytes) -> str:
    """SHA-256 of ``data`` as 64 lower-case hexadecimal characters."""
    return hashlib.sha256(data).hexdigest()


def sha256_text(text: str) -> str:
    """SHA-256 of ``text`` encoded as UTF-8."""
    return sha256_bytes(text.encode("utf-8"))
