"""Bring a narwhals frame's rows into memory: the one place an engine's result becomes pandas."""

from __future__ import annotations

from typing import Any

import narwhals as nw
import pandas as pd

__all__ = ["collect"]


def collect(frame: Any) -> pd.DataFrame:
    """A narwhals frame (eager or lazy) as a pandas DataFrame."""
    if isinstance(frame, nw.LazyFrame):
        frame = frame.collect(backend="pandas")
    return frame.to_pandas()
