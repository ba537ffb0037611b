"""What every provenance check reads: the manifest, the files the audit used, their hashes and tables."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from govaudit.provenance._config import ProvenanceConfig
from govaudit.core import AuditSubject, Finding, Principle, Severity, Status
from govaudit.inputs import load_table
from govaudit.provenance._manifest import DataManifest, DatasetSpec, todo_fields
from govaudit.records import sha256_file

__all__ = ["ROLE_WORDS", "Context", "finding", "incomplete_fields"]

#: How each file role is named in messages.
ROLE_WORDS = {
    "data": "evaluation data",
    "training_data": "training data",
    "decision_log": "decision log",
    "model": "model artifact",
    "control_sample": "control sample",
}
#: Roles whose files hold tables the quality checks read.
TABLE_ROLES = ("training_data", "data")
#: Sensitive columns with more distinct values than this are not used as groupings.
MAX_GROUPS = 50


def finding(check: str, status: Status, message: str, *, severity: Severity | None = None,
            principles: tuple[Principle, ...] = (Principle.TRANSPARENCY,), references: tuple[str, ...] = (),
            **kwargs: Any) -> Finding:
    """A provenance finding; severity follows the status unless given."""
    if severity is None:
        severity = {Status.FAIL: Severity.HIGH, Status.WARN: Severity.MEDIUM}.get(status, Severity.INFO)
    return Finding(auditor="provenance", check=f"provenance.{check}", status=status, severity=severity,
                   message=message, principles=principles, references=references, **kwargs)


def incomplete_fields(spec: DatasetSpec) -> list[str]:
    """Fields of a dataset entry that still need a person: TODO placeholders and conditional gaps."""
    missing = todo_fields(spec)
    if spec.supplier and not spec.licence:
        missing.append("licence (third-party data)")
    if any(c.personal_data for c in spec.columns) and not spec.legal_basis:
        missing.append("legal_basis (personal data)")
    if spec.lineage is None and spec.supplier is None and not spec.columns:
        missing.append("columns")
    return missing


@dataclass
class Context:
    """Shared, lazily computed inputs of one provenance run."""

    manifest: DataManifest
    config: ProvenanceConfig
    subject: AuditSubject
    as_of: date
    _hashes: dict[Path, str] = field(default_factory=dict)
    _tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    _matches: dict[str, str | None] | None = None

    @property
    def used(self) -> dict[str, Path]:
        """Files the audit read, by role (the manifest itself excluded)."""
        return {role: Path(p) for role, p in self.subject.files.items() if role != "manifest"}

    def sha256(self, path: Path) -> str:
        """The file's hash, computed once per run."""
        key = path.resolve()
        if key not in self._hashes:
            self._hashes[key] = sha256_file(key)
        return self._hashes[key]

    def local_path(self, spec: DatasetSpec) -> Path | None:
        """A dataset's resolved local path (None for a URI-only entry)."""
        return self.manifest.resolve(spec.path) if spec.path is not None else None

    @property
    def matches(self) -> dict[str, str | None]:
        """Role -> name of the manifest dataset declaring that file (by path, else by hash), or None."""
        if self._matches is None:
            self._matches = {}
            by_path = {self.local_path(s).resolve(): n for n, s in self.manifest.sources.items()  # type: ignore[union-attr]
                       if s.path is not None}
            for role, path in self.used.items():
                if role == "model":
                    continue
                name = by_path.get(path.resolve())
                if name is None and path.is_file():
                    digest = self.sha256(path)
                    name = next((n for n, s in self.manifest.sources.items() if s.sha256 == digest), None)
                self._matches[role] = name
        return self._matches

    def dataset_for(self, role: str) -> DatasetSpec | None:
        """The manifest entry declaring the file of ``role``, if any."""
        name = self.matches.get(role)
        return self.manifest.sources[name] if name else None

    def table(self, role: str) -> pd.DataFrame | None:
        """The table of ``role`` (``"data"`` or ``"training_data"``), read once; None when not used."""
        if role not in self._tables:
            path = self.used.get(role)
            if path is None:
                return None
            self._tables[role] = load_table(path)
        return self._tables[role]

    def tables(self) -> dict[str, pd.DataFrame]:
        """Every table the audit used, training data first."""
        return {role: t for role in TABLE_ROLES if (t := self.table(role)) is not None}

    def sensitive_columns(self, role: str, table: pd.DataFrame) -> list[str]:
        """Sensitive columns to group ``table`` by: configured, else the audit's and the manifest's."""
        if self.config.sensitive_features is not None:
            chosen = list(self.config.sensitive_features)
        else:
            chosen = list(self.subject.sensitive_features.columns) if self.subject.sensitive_features is not None else []
            spec = self.dataset_for(role)
            if spec is not None:
                chosen += [c.name for c in spec.columns if c.sensitive and c.name not in chosen]
        # a continuous column (e.g. age in years) is grouped through its banded twin, not value by value
        return [str(c) for c in chosen if c in table.columns and table[c].nunique() <= MAX_GROUPS]
