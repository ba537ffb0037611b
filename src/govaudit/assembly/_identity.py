"""What the record says about each input: the hash, path and size that identify it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from govaudit.records import ArtifactIdentity, sha256_bytes, sha256_file

__all__ = ["file_identity", "frame_identity", "spark_identity"]


def file_identity(role: str, path: Path, name: str | None = None, **extra: Any) -> ArtifactIdentity:
    """A file's identity: its sha256, path and size."""
    return ArtifactIdentity(role=role, name=name or path.name, sha256=sha256_file(path), path=str(path),
                            size_bytes=path.stat().st_size, **extra)


def frame_identity(frame: pd.DataFrame, role: str = "data") -> ArtifactIdentity:
    """An in-memory table's identity: the hash of its row hashes, column names and dtypes."""
    rows = pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes()
    header = "|".join(f"{c}:{t}" for c, t in frame.dtypes.astype(str).items()).encode()
    return ArtifactIdentity(role=role, name="in-memory table", sha256=sha256_bytes(header + rows), rows=len(frame))


def spark_identity(frame: Any, role: str, counts: pd.DataFrame | None = None,
                   rows: int | None = None) -> ArtifactIdentity:
    """A Spark DataFrame's identity: its schema, with the per-group ``counts`` when they were aggregated.

    Hashing every row would be another pass over data that may span a cluster.
    """
    content = frame.schema.json().encode()
    if counts is None:
        return ArtifactIdentity(role=role, name="Spark DataFrame (schema)", sha256=sha256_bytes(content))
    return ArtifactIdentity(role=role, name="Spark DataFrame (schema and per-group counts)",
                            sha256=sha256_bytes(content + counts.to_csv(index=False).encode()), rows=rows)
