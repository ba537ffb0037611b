"""Fixtures shared across the suite: a small biased decision table, a trained model, a spec on disk."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

import numpy as np
import pandas as pd
import pytest


def make_applications(n: int = 4000, *, penalty: float = 2.0, seed: int = 7) -> pd.DataFrame:
    """Applications where the outcome depends on income and, when ``penalty`` > 0, against in-person applicants."""
    rng = np.random.default_rng(seed)
    channel = rng.choice(["online", "in_person"], size=n, p=[0.7, 0.3])
    sex = rng.choice(["female", "male"], size=n).astype(object)
    sex[rng.random(n) < 0.01] = None
    income = rng.lognormal(7.5, 0.5, size=n)
    household = rng.integers(1, 6, size=n)
    logit = 1.0 - income / (800.0 * np.sqrt(household)) + 0.2 * household
    logit = logit - penalty * (channel == "in_person")
    eligible = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
    return pd.DataFrame(
        {
            "application_id": [f"A{i:06d}" for i in range(n)],
            "income": income,
            "household_size": household,
            "in_person": (channel == "in_person").astype(int),
            "channel": channel,
            "sex": sex,
            "eligible": eligible,
        }
    )


@pytest.fixture(scope="session")
def applications() -> pd.DataFrame:
    return make_applications()


@pytest.fixture(scope="session")
def fair_applications() -> pd.DataFrame:
    return make_applications(penalty=0.0, seed=11)


def train_and_save(frame: pd.DataFrame, folder: Path) -> tuple[Path, list[str]]:
    """Fit a logistic regression on numeric features, save it with skops, return path and untrusted types."""
    import skops.io as sio
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(max_iter=500).fit(frame[["income", "household_size", "in_person"]], frame["eligible"])
    path = folder / "model.skops"
    sio.dump(model, path)
    return path, list(sio.get_untrusted_types(file=path))


@pytest.fixture(scope="session")
def audit_project(tmp_path_factory, applications, fair_applications):
    """A folder with a biased and a fair model, their data, and a spec for each."""
    root = tmp_path_factory.mktemp("project")
    out = {}
    for name, frame in (("biased", applications), ("fair", fair_applications)):
        folder = root / name
        folder.mkdir()
        frame.to_csv(folder / "eval.csv", index=False)
        model_path, trusted = train_and_save(frame, folder)
        spec = folder / "audit.toml"
        spec.write_text(spec_text(name=name, trusted=trusted))
        out[name] = spec
    return out


def spec_text(*, name: str = "sample", trusted: list[str] | None = None, extra_bias: str = "",
              gates: str = 'impact_ratio = { min = 0.8 }') -> str:
    trusted_list = ", ".join(f'"{t}"' for t in (trusted or []))
    return dedent(
        f"""
        [audit]
        name = "{name}"
        description = "test audit"

        [responsible]
        owner = "Benefits Office"
        auditor = "Audit Unit"
        approver = "Chief Data Officer"

        [model]
        path = "model.skops"
        trusted_types = [{trusted_list}]

        [data]
        path = "eval.csv"
        label = "eligible"
        sensitive_features = ["channel", "sex"]

        [output]
        dir = "reports"

        [auditors.bias]
        n_resamples = 200
        require_significance = true
        {extra_bias}

        [auditors.bias.gates]
        {gates}
        """
    )
