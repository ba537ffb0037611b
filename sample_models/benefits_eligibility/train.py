"""Train, save and load the benefits-eligibility model (scikit-learn pipeline, ``.skops``)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pandas as pd
import skops.io as sio
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder

__all__ = [
    "CATEGORICAL_FEATURES",
    "CLEAN_FEATURES",
    "FEATURES",
    "LABEL",
    "NUMERIC_FEATURES",
    "load_model",
    "save_model",
    "simulate_model_impact_ratios",
    "train_model",
]

NUMERIC_FEATURES: tuple[str, ...] = ("age", "household_size", "monthly_income", "disability")
CATEGORICAL_FEATURES: tuple[str, ...] = ("employment_status", "region", "channel", "language")
#: model inputs.  ``channel`` is one of them — that is how the model learns the historical
#: in-person denials.  ``sex`` (and ``age_band``, ``needs_support``) are not.
FEATURES: tuple[str, ...] = (
    "age",
    "household_size",
    "monthly_income",
    "employment_status",
    "disability",
    "region",
    "channel",
    "language",
)
#: inputs of the clean variant (``--no-bias``): neither the sensitive ``channel`` nor ``age``, of which the
#: sensitive ``age_band`` is a binning (the scheme's rules do not depend on age, so nothing justifies using it).
CLEAN_FEATURES: tuple[str, ...] = tuple(f for f in FEATURES if f not in ("channel", "age"))
LABEL = "eligible"


def train_model(train: pd.DataFrame, seed: int = 0, features: tuple[str, ...] = FEATURES) -> Pipeline:
    """Fit one-hot encoding + histogram gradient boosting on ``train[features]``.

    ``features`` defaults to ``FEATURES``; the clean variant passes ``CLEAN_FEATURES``.
    """
    unknown = set(features) - set(FEATURES)
    if unknown:
        raise ValueError(f"features must be drawn from train.FEATURES; unknown: {sorted(unknown)}")
    preprocess = ColumnTransformer(
        [
            (
                "categorical",
                OneHotEncoder(handle_unknown="ignore", sparse_output=False),
                [f for f in CATEGORICAL_FEATURES if f in features],
            ),
            ("numeric", "passthrough", [f for f in NUMERIC_FEATURES if f in features]),
        ],
        remainder="drop",
    )
    # Shallow trees with large leaves: the signal is smooth (logistic need x a constant
    # in-person denial factor), and large leaves keep the decisions of in-person
    # applicants -- whose approval probability tops out near 0.64 -- stable across seeds.
    classifier = HistGradientBoostingClassifier(
        learning_rate=0.1,
        max_iter=300,
        max_depth=3,
        min_samples_leaf=100,
        early_stopping=True,
        validation_fraction=0.1,
        n_iter_no_change=15,
        random_state=seed,
    )
    model = Pipeline([("preprocess", preprocess), ("classifier", classifier)])
    model.fit(train[list(features)], train[LABEL].to_numpy())
    return model


def save_model(model: Pipeline, path: str | Path) -> list[str]:
    """Write ``model`` to ``path`` with :func:`skops.io.dump`.

    Returns the types :func:`skops.io.get_untrusted_types` reports for the written
    file: the audit spec must list exactly these as trusted to load the model.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    sio.dump(model, path)
    return sio.get_untrusted_types(file=path)


def load_model(path: str | Path, trusted: list[str]) -> Pipeline:
    """Load a ``.skops`` file, trusting only the listed types (plus skops' defaults)."""
    return sio.load(Path(path), trusted=list(trusted))


def simulate_model_impact_ratios(
    n_rows: int = 50_000, seeds: Iterable[int] = range(40)
) -> list[float]:
    """Re-derive the model-level part of ``INJECTED_EFFECT`` (slow: ~2 s per seed).

    For each seed: generate ``n_rows`` applications, split 70/30, train, and return
    the in_person ÷ online ratio of the eval-split selection rates of ``predict``.
    """
    from .generate import generate_applications, split_train_eval

    ratios = []
    for seed in seeds:
        train, evaluation = split_train_eval(generate_applications(n_rows, seed), seed=seed)
        decision = train_model(train, seed).predict(evaluation[list(FEATURES)])
        rates = pd.Series(decision).groupby(evaluation["channel"].to_numpy()).mean()
        ratios.append(float(rates["in_person"] / rates["online"]))
    return ratios
