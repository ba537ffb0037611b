"""Bring a narwhals frame's rows into memory: the one place an engine's result becomes pandas."""

from __future__ import annotations

from typing import Any

import narwhals as nw
import pandas as pd

__all__ = ["collect"]

_NULLABLE_INTEGERS = frozenset(f"{u}Int{bits}" for u in ("", "U") for bits in (8, 16, 32, 64))


def collect(frame: Any) -> pd.DataFrame:
    """A narwhals frame (eager or lazy) as a pandas DataFrame; integer columns stay integers."""
    if not isinstance(frame, nw.LazyFrame):
        return frame.to_pandas()
    schema = frame.collect_schema()
    out = frame.collect(backend="pandas").to_pandas()
    # Some engine versions (DuckDB with pandas 2.1) hand integer columns with nulls over as float64, so
    # group labels would read 1.0, 2.0 where the same data in memory reads 1, 2: back to nullable integers.
    for name, dtype in schema.items():
        if str(dtype) in _NULLABLE_INTEGERS and out[name].dtype.kind == "f":
            out[name] = out[name].astype(str(dtype))
    return out
