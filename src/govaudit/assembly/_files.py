"""Files read as they are (the data manifest, the training table): a path and its identity."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from govaudit.assembly._identity import file_identity
from govaudit.exceptions import InputDataError
from govaudit.records import ArtifactIdentity

__all__ = ["FileSource", "resolve_manifest", "resolve_training"]


@dataclass(frozen=True)
class FileSource:
    """A file an auditor reads itself, by role (``"manifest"``, ``"training_data"``).

    Attributes
    ----------
    role : str
        What the file is to the audit.
    path : Path
        Where it is.
    identity : ArtifactIdentity
        Its sha256, path and size.
    """

    role: str
    path: Path
    identity: ArtifactIdentity

    @property
    def identities(self) -> tuple[ArtifactIdentity, ...]:
        """The file's identity, as the record lists it."""
        return (self.identity,)

    @property
    def files(self) -> dict[str, Path]:
        """``{role: path}``."""
        return {self.role: self.path}


def resolve_manifest(path: str | Path | None) -> FileSource | None:
    """The data manifest (TOML) the provenance auditor checks the other files against."""
    if path is None:
        return None
    path = Path(path)
    if not path.is_file():
        raise InputDataError(f"data manifest not found: {path}")
    return FileSource("manifest", path, file_identity("manifest", path))


def resolve_training(path: Path | None) -> FileSource | None:
    """The training table, which the provenance auditor compares with the evaluation data (e.g. for leakage)."""
    return FileSource("training_data", path, file_identity("training_data", path)) if path is not None else None
