"""One scikit-learn model in every form: in memory, .skops, .onnx, an MLflow folder, behind an endpoint."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression

from adapter_helpers import FEATURES, make_applications
from oip_server import OIPServer


@pytest.fixture(scope="session")
def small_applications() -> pd.DataFrame:
    return make_applications(n=600, seed=3)


@pytest.fixture(scope="session")
def logreg(small_applications: pd.DataFrame) -> LogisticRegression:
    frame = small_applications
    return LogisticRegression(max_iter=500).fit(frame[FEATURES], frame["eligible"])


@pytest.fixture(scope="session")
def model_files(tmp_path_factory, logreg, small_applications) -> dict[str, Path]:
    """The same model as .skops, .onnx (one 2-D double input) and an MLflow folder (skops inside); the data as CSV."""
    import mlflow.sklearn
    import skops.io as sio
    from skl2onnx import to_onnx

    root = tmp_path_factory.mktemp("models")
    sio.dump(logreg, root / "model.skops")
    sample = small_applications[FEATURES].to_numpy(np.float64)[:1]
    (root / "model.onnx").write_bytes(to_onnx(logreg, sample, options={"zipmap": False}).SerializeToString())
    with warnings.catch_warnings():  # MLflow hints about integer columns and a pandas deprecation
        warnings.simplefilter("ignore")
        # naming the requirements skips MLflow's inference of them, which runs a subprocess for ~15 s
        mlflow.sklearn.save_model(logreg, root / "mlflow_model", serialization_format="skops",
                                  input_example=small_applications[FEATURES].head(3),
                                  pip_requirements=["scikit-learn", "skops"])
    small_applications.to_csv(root / "eval.csv", index=False)
    return {"skops": root / "model.skops", "onnx": root / "model.onnx", "mlflow": root / "mlflow_model",
            "data": root / "eval.csv", "root": root}


@pytest.fixture()
def server(logreg):
    with OIPServer(logreg, features=FEATURES) as srv:
        yield srv
