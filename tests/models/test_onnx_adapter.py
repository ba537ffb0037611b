"""ONNX models: scored by onnxruntime like the scikit-learn original; inputs checked against the data."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

import govaudit
from govaudit.cli import main
from govaudit.models import OnnxModel, open_model
from adapter_helpers import FEATURES, spec_for

MIXED = ["income", "household_size", "channel"]


@pytest.fixture(scope="module")
def pipeline_onnx(tmp_path_factory, small_applications):
    """A pipeline on a mixed-type frame: skl2onnx gives it one named input per column."""
    from skl2onnx import to_onnx

    x = small_applications[MIXED]
    pipe = make_pipeline(
        ColumnTransformer([("cat", OneHotEncoder(), ["channel"]), ("num", StandardScaler(), ["income", "household_size"])]),
        LogisticRegression(),
    ).fit(x, small_applications["eligible"])
    path = tmp_path_factory.mktemp("onnx") / "pipeline.onnx"
    # income declared float32: skl2onnx's double-precision pipelines do not load in onnxruntime
    sample = x[:1].astype({"income": np.float32})
    path.write_bytes(to_onnx(pipe, sample, options={"zipmap": False}).SerializeToString())
    return pipe, path


def test_named_inputs_score_like_the_pipeline(pipeline_onnx, small_applications) -> None:
    pipe, path = pipeline_onnx
    model = OnnxModel(path)
    x = small_applications[MIXED]
    assert list(model.feature_names_in_) == MIXED
    assert list(model.classes_) == [0, 1]  # read from the graph's classifier node
    np.testing.assert_array_equal(model.predict(x), pipe.predict(x))
    # the converted pipeline runs in float32
    np.testing.assert_allclose(model.predict_proba(x), pipe.predict_proba(x), atol=1e-6)
    # an explainer passes bare object arrays in the same column order
    np.testing.assert_array_equal(model.predict(x.to_numpy(dtype=object)), pipe.predict(x))


def test_zipmap_output_is_read_as_a_matrix(tmp_path, logreg, small_applications) -> None:
    from skl2onnx import to_onnx

    path = tmp_path / "zipmap.onnx"
    path.write_bytes(to_onnx(logreg, small_applications[FEATURES].to_numpy(np.float32)[:1]).SerializeToString())
    model = OnnxModel(path, features=FEATURES)
    x = small_applications[FEATURES]
    np.testing.assert_allclose(model.predict_proba(x), logreg.predict_proba(x), atol=1e-6)


def test_single_tensor_takes_its_column_names_from_the_spec(model_files, logreg, small_applications) -> None:
    x = small_applications[FEATURES]
    unnamed = OnnxModel(model_files["onnx"])
    assert unnamed.feature_names_in_ is None
    named = OnnxModel(model_files["onnx"], features=FEATURES)
    assert list(named.feature_names_in_) == FEATURES
    np.testing.assert_array_equal(named.predict(x), logreg.predict(x))
    np.testing.assert_allclose(named.predict_proba(x), logreg.predict_proba(x), rtol=1e-12)
    assert list(named.classes_) == [0, 1]  # told from the answers: this graph stores no class labels


# -- wrong input schema -----------------------------------------------------------------------------
def test_wrong_column_type(pipeline_onnx, small_applications) -> None:
    _, path = pipeline_onnx
    data = small_applications.assign(channel=small_applications["in_person"])  # numbers where text is expected
    with pytest.raises(govaudit.ModelLoadError,
                       match=r"pipeline\.onnx: the ONNX model's input 'channel' expects tensor\(string\) "
                             r"but column 'channel' holds int64 values"):
        open_model(path, table=data)


def test_text_where_numbers_are_expected(pipeline_onnx, small_applications) -> None:
    _, path = pipeline_onnx
    data = small_applications.assign(income=small_applications["income"].astype(str))
    with pytest.raises(govaudit.ModelLoadError, match=r"input 'income' expects tensor\(float\) but column 'income'"):
        open_model(path, table=data)


def test_fractional_values_for_an_integer_input(pipeline_onnx, small_applications) -> None:
    _, path = pipeline_onnx
    data = small_applications.assign(household_size=small_applications["household_size"] + 0.5)
    with pytest.raises(govaudit.ModelLoadError, match=r"input 'household_size' expects tensor\(int64\)"):
        open_model(path, table=data)


def test_missing_input_column(pipeline_onnx, small_applications) -> None:
    _, path = pipeline_onnx
    with pytest.raises(govaudit.ModelLoadError,
                       match=r"pipeline\.onnx: the model's input column 'channel' is not in the data; available: "):
        open_model(path, table=small_applications.drop(columns="channel"))


def test_wrong_number_of_features(model_files, small_applications) -> None:
    with pytest.raises(govaudit.ModelLoadError,
                       match=r"input 'X' expects 3 columns \(tensor\(double\)\) but 2 features were given"):
        open_model(model_files["onnx"], table=small_applications, features=FEATURES[:2])


def test_unnamed_tensor_without_features_in_a_spec_is_one_line(model_files, capsys) -> None:
    spec = spec_for(model_files["root"], 'path = "model.onnx"', name="nofeatures")
    spec.write_text(spec.read_text().replace('features = ["income", "household_size", "in_person"]', ""))
    code = main(["run", str(spec)])
    err = capsys.readouterr().err
    assert code == 2, err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert "expects 3 columns" in err and "name them with [data] features" in err


def test_not_an_onnx_file(tmp_path) -> None:
    path = tmp_path / "model.onnx"
    path.write_bytes(b"not a protobuf at all")
    with pytest.raises(govaudit.ModelLoadError, match=r"model\.onnx: not a loadable ONNX model: "):
        open_model(path)


def test_missing_onnx_file(tmp_path) -> None:
    with pytest.raises(govaudit.ModelLoadError, match=r"model file not found: .*absent\.onnx"):
        open_model(tmp_path / "absent.onnx")


def test_identity_is_the_file_hash(model_files, small_applications) -> None:
    loaded = open_model(model_files["onnx"], table=small_applications, features=FEATURES, name="eligibility",
                        version="2")
    identity = loaded.identity
    assert identity.sha256 == govaudit.records.sha256_file(model_files["onnx"])
    assert (identity.kind, identity.name, identity.version) == ("onnx", "eligibility", "2")
    assert identity.size_bytes == model_files["onnx"].stat().st_size
    assert identity.fingerprint is not None and identity.probe_sha256 is not None


@pytest.mark.filterwarnings("ignore:Field onnx.AttributeProto.ints:DeprecationWarning")  # skl2onnx, not ours
def test_tree_pipeline_converts_and_nearly_agrees(small_applications, tmp_path) -> None:
    """The sample model's pipeline (one-hot + histogram gradient boosting) through skl2onnx."""
    from skl2onnx import to_onnx
    from sklearn.ensemble import HistGradientBoostingClassifier

    frame = small_applications.assign(region=np.where(np.arange(len(small_applications)) % 3 == 0, "north", "south"))
    cols = ["income", "household_size", "channel", "region"]
    pipe = make_pipeline(
        ColumnTransformer([("cat", OneHotEncoder(handle_unknown="ignore", sparse_output=False), ["channel", "region"]),
                           ("num", "passthrough", ["income", "household_size"])]),
        HistGradientBoostingClassifier(max_iter=20, max_depth=3, random_state=0),
    ).fit(frame[cols], frame["eligible"])
    onnx_model = to_onnx(pipe, frame[cols][:1], options={"zipmap": False})
    path = tmp_path / "hgb.onnx"
    path.write_bytes(onnx_model.SerializeToString())
    model = OnnxModel(path)
    # ONNX compares tree thresholds in float32: a few cases near a threshold fall the other way, which is
    # why a converted model is checked against its original (the deployment auditor) before it is trusted
    agree = (model.predict(frame[cols]) == pipe.predict(frame[cols])).mean()
    assert 0.98 <= agree
    gaps = np.abs(model.predict_proba(frame[cols]) - pipe.predict_proba(frame[cols]))
    assert np.median(gaps) < 1e-3
