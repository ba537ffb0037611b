"""Helpers shared by the adapter tests: the model's input columns and a spec writer."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

import numpy as np
import pandas as pd

FEATURES = ["income", "household_size", "in_person"]


def make_applications(n: int = 600, seed: int = 3) -> pd.DataFrame:
    """Benefit applications whose outcome depends on income, household size and, unfairly, the channel."""
    rng = np.random.default_rng(seed)
    in_person = (rng.random(n) < 0.3).astype(int)
    income = rng.lognormal(7.5, 0.5, size=n)
    household = rng.integers(1, 6, size=n)
    logit = 1.0 - income / (800.0 * np.sqrt(household)) + 0.2 * household - 1.5 * in_person
    return pd.DataFrame({
        "application_id": [f"A{i:05d}" for i in range(n)],
        "income": income,
        "household_size": household,
        "in_person": in_person,
        "channel": np.where(in_person == 1, "in_person", "online"),
        "sex": rng.choice(["female", "male"], size=n),
        "eligible": (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int),
    })


def spec_for(folder: Path, model_section: str, *, auditors: str = "[auditors.bias]\nn_resamples = 100\n",
             name: str = "adapters") -> Path:
    """Write an audit spec whose [model] section is ``model_section`` (TOML lines) and return its path."""
    text = dedent(f"""
        [audit]
        name = "{name}"

        [model]
        {{model}}

        [data]
        path = "eval.csv"
        label = "eligible"
        sensitive_features = ["channel", "sex"]
        features = {FEATURES!r}

        [output]
        dir = "reports"

        {{auditors}}
        """).replace("'", '"')
    path = folder / f"{name}.toml"
    path.write_text(text.replace("{model}", dedent(model_section).strip()).replace("{auditors}", auditors))
    return path
