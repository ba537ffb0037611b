"""Train the vendor's candidate-ranking model and export it as ONNX (the file the service receives)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.ensemble import GradientBoostingClassifier

from .generate import FEATURES, LABEL

__all__ = ["export_onnx", "train_model"]


def train_model(train: pd.DataFrame, seed: int = 0) -> GradientBoostingClassifier:
    """Gradient boosting on ``train[FEATURES]`` (float inputs, one 2-D tensor once exported)."""
    model = GradientBoostingClassifier(n_estimators=80, max_depth=3, learning_rate=0.1, subsample=0.8,
                                       min_samples_leaf=40, random_state=seed)
    model.fit(train[list(FEATURES)].to_numpy(np.float32), train[LABEL].to_numpy())
    return model


def export_onnx(model: GradientBoostingClassifier, path: str | Path) -> Path:
    """Convert with :func:`skl2onnx.to_onnx` (probabilities as a plain matrix, no ZipMap) and write ``path``."""
    from skl2onnx import to_onnx

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    sample = np.zeros((1, len(FEATURES)), dtype=np.float32)
    path.write_bytes(to_onnx(model, sample, options={"zipmap": False}, target_opset=17).SerializeToString())
    return path
