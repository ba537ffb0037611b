"""Exceptions raised by govaudit.

Every error a user can cause is a subclass of :class:`GovauditError`, so a caller (and the CLI)
can catch one type and print one line. The hierarchy::

    GovauditError
    ├── SpecError              an audit spec is unreadable, has an unknown key or a wrong type
    ├── InputDataError         a data file or array is missing, malformed or inconsistent
    │   └── ColumnError        a named column is absent or holds the wrong kind of values
    ├── ModelLoadError         a model artifact is missing, untrusted or not loadable
    ├── AuditorError           an auditor is unknown, failed to load, or broke its contract
    └── LedgerIntegrityError   a stored record does not match its hash chain or signature
        └── LedgerEntryError   ... and this is the first entry that does not (``entry``, ``problem``)

    GovauditWarning (UserWarning)
    └── UndefinedMetricWarning a metric has a zero denominator for a group and is reported as null

Messages name the file, field or column and what was expected; tests match them.
"""

from __future__ import annotations

__all__ = [
    "AuditorError",
    "ColumnError",
    "GovauditError",
    "GovauditWarning",
    "InputDataError",
    "LedgerEntryError",
    "LedgerIntegrityError",
    "ModelLoadError",
    "SpecError",
    "UndefinedMetricWarning",
    "first_line",
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


class ModelLoadError(GovauditError):
    """A model artifact is missing, of an untrusted format, or cannot be loaded."""


class AuditorError(GovauditError):
    """An auditor is unknown, failed to import, or returned something other than findings."""


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
        ``unknown_key``, ``truncated``, ``checkpoint_invalid`` or ``damaged``.
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
