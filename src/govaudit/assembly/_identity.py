"""What the record says about each input: the hash, path and size that identify it.

An in-memory table is identified by the SHA-256 of one line per column, in column order::

    <column name>\t<dtype>\t<rows>\t<sha256 of the column's values, hex>\n

where a column's values are hashed as its raw little-endian bytes for numpy numbers, booleans and
times (no copy, no conversion); as its category codes (int64) followed by the line hash of its
categories for a Categorical; and as pandas' ``hash_pandas_object`` values (uint64, index
excluded) for anything else (strings, nullable and Arrow-backed types). Anyone holding the same
table computes the same digest with :func:`frame_digest`.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from govaudit.records import ArtifactIdentity, sha256_bytes, sha256_file

__all__ = ["file_identity", "frame_digest", "frame_identity", "spark_identity"]


def file_identity(role: str, path: Path, name: str | None = None, **extra: Any) -> ArtifactIdentity:
    """A file's identity: its sha256, path and size."""
    return ArtifactIdentity(role=role, name=name or path.name, sha256=sha256_file(path), path=str(path),
                            size_bytes=path.stat().st_size, **extra)


def _column_digest(values: pd.Series) -> str:
    dtype = values.dtype
    if isinstance(dtype, np.dtype) and dtype.kind in "biufcmM":
        array = np.ascontiguousarray(values.to_numpy(copy=False))
        if sys.byteorder != "little" or array.dtype.byteorder == ">":
            array = array.astype(array.dtype.newbyteorder("<"))
        return hashlib.sha256(array.view(np.uint8)).hexdigest()
    if isinstance(dtype, pd.CategoricalDtype):
        codes = np.ascontiguousarray(values.cat.codes.to_numpy(), dtype="<i8")
        categories = frame_digest(pd.DataFrame({"categories": dtype.categories}))
        return hashlib.sha256(codes.view(np.uint8).tobytes() + categories.encode()).hexdigest()
    hashed = pd.util.hash_pandas_object(values, index=False).to_numpy().astype("<u8")
    return hashlib.sha256(np.ascontiguousarray(hashed).view(np.uint8)).hexdigest()


def frame_digest(frame: pd.DataFrame) -> str:
    """SHA-256 (hex) of a table's columns, names and dtypes, as the module docstring defines it."""
    lines = [f"{name}\t{values.dtype}\t{len(values)}\t{_column_digest(values)}\n"
             for name, values in frame.items()]
    return sha256_bytes("".join(lines).encode("utf-8"))


def frame_identity(frame: pd.DataFrame, role: str = "data") -> ArtifactIdentity:
    """An in-memory table's identity: :func:`frame_digest` and its number of rows."""
    return ArtifactIdentity(role=role, name="in-memory table", sha256=frame_digest(frame), rows=len(frame))


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
