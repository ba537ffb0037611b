"""Train, save and load the welfare fraud-risk model (scikit-learn pipeline, ``.skops``)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import skops.io as sio
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import GradientBoostingClassifier
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder

from .generate import PROFICIENCY_LEVELS

__all__ = ["FEATURES", "FLAG_THRESHOLD", "LABEL", "NUMERIC_FEATURES", "load_model", "save_model", "train_model"]

NUMERIC_FEATURES: tuple[str, ...] = (
    "household_size", "months_on_benefit", "monthly_benefit", "address_changes", "missed_appointments",
    "income_mismatch",
)
#: model inputs: language proficiency is one (the proxy); migration background, sex and age are not.
FEATURES: tuple[str, ...] = NUMERIC_FEATURES + ("language_proficiency", "neighbourhood")
LABEL = "irregularity_found"
#: a case is flagged for investigation when its risk (P(irregularity)) exceeds this
FLAG_THRESHOLD = 0.2


def train_model(train: pd.DataFrame, seed: int = 0) -> Pipeline:
    """Fit ordinal-encoded proficiency, one-hot neighbourhood and gradient boosting on ``train[FEATURES]``.

    Boosting stops when 10 more trees do not improve the loss on a 20 % validation part of ``train``:
    without it the model fits noise, and inputs that do not affect the label (``neighbourhood``, and
    ``language_proficiency`` in the clean variant) get several percent of its importance.
    """
    preprocess = ColumnTransformer([
        ("language", OrdinalEncoder(categories=[list(PROFICIENCY_LEVELS)]), ["language_proficiency"]),
        ("district", OneHotEncoder(handle_unknown="ignore", sparse_output=False), ["neighbourhood"]),
        ("numeric", "passthrough", list(NUMERIC_FEATURES)),
    ])
    classifier = GradientBoostingClassifier(n_estimators=500, max_depth=3, learning_rate=0.05, subsample=0.8,
                                            min_samples_leaf=50, n_iter_no_change=10, validation_fraction=0.2,
                                            random_state=seed)
    model = Pipeline([("preprocess", preprocess), ("classifier", classifier)])
    model.fit(train[list(FEATURES)], train[LABEL].to_numpy())
    return model


def save_model(model: Pipeline, path: str | Path) -> list[str]:
    """Write ``model`` with :func:`skops.io.dump`; return the types the spec must list as trusted."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    sio.dump(model, path)
    return sio.get_untrusted_types(file=path)


def load_model(path: str | Path, trusted: list[str]) -> Pipeline:
    """Load a ``.skops`` file, trusting only the listed types (plus skops' defaults)."""
    return sio.load(Path(path), trusted=list(trusted))
