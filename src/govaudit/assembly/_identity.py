"""What the record says about each input: the hash, path and size that identify it.

An in-memory table is identified by the SHA-256 of one line per column, in column order::

    <column name>\t<dtype>\t<rows>\t<sha256 of the column's values, hex>\n

where a column's values are hashed as:

- numpy numbers, booleans and times: their raw little-endian bytes (no copy, no conversion);
- a Categorical: its codes (little-endian, in the integer width pandas gives them for its number of
  categories: int8 up to 127 categories) followed by the digest (as above, hex) of its categories as a
  one-column table named ``categories``;
- text (Arrow-backed strings, or an object column holding only strings and missing values): one byte
  per row (1 when missing), then each value's UTF-8 length (int64, 0 when missing), then the UTF-8
  bytes of the values one after another, read from Arrow's buffers without a Python object per row;
- anything else (nullable numbers, mixed objects): pandas' ``hash_pandas_object`` values (uint64,
  index excluded).

Anyone holding the same table computes the same digest with :func:`frame_digest`.
"""

from __future__ import annotations

import hashlib
import os
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from govaudit.exceptions import InputDataError, first_line
from govaudit.records import ArtifactIdentity, sha256_bytes, sha256_file

__all__ = ["FRAME_HASH_NAME", "file_identity", "frame_digest", "frame_identity", "spark_identity"]

#: The record's name for an in-memory table hashed by :func:`frame_digest`.
FRAME_HASH_NAME = "in-memory table (sha256 of its column digests, govaudit.assembly.frame_digest)"
#: Tables with at least this many rows hash their columns in parallel threads.
_PARALLEL_ROWS = 1_000_000


def file_identity(role: str, path: Path, name: str | None = None, **extra: Any) -> ArtifactIdentity:
    """A file's identity: its sha256, path and size."""
    return ArtifactIdentity(role=role, name=name or path.name, sha256=sha256_file(path), path=str(path),
                            size_bytes=path.stat().st_size, **extra)


def _text_digest(values: pd.Series) -> str | None:
    """The digest of a column of text as the module docstring defines it; ``None`` if it is not text."""
    import pyarrow as pa

    from govaudit.metrics._object_identity import strings_by_identity

    dtype = values.dtype
    try:
        if isinstance(dtype, (pd.StringDtype, pd.ArrowDtype)) and getattr(dtype, "storage", "pyarrow") == "pyarrow":
            data = values.array.__arrow_array__()
            array = data.combine_chunks() if isinstance(data, pa.ChunkedArray) else data
        elif dtype == object or isinstance(dtype, pd.StringDtype):
            objects = values.to_numpy(dtype=object)
            # rows sharing few objects (as read_csv gives them): each object read once, same array
            array = strings_by_identity(objects)
            if array is None:
                array = pa.array(objects, from_pandas=True)
        else:
            return None
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError, OverflowError):
        # not all text (an int beyond int64 makes Arrow raise OverflowError): hashed by pandas instead
        return None
    if pa.types.is_null(array.type):  # every value missing
        array = array.cast(pa.string())
    if pa.types.is_string(array.type):
        width: Any = "<i4"
    elif pa.types.is_large_string(array.type):
        width = "<i8"
    else:
        return None
    n = len(array)
    _, offsets_buffer, data_buffer = array.buffers()
    offsets = np.frombuffer(offsets_buffer, dtype=width)[array.offset:array.offset + n + 1]
    lengths = np.subtract(offsets[1:], offsets[:-1], dtype="<i8")
    if array.null_count:
        missing = array.is_null().to_numpy(zero_copy_only=False)
        if lengths[missing].any():
            return None  # a missing value with bytes behind it (Arrow allows it): not read from the buffers
        digest = hashlib.sha256(missing.view(np.uint8))
    else:
        digest = hashlib.sha256(bytes(n))
    digest.update(lengths.view(np.uint8))
    if data_buffer is not None and n:
        digest.update(memoryview(data_buffer)[int(offsets[0]):int(offsets[-1])])
    return digest.hexdigest()


def _column_digest(values: pd.Series) -> str:
    dtype = values.dtype
    if isinstance(dtype, np.dtype) and dtype.kind in "biufcmM":
        array = np.ascontiguousarray(values.to_numpy(copy=False))
        if sys.byteorder != "little" or array.dtype.byteorder == ">":
            array = array.astype(array.dtype.newbyteorder("<"))
        return hashlib.sha256(array.view(np.uint8)).hexdigest()
    if isinstance(dtype, pd.CategoricalDtype):
        codes = np.ascontiguousarray(values.cat.codes.to_numpy())
        codes = codes.astype(codes.dtype.newbyteorder("<"), copy=False)
        digest = hashlib.sha256(codes.view(np.uint8))
        digest.update(frame_digest(pd.DataFrame({"categories": dtype.categories})).encode())
        return digest.hexdigest()
    text = _text_digest(values)
    if text is not None:
        return text
    try:
        hashed = pd.util.hash_pandas_object(values, index=False).to_numpy().astype("<u8")
    except TypeError as exc:  # unhashable objects (dicts, lists): the record could not identify the table
        raise InputDataError(f"column {values.name!r} holds values that cannot be hashed for the record "
                             f"({first_line(exc)}); give it as numbers, text or categories") from None
    return hashlib.sha256(np.ascontiguousarray(hashed).view(np.uint8)).hexdigest()


def frame_digest(frame: pd.DataFrame) -> str:
    """SHA-256 (hex) of a table's columns, names and dtypes, as the module docstring defines it."""
    columns = [values for _, values in frame.items()]
    if len(frame) >= _PARALLEL_ROWS and len(columns) > 1:
        # hashlib, numpy and Arrow release the GIL on large buffers: columns hash side by side
        with ThreadPoolExecutor(max_workers=min(len(columns), os.cpu_count() or 1)) as pool:
            digests = list(pool.map(_column_digest, columns))
    else:
        digests = [_column_digest(values) for values in columns]
    lines = [f"{name}\t{values.dtype}\t{len(values)}\t{digest}\n"
             for (name, values), digest in zip(frame.items(), digests)]
    return sha256_bytes("".join(lines).encode("utf-8"))


def frame_identity(frame: pd.DataFrame, role: str = "data") -> ArtifactIdentity:
    """An in-memory table's identity: :func:`frame_digest` and its number of rows.

    The name says how the hash was made, so that a reader of an older record (whose in-memory table
    was hashed from pandas' row hashes, named plain "in-memory table") knows which definition to use.
    """
    return ArtifactIdentity(role=role, name=FRAME_HASH_NAME, sha256=frame_digest(frame), rows=len(frame))


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
