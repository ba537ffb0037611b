"""Exceptions raised by govaudit.

Every error a user can cause is a subclass of :class:`GovauditError`, so a caller (and the CLI)
can catch one type and print one line. The hierarchy::

    GovauditError
    ├── SpecError              an audit spec is unreadable, has an unknown key or a wrong type
    ├── InputDataError         a data file or array is missing, malformed or inconsistent
    │   ├── ColumnError        a named column is absent or holds the wrong kind of values
    │   └── AIAAnswerError     an AIA answer names no question of the questionnaire, or no choice of its question
    ├── ModelLoadError         a model artifact is missing, untrusted or not loadable
    ├── AuditorError           an auditor is unknown, failed to load, or broke its contract
    ├── StorageFullError       the disk is full: a report or the ledger was not written (``path``); also an OSError
    ├── LedgerIntegrityError   a stored record does not match its hash chain or signature
    │   └── LedgerEntryError   ... and this is the first entry that does not (``entry``, ``problem``)
    └── AttestationError       a signed attestation fails verification (``problem``)

    GovauditWarning (UserWarning)
    └── UndefinedMetricWarning a metric has a zero denominator for a group and is reported as null

Messages name the file, field or column and what was expected; tests match them.
"""

from __future__ import annotations

import errno
import os
from typing import Any

__all__ = [
    "AIAAnswerError",
    "AttestationError",
    "AuditorError",
    "ColumnError",
    "GovauditError",
    "GovauditWarning",
    "InputDataError",
    "LedgerEntryError",
    "LedgerIntegrityError",
    "ModelLoadError",
    "SpecError",
    "StorageFullError",
    "UndefinedMetricWarning",
    "first_line",
    "read_input_file",
]


class GovauditError(Exception):
    """Base class of every error govaudit raises on bad input or a broken contract."""

    #: Exit code the CLI uses for this kind of error.
    exit_code: int = 2


class SpecError(GovauditError):
    """An audit spec cannot be read or does not validate."""


class InputDataError(GovauditError, ValueError):
    """Input data are missing, malformed, or inconsistent with each other."""


class ColumnError(InputDataError, KeyError):
    """A named column is absent or holds values of the wrong kind."""

    def __str__(self) -> str:  # KeyError would otherwise quote the message
        return str(self.args[0]) if self.args else ""


class AIAAnswerError(InputDataError):
    """An answer to Canada's AIA questionnaire does not fit it.

    Attributes
    ----------
    question : str
        The question name as the answers give it.
    problem : str
        ``unknown_question``, ``not_a_choice``, ``not_a_list`` (a checkbox question given one value),
        ``not_one_choice`` (a single-choice question given a list), ``repeated_choice``, or
        ``unanswered`` (no raw-risk question is answered, so no level can be computed).
    """

    def __init__(self, message: str, *, question: str, problem: str) -> None:
        super().__init__(message)
        self.question = question
        self.problem = problem


class ModelLoadError(GovauditError):
    """A model artifact is missing, of an untrusted format, or cannot be loaded."""


class AuditorError(GovauditError):
    """An auditor is unknown, failed to import, or returned something other than findings."""


class StorageFullError(GovauditError, OSError):
    """No space was left on the device while writing ``path``; the file (or ledger) is as it was before.

    Raised for ``ENOSPC`` from the operating system and for SQLite's "database or disk is full". It is
    also an :class:`OSError` (``errno.ENOSPC``), so code that handles failed writes handles it too.

    Attributes
    ----------
    path : str
        The file that could not be written.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = os.fspath(path)
        super().__init__(errno.ENOSPC, f"no space left on device while writing {self.path}", self.path)

    def __str__(self) -> str:  # OSError would prefix "[Errno 28]" and append the file name again
        return str(self.strerror)

    def __reduce__(self) -> tuple[Any, ...]:
        return type(self), (self.path,)


class LedgerIntegrityError(GovauditError):
    """A ledger entry does not match its hash chain or signature."""

    exit_code = 1


class LedgerEntryError(LedgerIntegrityError):
    """A ledger fails verification, and ``entry`` is the first entry that is wrong.

    Attributes
    ----------
    entry : int or None
        Number of the first bad entry (1-based), or ``None`` when the ledger as a whole is wrong
        (its checkpoint is missing or its Merkle root differs).
    problem : str
        ``content_changed``, ``signature_invalid``, ``entry_missing``, ``order_changed``,
        ``unknown_key``, ``truncated``, ``checkpoint_invalid``, ``damaged`` or ``history_changed`` (the
        ledger does not extend a trusted checkpoint given to the verifier).
    """

    def __init__(self, message: str, *, entry: int | None, problem: str) -> None:
        super().__init__(message)
        self.entry = entry
        self.problem = problem


class GovauditWarning(UserWarning):
    """Base class of govaudit's warnings."""


class UndefinedMetricWarning(GovauditWarning):
    """A metric is undefined for a group (zero denominator) and is reported as null."""


def first_line(exc: BaseException) -> str:
    """The first line of an exception's message (its type name when empty), for one-line errors."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def read_input_file(path: os.PathLike[str] | str, what: str) -> bytes:
    """The bytes of an input file, or an :class:`InputDataError` naming ``what`` and the path.

    The messages read ``<what> not found: <path>`` and ``<what> <path> cannot be read: <reason>``.
    """
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except FileNotFoundError:
        raise InputDataError(f"{what} not found: {path}") from None
    except OSError as exc:
        raise InputDataError(f"{what} {path} cannot be read: {exc.strerror or exc}") from None


class AttestationError(GovauditError):
    """A signed attestation (a DSSE envelope around an in-toto statement) fails verification.

    The CLI exits 1, as for a ledger that fails verification: the evidence is there but cannot be trusted.

    Attributes
    ----------
    problem : str
        ``malformed`` (not a DSSE envelope of an in-toto statement), ``signature_invalid`` (no
        signature by the given key verifies: tampered payload or signature, or another key), or
        ``subject_mismatch`` (the model file's sha256 is not the attested subject's).
    """

    exit_code = 1

    def __init__(self, message: str, *, problem: str) -> None:
        super().__init__(message)
        self.problem = problem
