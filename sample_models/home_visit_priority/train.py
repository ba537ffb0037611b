"""Train, save and load the home-visit priority model (scikit-learn gradient boosting, ``.skops``)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import skops.io as sio
from sklearn.ensemble import HistGradientBoostingClassifier

from .generate import FEATURES, LABEL

__all__ = ["load_model", "priority_scores", "save_model", "train_model"]


def train_model(history: pd.DataFrame, seed: int = 0) -> HistGradientBoostingClassifier:
    """Gradient boosting on the past referrals (``history[FEATURES]`` -> ``substantiated``), early-stopped."""
    model = HistGradientBoostingClassifier(max_iter=200, learning_rate=0.08, max_depth=3, min_samples_leaf=60,
                                           early_stopping=True, validation_fraction=0.2, n_iter_no_change=10,
                                           random_state=seed)
    model.fit(history[list(FEATURES)].to_numpy(np.float64), history[LABEL].to_numpy())
    return model


def priority_scores(model: HistGradientBoostingClassifier, cases: pd.DataFrame) -> np.ndarray:
    """The priority score: the model's probability that a concern would be substantiated."""
    return model.predict_proba(cases[list(FEATURES)].to_numpy(np.float64))[:, 1]


def save_model(model: HistGradientBoostingClassifier, path: str | Path) -> list[str]:
    """Write ``model`` with :func:`skops.io.dump`; return the types a loader must trust."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    sio.dump(model, path)
    return sio.get_untrusted_types(file=path)


def load_model(path: str | Path, trusted: list[str]) -> HistGradientBoostingClassifier:
    """Load a ``.skops`` file, trusting only the listed types (plus skops' defaults)."""
    return sio.load(Path(path), trusted=list(trusted))
