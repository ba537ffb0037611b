"""What the built-in auditors share: settings handling, the skipped finding, the report of group tables."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import pandas as pd
from pydantic import BaseModel

from govaudit.core import Finding, Severity, Status

__all__ = ["ConfiguredAuditor", "GroupTablesReport", "skipped_finding"]


def skipped_finding(auditor: str, missing: list[str], *, label: str | None = None, hint: str = "") -> Finding:
    """The ``<auditor>.requirements`` finding of an auditor that had nothing to audit.

    Parameters
    ----------
    auditor : str
        The auditor's name (the check is ``<auditor>.requirements``).
    missing : list of str
        The inputs the audit lacks, recorded as evidence and named in the message.
    label : str, optional
        How the message names the auditor (default: its name).
    hint : str
        Appended to the message, e.g. the spec fields that would supply what is missing.

    Returns
    -------
    Finding
        ``skipped`` and ``info``: it never blocks, and a profile counts it as not evaluated.
    """
    message = f"The {label or auditor} auditor was skipped: the audit has no {' or '.join(missing)}"
    return Finding(auditor=auditor, check=f"{auditor}.requirements", status=Status.SKIPPED, severity=Severity.INFO,
                   evidence={"missing": list(missing)}, message=f"{message}{' ' + hint if hint else ''}.")


class ConfiguredAuditor:
    """What every built-in auditor shares: settings checked by its ``Config`` model, and shown back.

    As scikit-learn estimators do, an auditor takes its settings as keyword arguments, validates
    them once (a bad one raises pydantic's ``ValidationError`` naming the field), and gives them back
    with :meth:`get_params` for the record.
    """

    Config: ClassVar[type[BaseModel]]
    config: Any

    def __init__(self, **settings: Any) -> None:
        self.config = self.Config.model_validate(settings)

    def get_params(self) -> dict[str, Any]:
        """The configuration as plain JSON values (written into the record)."""
        return self.config.model_dump(mode="json")

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.config!r})"


@dataclass(frozen=True)
class GroupTablesReport:
    """What a group-comparing auditor measured, for use from Python: its findings and tables.

    Attributes
    ----------
    findings : list of Finding
        The findings (the same ones a run records, before the audit-wide significance correction).
    by_group : dict of str to pandas.DataFrame
        For each sensitive feature or intersection, one table (its columns are the auditor's). The
        tables are not suppressed: the findings are.
    """

    findings: list[Finding]
    by_group: dict[str, pd.DataFrame]

    @property
    def passed(self) -> bool:
        """True when no finding blocks a release (fail, error, or an unaccepted inconclusive)."""
        return not any(f.blocking for f in self.findings)
