"""MLflow models: a model folder or models:/name/version in a local tracking store, through pyfunc,
loaded only when that cannot run untrusted code."""

from __future__ import annotations

import operator
import warnings
from pathlib import Path

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer

import govaudit
from govaudit.cli import main
from govaudit.models import MlflowModel, load_mlflow, open_model, sha256_tree
from adapter_helpers import FEATURES, spec_for

mlflow = pytest.importorskip("mlflow")
mlflow_sklearn = pytest.importorskip("mlflow.sklearn")


def _save(model, path: Path, **kwargs) -> Path:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mlflow_sklearn.save_model(model, path, pip_requirements=["scikit-learn"], **kwargs)
    return path


def test_folder_loads_through_pyfunc(model_files, logreg, small_applications) -> None:
    model = load_mlflow(model_files["mlflow"])
    assert isinstance(model, MlflowModel) and model.folder == model_files["mlflow"]
    x = small_applications[FEATURES]
    assert list(model.feature_names_in_) == FEATURES  # from the saved signature
    assert list(model.classes_) == [0, 1]
    np.testing.assert_array_equal(model.predict(x), logreg.predict(x))
    np.testing.assert_array_equal(model.predict_proba(x), logreg.predict_proba(x))
    np.testing.assert_array_equal(model.predict(x.to_numpy()), logreg.predict(x))  # an explainer's array


@pytest.fixture()
def tracking_store(tmp_path, logreg, monkeypatch):
    """A local tracking store (MLflow's file store) with 'benefits' version 1 registered."""
    monkeypatch.setenv("MLFLOW_ALLOW_FILE_STORE", "true")
    uri = (tmp_path / "mlruns").as_uri()
    client = mlflow.MlflowClient(tracking_uri=uri, registry_uri=uri)
    experiment = client.create_experiment("audit")
    run = client.create_run(experiment)
    saved = _save(logreg, tmp_path / "to_log", serialization_format="skops")
    client.log_artifacts(run.info.run_id, str(saved), artifact_path="model")
    client.create_registered_model("benefits")
    client.create_model_version("benefits", f"runs:/{run.info.run_id}/model", run.info.run_id)
    return uri


def test_registered_model_by_uri(tracking_store, logreg, small_applications) -> None:
    loaded = open_model("models:/benefits/1", tracking_uri=tracking_store, table=small_applications)
    x = small_applications[FEATURES]
    np.testing.assert_array_equal(loaded.model.predict(x), logreg.predict(x))
    identity = loaded.identity
    assert (identity.kind, identity.uri, identity.name) == ("mlflow", "models:/benefits/1", "1")
    assert identity.sha256 == sha256_tree(loaded.model.folder)


def test_registered_model_in_a_spec(tracking_store, model_files) -> None:
    spec = spec_for(model_files["root"],
                    f'kind = "mlflow"\nuri = "models:/benefits/1"\ntracking_uri = "{tracking_store}"\n'
                    'name = "benefits"\nversion = "1"', name="registered")
    record = govaudit.run_plan(govaudit.load_spec(spec))
    assert record.model.uri == "models:/benefits/1" and record.model.version == "1"
    assert any(f.check == "bias.impact_ratio" for f in record.findings)


def test_unknown_registered_model_is_one_line(tracking_store, model_files, capsys) -> None:
    spec = spec_for(model_files["root"],
                    f'kind = "mlflow"\nuri = "models:/nobody/7"\ntracking_uri = "{tracking_store}"',
                    name="unknown")
    code = main(["run", str(spec)])
    err = capsys.readouterr().err
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert f"models:/nobody/7: no such MLflow model in tracking store {tracking_store}" in err, err


def test_folder_without_mlmodel(tmp_path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(govaudit.ModelLoadError, match=r"empty: not an MLflow model folder \(no MLmodel file\)"):
        load_mlflow(tmp_path / "empty")


def test_pickled_model_refused_unless_trusted(tmp_path, logreg, small_applications) -> None:
    path = _save(logreg, tmp_path / "pickled", serialization_format="cloudpickle")
    with pytest.raises(govaudit.ModelLoadError,
                       match=r"pickled: this MLflow model is stored as a cloudpickle file, which executes code "
                             r"when loaded; .*trust_pickle = true"):
        load_mlflow(path)
    model = load_mlflow(path, trust_pickle=True)
    np.testing.assert_array_equal(model.predict(small_applications[FEATURES]), logreg.predict(small_applications[FEATURES]))


def test_the_model_cannot_trust_its_own_types(tmp_path, small_applications) -> None:
    """MLflow would pass the MLmodel file's own skops_trusted_types to skops; govaudit checks the spec's list."""
    x, y = small_applications[FEATURES], small_applications["eligible"]
    pipe = make_pipeline(FunctionTransformer(operator.neg), LogisticRegression(max_iter=500)).fit(x, y)
    path = _save(pipe, tmp_path / "neg", serialization_format="skops", skops_trusted_types=["_operator.neg"])
    with pytest.raises(govaudit.ModelLoadError,
                       match=r"neg: the model contains types that are not trusted: _operator\.neg; review them"):
        load_mlflow(path)
    model = load_mlflow(path, trusted_types=["_operator.neg"])
    np.testing.assert_array_equal(model.predict(x), pipe.predict(x))


def test_deserialisation_switch_is_restored(model_files, monkeypatch) -> None:
    import os

    monkeypatch.setenv("MLFLOW_ALLOW_PICKLE_DESERIALIZATION", "false")
    load_mlflow(model_files["mlflow"])
    assert os.environ["MLFLOW_ALLOW_PICKLE_DESERIALIZATION"] == "false"
