"""``govaudit.load_model``: skops with reviewed types only; pickle/joblib only when trusted (design §11.8)."""

from __future__ import annotations

import operator
import pickle
from pathlib import Path

import joblib
import numpy as np
import pandas as pd
import pytest
import skops.io as sio
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer

import govaudit


@pytest.fixture(scope="module")
def xy() -> tuple[pd.DataFrame, pd.Series]:
    rng = np.random.default_rng(11)
    x = pd.DataFrame({"income": rng.normal(size=150), "household": rng.normal(size=150)})
    y = pd.Series((x["income"] + 0.3 * rng.normal(size=150) > 0).astype(int), name="granted")
    return x, y


@pytest.fixture(scope="module")
def logreg(xy: tuple[pd.DataFrame, pd.Series]) -> LogisticRegression:
    return LogisticRegression().fit(*xy)


@pytest.fixture(scope="module")
def pipeline_with_untrusted_type(xy: tuple[pd.DataFrame, pd.Series]):
    """A pipeline whose FunctionTransformer holds ``operator.neg``, which skops does not trust by default."""
    return make_pipeline(FunctionTransformer(operator.neg), LogisticRegression()).fit(*xy)


def _same_predictions(a, b, x: pd.DataFrame) -> None:
    np.testing.assert_array_equal(a.predict(x), b.predict(x))
    np.testing.assert_allclose(a.predict_proba(x), b.predict_proba(x))


# -- skops ----------------------------------------------------------------------------------------
def test_skops_logistic_regression_loads_without_extra_types(tmp_path: Path, logreg, xy) -> None:
    path = tmp_path / "model.skops"
    sio.dump(logreg, path)
    assert sio.get_untrusted_types(file=path) == []
    loaded = govaudit.load_model(path)
    assert isinstance(loaded, LogisticRegression)
    _same_predictions(loaded, logreg, xy[0])


def test_skops_refuses_untrusted_types_and_names_them(tmp_path: Path, pipeline_with_untrusted_type) -> None:
    path = tmp_path / "pipeline.skops"
    sio.dump(pipeline_with_untrusted_type, path)
    assert sio.get_untrusted_types(file=path) == ["_operator.neg"]
    with pytest.raises(govaudit.ModelLoadError,
                       match=r"pipeline\.skops: the model contains types that are not trusted: _operator\.neg; "
                             r"review them and list them in \[model\] trusted_types"):
        govaudit.load_model(path)
    # trusting something else does not help
    with pytest.raises(govaudit.ModelLoadError, match=r"not trusted: _operator\.neg"):
        govaudit.load_model(path, trusted_types=["builtins.abs"])


def test_skops_loads_with_the_required_trusted_types(tmp_path: Path, pipeline_with_untrusted_type, xy) -> None:
    path = tmp_path / "pipeline.skops"
    sio.dump(pipeline_with_untrusted_type, path)
    loaded = govaudit.load_model(path, trusted_types=["_operator.neg"])
    _same_predictions(loaded, pipeline_with_untrusted_type, xy[0])


def test_skops_trust_pickle_does_not_bypass_type_review(tmp_path: Path, pipeline_with_untrusted_type) -> None:
    path = tmp_path / "pipeline.skops"
    sio.dump(pipeline_with_untrusted_type, path)
    with pytest.raises(govaudit.ModelLoadError, match=r"not trusted: _operator\.neg"):
        govaudit.load_model(path, trust_pickle=True)


def test_text_file_renamed_skops(tmp_path: Path) -> None:
    path = tmp_path / "model.skops"
    path.write_text("not a model\n")
    with pytest.raises(govaudit.ModelLoadError, match=r"model\.skops: not a skops model file"):
        govaudit.load_model(path)


def test_zip_that_is_not_skops(tmp_path: Path) -> None:
    import zipfile

    path = tmp_path / "archive.skops"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("readme.txt", "hello")
    with pytest.raises(govaudit.ModelLoadError, match=r"archive\.skops: not a skops model file"):
        govaudit.load_model(path)


def test_pickle_renamed_skops_is_not_unpickled(tmp_path: Path, logreg) -> None:
    path = tmp_path / "model.skops"
    path.write_bytes(pickle.dumps(logreg))
    with pytest.raises(govaudit.ModelLoadError, match=r"not a skops model file"):
        govaudit.load_model(path, trust_pickle=True)


def test_missing_model_file(tmp_path: Path) -> None:
    with pytest.raises(govaudit.ModelLoadError, match=r"model file not found: .*absent\.skops"):
        govaudit.load_model(tmp_path / "absent.skops")


def test_directory_is_not_a_model_file(tmp_path: Path) -> None:
    folder = tmp_path / "model.skops"
    folder.mkdir()
    with pytest.raises(govaudit.ModelLoadError, match=r"model file not found"):
        govaudit.load_model(folder)


# -- pickle and joblib ----------------------------------------------------------------------------
@pytest.mark.parametrize("suffix", [".pkl", ".pickle"])
def test_pickle_refused_by_default(tmp_path: Path, logreg, suffix: str) -> None:
    path = tmp_path / f"model{suffix}"
    path.write_bytes(pickle.dumps(logreg))
    with pytest.raises(govaudit.ModelLoadError,
                       match=rf"model\{suffix}: refusing to load a pickle/joblib file.*trust_pickle = true"):
        govaudit.load_model(path)


def test_pickle_refused_before_it_is_opened(tmp_path: Path) -> None:
    """A pickle that would run code on load must never be unpickled without trust."""
    marker = tmp_path / "executed"

    class _Payload:
        def __reduce__(self):
            return (Path.touch, (marker,))

    path = tmp_path / "evil.pkl"
    path.write_bytes(pickle.dumps(_Payload()))
    with pytest.raises(govaudit.ModelLoadError, match=r"refusing to load"):
        govaudit.load_model(path)
    assert not marker.exists()


@pytest.mark.parametrize("suffix", [".pkl", ".pickle"])
def test_pickle_loads_with_trust(tmp_path: Path, logreg, xy, suffix: str) -> None:
    path = tmp_path / f"model{suffix}"
    path.write_bytes(pickle.dumps(logreg))
    _same_predictions(govaudit.load_model(path, trust_pickle=True), logreg, xy[0])


def test_joblib_refused_by_default_and_loaded_with_trust(tmp_path: Path, logreg, xy) -> None:
    path = tmp_path / "model.joblib"
    joblib.dump(logreg, path)
    with pytest.raises(govaudit.ModelLoadError, match=r"model\.joblib: refusing to load.*trust_pickle"):
        govaudit.load_model(path)
    _same_predictions(govaudit.load_model(path, trust_pickle=True), logreg, xy[0])


def test_compressed_joblib_loaded_with_trust(tmp_path: Path, logreg, xy) -> None:
    path = tmp_path / "model.joblib"
    joblib.dump(logreg, path, compress=3)
    _same_predictions(govaudit.load_model(path, trust_pickle=True), logreg, xy[0])


def test_joblib_with_upper_case_suffix(tmp_path: Path, logreg, xy) -> None:
    path = tmp_path / "MODEL.JOBLIB"
    joblib.dump(logreg, path, compress=3)
    _same_predictions(govaudit.load_model(path, trust_pickle=True), logreg, xy[0])


def test_corrupt_pickle_with_trust(tmp_path: Path) -> None:
    path = tmp_path / "broken.pkl"
    path.write_bytes(b"\x80\x04not really a pickle")
    with pytest.raises(govaudit.ModelLoadError, match=r"broken\.pkl: the pickle file could not be loaded: "):
        govaudit.load_model(path, trust_pickle=True)


# -- unsupported files and objects ----------------------------------------------------------------
@pytest.mark.parametrize("name", ["model.onnx", "model.h5", "model", "model.txt"])
def test_unsupported_suffix(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(b"\x00\x01")
    with pytest.raises(govaudit.ModelLoadError,
                       match=r"unsupported model file type '[^']*'; expected one of \.skops, \.pkl, \.pickle, \.joblib"):
        govaudit.load_model(path, trust_pickle=True)


def test_pickled_object_without_predict(tmp_path: Path) -> None:
    path = tmp_path / "weights.pkl"
    path.write_bytes(pickle.dumps({"coef": [0.1, 0.2]}))
    with pytest.raises(govaudit.ModelLoadError, match=r"weights\.pkl: the loaded object \(dict\) has no predict\(\) method"):
        govaudit.load_model(path, trust_pickle=True)


def test_skops_object_without_predict(tmp_path: Path) -> None:
    from sklearn.preprocessing import StandardScaler

    path = tmp_path / "scaler.skops"
    sio.dump(StandardScaler().fit(np.arange(10.0).reshape(-1, 1)), path)
    with pytest.raises(govaudit.ModelLoadError, match=r"scaler\.skops: the loaded object \(StandardScaler\) has no predict\(\)"):
        govaudit.load_model(path)


def test_model_path_in_audit_is_loaded_with_the_same_rules(tmp_path: Path, logreg, xy) -> None:
    x, y = xy
    path = tmp_path / "model.pkl"
    path.write_bytes(pickle.dumps(logreg))
    data = x.assign(granted=y, sex=np.where(np.arange(len(x)) % 2 == 0, "F", "M"))
    with pytest.raises(govaudit.ModelLoadError, match=r"refusing to load a pickle"):
        govaudit.audit(path, data=data, label="granted", sensitive_features=["sex"])
    record = govaudit.audit(path, data=data, label="granted", sensitive_features=["sex"], trust_pickle=True,
                            auditors={"bias": {"n_resamples": 0}})
    assert record.model is not None and record.model.role == "model"
    assert record.model.sha256 == govaudit.records.sha256_file(path)


def test_joblib_dump_saved_as_pkl_loads_with_trust(tmp_path: Path, logreg, xy) -> None:
    path = tmp_path / "model.pkl"
    joblib.dump(logreg, path)
    _same_predictions(govaudit.load_model(path, trust_pickle=True), logreg, xy[0])
