"""The bounded-memory median equals numpy.median, including ties and even counts, on pandas and DuckDB."""

from __future__ import annotations

import duckdb
import narwhals as nw
import numpy as np
import pandas as pd
import pytest

from govaudit.backends import _median
from govaudit.backends._median import exact_median


@pytest.mark.parametrize("n", [1, 2, 7, 1000, 1001])
@pytest.mark.parametrize("kind", ["uniform", "ties", "skewed"])
@pytest.mark.parametrize("engine", ["pandas", "duckdb"])
def test_equals_numpy_median(monkeypatch, n, kind, engine):
    monkeypatch.setattr(_median, "_MAX_COLLECT", 10)  # force the histogram refinement
    rng = np.random.default_rng(n)
    values = {"uniform": rng.random(n), "ties": rng.integers(0, 3, n).astype(float),
              "skewed": rng.lognormal(0, 3, n)}[kind]
    frame = pd.DataFrame({"s": values})
    native = frame if engine == "pandas" else duckdb.from_df(frame)
    got = exact_median(nw.from_native(native), "s", n, float(values.min()), float(values.max()))
    assert got == np.median(values)
