"""The release gate: a record's verdict as a process exit code.

Exit codes (documented in the README and ``govaudit run --help``):

- 0: every gate passed (warnings allowed unless ``strict``);
- 1: a gate failed or could not be evaluated (inconclusive), an auditor errored, or (with ``strict``)
  a check warned;
- 2: bad input: the spec, a data file, a column or the model is wrong; nothing was recorded;
- 3: an internal error in govaudit itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from govaudit.records import AuditRecord

__all__ = ["EXIT_BAD_INPUT", "EXIT_GATE_FAILED", "EXIT_INTERNAL", "EXIT_OK", "exit_code"]

EXIT_OK = 0
EXIT_GATE_FAILED = 1
EXIT_BAD_INPUT = 2
EXIT_INTERNAL = 3


def exit_code(record: AuditRecord, *, strict: bool = False) -> int:
    """Exit code for ``record``: fail, error and inconclusive block; warn blocks only when ``strict``."""
    from govaudit.records import Verdict  # the CLI imports this module: keep pydantic off `govaudit --help`

    if record.verdict in (Verdict.FAIL, Verdict.ERROR, Verdict.INCONCLUSIVE):
        return EXIT_GATE_FAILED
    if strict and record.verdict is Verdict.WARN:
        return EXIT_GATE_FAILED
    return EXIT_OK
