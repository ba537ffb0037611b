"""Shared synthetic data for the metrics tests."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest


def make_data(
    n: int, seed: int, *, n_sex: int = 3, n_region: int = 4, missing: float = 0.05
) -> dict[str, object]:
    """Random binary outcomes and decisions with two string sensitive features.

    Rates differ by group so disparities are non-trivial; about ``missing`` of ``sex`` is None.
    """
    rng = np.random.default_rng(seed)
    sex_levels = np.array([f"s{i}" for i in range(n_sex)], dtype=object)
    region_levels = np.array([f"r{i}" for i in range(n_region)], dtype=object)
    sex = sex_levels[rng.integers(0, n_sex, n)]
    sex[rng.random(n) < missing] = None
    region = region_levels[rng.integers(0, n_region, n)]
    base = rng.uniform(0.2, 0.8, size=n_sex * n_region)
    idx = rng.integers(0, n_sex * n_region, n)
    y_true = (rng.random(n) < base[idx]).astype(np.int64)
    y_pred = (rng.random(n) < np.where(y_true == 1, 0.7, 0.3) * base[idx] * 1.4).astype(np.int64)
    return {
        "y_true": y_true,
        "y_pred": y_pred,
        "sensitive": pd.DataFrame({"sex": sex, "region": region}),
    }


@pytest.fixture
def data() -> dict[str, object]:
    """2,000 rows, 3 sex levels plus missing, 4 regions."""
    return make_data(2000, seed=7)


@pytest.fixture(scope="session")
def make():
    """The :func:`make_data` generator, for tests that need other sizes or seeds."""
    return make_data
