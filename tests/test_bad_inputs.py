"""Bad inputs: each raises the most specific govaudit error, with a message naming the problem.

Design §11 and ``govaudit.exceptions``: every error a user can cause is a subclass of
``GovauditError`` whose message names the file, field or column and what was expected; the CLI turns
it into exit code 2 and ONE line on stderr, never a traceback. Degenerate groups are reported as
undefined (null), never as 0.
"""

from __future__ import annotations

import operator
import pickle
import re
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import govaudit
from govaudit.auditors import BiasAuditor
from govaudit.cli import main as cli_main

N_ROWS = 120


# -- fixtures and helpers -------------------------------------------------------------------------
def _frame(n: int = N_ROWS, seed: int = 3) -> pd.DataFrame:
    """A small evaluation table: two numeric features, a sensitive feature, a label and a decision."""
    rng = np.random.default_rng(seed)
    x1 = rng.normal(size=n)
    x2 = rng.normal(size=n)
    sex = np.where(np.arange(n) % 2 == 0, "F", "M")
    outcome = (x1 + 0.5 * rng.normal(size=n) > 0).astype(int)
    decision = (x1 + 0.8 * rng.normal(size=n) > 0).astype(int)
    return pd.DataFrame({"x1": x1, "x2": x2, "sex": sex, "outcome": outcome, "decision": decision})


@pytest.fixture
def frame() -> pd.DataFrame:
    return _frame()


def _fit_model(frame: pd.DataFrame):
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression().fit(frame[["x1", "x2"]], frame["outcome"])


_DATA_SECTION = """
[data]
path = "eval.csv"
label = "outcome"
prediction = "decision"
sensitive_features = ["sex"]
"""

_BIAS_SECTION = """
[auditors.bias]
min_group_size = 5
n_resamples = 50

[auditors.bias.gates]
impact_ratio = { min = 0.8 }
"""


def write_spec(
    folder: Path,
    *,
    data: str = _DATA_SECTION,
    auditors: str = _BIAS_SECTION,
    model: str = "",
    table: pd.DataFrame | None = None,
    name: str = "spec.toml",
) -> Path:
    """Write eval.csv (unless it exists) and a spec into ``folder``; return the spec's path."""
    folder.mkdir(parents=True, exist_ok=True)
    if table is not None or not (folder / "eval.csv").exists():
        (table if table is not None else _frame()).to_csv(folder / "eval.csv", index=False)
    text = f'[audit]\nname = "bad_input_case"\n{model}\n{data}\n[output]\ndir = "reports"\n{auditors}'
    spec = folder / name
    spec.write_text(text, encoding="utf-8")
    return spec


def run_cli_expecting_bad_input(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    """Run the CLI; assert exit 2 and one 'govaudit: error:' line on stderr; return that line."""
    code = cli_main(argv)
    out, err = capsys.readouterr()
    assert code == 2, f"exit code {code}; stderr={err!r}; stdout={out[-500:]!r}"
    assert "Traceback" not in err and "Traceback" not in out
    lines = err.splitlines()
    assert len(lines) == 1, f"stderr must be one line, got {lines!r}"
    assert lines[0].startswith("govaudit: error: "), lines[0]
    return lines[0]


# == column and value problems (Python API) =======================================================
def test_missing_sensitive_column_names_it_and_lists_available(frame: pd.DataFrame) -> None:
    with pytest.raises(govaudit.ColumnError, match=r"column 'sexe' \(sensitive feature\) not found") as info:
        govaudit.audit(data=frame, y_pred=frame["decision"], sensitive_features=["sexe"])
    assert re.search(r"available columns: x1, x2, sex, outcome, decision", str(info.value))


def test_missing_label_column_names_it_and_lists_available(frame: pd.DataFrame) -> None:
    with pytest.raises(govaudit.ColumnError, match=r"column 'outcom' \(label\) not found.*available columns: .*outcome"):
        govaudit.audit(data=frame, label="outcom", y_pred=frame["decision"], sensitive_features=["sex"])


def test_missing_model_feature_column(frame: pd.DataFrame) -> None:
    model = _fit_model(frame)
    with pytest.raises(govaudit.ColumnError, match=r"column 'x2' \(model feature\) not found.*available columns"):
        govaudit.audit(model, data=frame.drop(columns="x2"), label="outcome", sensitive_features=["sex"])


def test_label_with_three_values_is_not_binary(frame: pd.DataFrame) -> None:
    frame["outcome"] = np.arange(len(frame)) % 3  # 0, 1, 2
    with pytest.raises(govaudit.InputDataError, match=r"label column 'outcome' .*found 3 distinct values: \[0, 1, 2\]"):
        govaudit.audit(data=frame, label="outcome", y_pred=frame["decision"],
                       sensitive_features=["sex"])


def test_yes_no_label_without_favourable_label(frame: pd.DataFrame) -> None:
    frame["outcome"] = np.where(frame["outcome"] == 1, "yes", "no")
    with pytest.raises(govaudit.InputDataError,
                       match=r"label column 'outcome' .*favourable label positive=1; found 2 distinct values"):
        govaudit.audit(data=frame, label="outcome", y_pred=frame["decision"], sensitive_features=["sex"])


def test_yes_no_label_with_favourable_label_is_accepted(frame: pd.DataFrame) -> None:
    """The counterpart of the test above: naming the favourable value makes the same data valid."""
    frame["outcome"] = np.where(frame["outcome"] == 1, "yes", "no")
    frame["decision"] = np.where(frame["decision"] == 1, "yes", "no")
    record = govaudit.audit(data=frame, label="outcome", y_pred=frame["decision"], favourable_label="yes",
                            sensitive_features=["sex"], auditors={"bias": {"n_resamples": 0}})
    assert record.findings


def test_nan_in_y_pred(frame: pd.DataFrame) -> None:
    y_pred = frame["decision"].to_numpy(dtype=float, copy=True)
    y_pred[[4, 9]] = np.nan
    with pytest.raises(govaudit.InputDataError, match=r"y_pred has 2 missing value\(s\)"):
        govaudit.audit(y_true=frame["outcome"], y_pred=y_pred, sensitive_features=frame["sex"])


def test_nan_in_label_column(frame: pd.DataFrame) -> None:
    frame["outcome"] = frame["outcome"].astype(float)
    frame.loc[7, "outcome"] = np.nan
    with pytest.raises(govaudit.InputDataError, match=r"label column 'outcome' has 1 missing value\(s\)"):
        govaudit.audit(data=frame, label="outcome", y_pred=frame["decision"], sensitive_features=["sex"])


def test_length_mismatch_between_y_true_y_pred_and_sensitive_features(frame: pd.DataFrame) -> None:
    with pytest.raises(govaudit.InputDataError,
                       match=r"different lengths: y_true=120, y_pred=119, sensitive_features=120"):
        BiasAuditor().assess(frame["outcome"], frame["decision"].iloc[:-1], sensitive_features=frame["sex"])


def test_length_mismatch_of_sensitive_features_and_data(frame: pd.DataFrame) -> None:
    with pytest.raises(govaudit.InputDataError, match=r"sensitive_features has 100 rows but the data has 120"):
        govaudit.audit(data=frame, label="outcome", y_pred=frame["decision"],
                       sensitive_features=frame["sex"].iloc[:100])


def test_empty_dataframe(frame: pd.DataFrame) -> None:
    with pytest.raises(govaudit.InputDataError, match=r"the data has no rows"):
        govaudit.audit(data=frame.iloc[:0], label="outcome", y_pred=[], sensitive_features=["sex"])


def test_empty_csv_file(tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(govaudit.InputDataError, match=r"empty\.csv: the table has no rows"):
        govaudit.audit(data=empty, label="outcome", sensitive_features=["sex"])


def test_header_only_csv_file(tmp_path: Path) -> None:
    header_only = tmp_path / "header_only.csv"
    header_only.write_text("x1,x2,sex,outcome,decision\n")
    with pytest.raises(govaudit.InputDataError, match=r"header_only\.csv: the table has no rows"):
        govaudit.load_table(header_only)


def test_group_with_one_class_warns_and_is_null_not_zero(frame: pd.DataFrame) -> None:
    """A group whose outcomes are all favourable has no FPR: null with a warning naming it, never 0."""
    frame["region"] = np.where(np.arange(len(frame)) < 60, "urban", "rural")
    frame.loc[frame["region"] == "rural", "outcome"] = 1
    with pytest.warns(govaudit.UndefinedMetricWarning, match=r"By region, .*fpr of 'rural'"):
        report = BiasAuditor(min_group_size=5, n_resamples=0).assess(
            frame["outcome"], frame["decision"], sensitive_features=frame["region"])
    table = report.by_group["region"]
    assert np.isnan(table.loc["rural", "fpr"]) and np.isnan(table.loc["rural", "tnr"])
    assert np.isfinite(table.loc["rural", "tpr"])
    assert np.isfinite(table.loc["urban", "fpr"])
    evidence = next(f for f in report.findings if f.check == "bias.group_metrics").evidence
    rural = next(g for g in evidence["groups"] if g["group"] == "rural")
    assert rural["fpr"] is None and rural["fpr_ci"] == [None, None]
    assert rural["tnr"] is None


def test_group_with_one_class_is_marked_inconclusive(frame: pd.DataFrame) -> None:
    frame["region"] = np.where(np.arange(len(frame)) < 60, "urban", "rural")
    frame.loc[frame["region"] == "rural", "outcome"] = 1
    # rural selected at 1/3, below urban, so it is not the reference group
    frame.loc[frame["region"] == "rural", "decision"] = (np.arange(60) % 3 == 0).astype(int)
    with pytest.warns(govaudit.UndefinedMetricWarning,
                      match=r"'rural'.*reported as null and error-rate comparisons for the group as inconclusive"):
        report = BiasAuditor(min_group_size=5, n_resamples=0).assess(
            frame["outcome"], frame["decision"], sensitive_features=frame["region"])
    finding = next(f for f in report.findings if f.check == "bias.group_metrics")
    assert finding.status is govaudit.Status.WARN
    rural = next(g for g in finding.evidence["groups"] if g["group"] == "rural")
    # the selection-rate gap is real and still judged; the error-rate comparison is inconclusive
    assert rural["status"] in ("fail", "inconclusive")
    assert "fpr undefined" in rural["note"] and "inconclusive" in rural["note"]
    # when the one-class group's selection rate passes the gate, the group itself is inconclusive
    frame.loc[frame["region"] == "rural", "decision"] = frame.loc[frame["region"] == "urban", "decision"].to_numpy()
    with pytest.warns(govaudit.UndefinedMetricWarning):
        report = BiasAuditor(min_group_size=5, n_resamples=0).assess(
            frame["outcome"], frame["decision"], sensitive_features=frame["region"])
    finding = next(f for f in report.findings if f.check == "bias.group_metrics")
    statuses = {g["group"]: g["status"] for g in finding.evidence["groups"]}
    assert statuses["rural"] in ("inconclusive", "reference")


def test_all_one_class_label(frame: pd.DataFrame) -> None:
    with pytest.raises(govaudit.InputDataError, match=r"the label \(y_true\) has only one class \(1\) in all 120 rows"):
        govaudit.audit(y_true=np.ones(len(frame), dtype=int), y_pred=frame["decision"],
                       sensitive_features=frame["sex"])


def test_sensitive_feature_with_ten_thousand_levels() -> None:
    n = 10_000
    rng = np.random.default_rng(0)
    data = pd.DataFrame({"case_id": [f"C{i:05d}" for i in range(n)], "decision": rng.integers(0, 2, n)})
    with pytest.raises(govaudit.InputDataError,
                       match=r"sensitive feature 'case_id' has 10000 distinct values, more than the limit of 1000"):
        govaudit.audit(data=data, y_pred=data["decision"], sensitive_features=["case_id"])


def test_nothing_to_audit(frame: pd.DataFrame) -> None:
    with pytest.raises(govaudit.InputDataError, match=r"nothing to audit: give a model with data, recorded decisions"):
        govaudit.audit(data=frame, label="outcome", sensitive_features=["sex"])


def test_unknown_auditor_in_python_api(frame: pd.DataFrame) -> None:
    with pytest.raises(govaudit.AuditorError, match=r"unknown auditor 'fairness'; available: .*bias"):
        govaudit.audit(y_pred=frame["decision"], sensitive_features=frame["sex"], auditors=["fairness"])


def test_unknown_auditor_setting_in_python_api(frame: pd.DataFrame) -> None:
    with pytest.raises(govaudit.SpecError, match=r"\[auditors\.bias\.min_grup_size\] unknown key"):
        govaudit.audit(y_pred=frame["decision"], sensitive_features=frame["sex"],
                       auditors={"bias": {"min_grup_size": 10}})


def test_intersection_of_unknown_feature(frame: pd.DataFrame) -> None:
    with pytest.raises(govaudit.ColumnError, match=r"sensitive feature 'race' named in the bias configuration.*: sex"):
        govaudit.audit(data=frame, y_pred=frame["decision"], sensitive_features=["sex"],
                       auditors={"bias": {"intersections": [["sex", "race"]]}})


def test_unknown_reference_group(frame: pd.DataFrame) -> None:
    with pytest.raises(govaudit.InputDataError, match=r"reference group 'X' for 'sex' is not in the data; groups: F, M"):
        govaudit.audit(data=frame, y_pred=frame["decision"], sensitive_features=["sex"],
                       auditors={"bias": {"reference_groups": {"sex": "X"}}})


def test_data_file_with_wrong_suffix(tmp_path: Path, frame: pd.DataFrame) -> None:
    path = tmp_path / "eval.xlsx"
    path.write_text(frame.to_csv(index=False))
    with pytest.raises(govaudit.InputDataError, match=r"eval\.xlsx: unsupported data file type '\.xlsx'; expected .*\.csv"):
        govaudit.audit(data=path, label="outcome", sensitive_features=["sex"])


@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [
        ("garbage.csv", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8, r"codec can't decode"),
        ("ragged.csv", b"sex,decision\nF,1\nM,0,1,1\n", r"Expected 2 fields in line 3, saw 4"),
        ("unclosed_quote.csv", b'sex,decision\n"F,1\nM,0\n', r"EOF inside string"),
        ("corrupt.parquet", b"this is not parquet" * 10, r"Parquet magic bytes not found"),
    ],
)
def test_unreadable_data_file_names_the_file(tmp_path: Path, name: str, content: bytes, problem: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    kind = "Parquet" if name.endswith(".parquet") else "CSV"
    with pytest.raises(govaudit.InputDataError, match=rf"{re.escape(name)}: cannot be read as {kind}: .*{problem}"):
        govaudit.audit(data=path, sensitive_features=["sex"])


def test_data_file_missing(tmp_path: Path) -> None:
    with pytest.raises(govaudit.InputDataError, match=r"data file not found: .*nowhere\.csv"):
        govaudit.load_table(tmp_path / "nowhere.csv")


def test_score_with_missing_values(frame: pd.DataFrame) -> None:
    score = np.linspace(0, 1, len(frame))
    score[3] = np.nan
    with pytest.raises(govaudit.InputDataError, match=r"y_score must be numeric with no missing values"):
        govaudit.audit(y_score=score, sensitive_features=frame["sex"])


# == specs ========================================================================================
def test_unknown_auditor_in_spec(tmp_path: Path) -> None:
    spec = write_spec(tmp_path, auditors="[auditors.fairnes]\nmin_group_size = 5\n")
    with pytest.raises(govaudit.AuditorError, match=r"spec\.toml: \[auditors\.fairnes\] unknown auditor 'fairnes'; available: .*bias"):
        govaudit.load_spec(spec)


def test_unknown_key_in_auditor_section(tmp_path: Path) -> None:
    spec = write_spec(tmp_path, auditors="[auditors.bias]\nmin_grup_size = 5\n")
    with pytest.raises(govaudit.SpecError, match=r"spec\.toml: \[auditors\.bias\.min_grup_size\] unknown key"):
        govaudit.load_spec(spec)


def test_unknown_key_in_data_section(tmp_path: Path) -> None:
    spec = write_spec(tmp_path, data=_DATA_SECTION.replace('label = "outcome"', 'lable = "outcome"'))
    with pytest.raises(govaudit.SpecError, match=r"spec\.toml: \[data\.lable\] unknown key"):
        govaudit.load_spec(spec)


def test_unknown_top_level_section(tmp_path: Path) -> None:
    spec = write_spec(tmp_path, auditors=_BIAS_SECTION + '\n[reponsible]\nowner = "x"\n')
    with pytest.raises(govaudit.SpecError, match=r"\[reponsible\] unknown key"):
        govaudit.load_spec(spec)


def test_missing_data_section(tmp_path: Path) -> None:
    spec = write_spec(tmp_path, data="")
    with pytest.raises(govaudit.SpecError, match=r"spec\.toml: nothing to audit: give a \[data\], \[decision_log\], \[manifest\] or \[control_sample\] section$"):
        govaudit.load_spec(spec)


def test_gate_threshold_of_wrong_type(tmp_path: Path) -> None:
    spec = write_spec(tmp_path, auditors=_BIAS_SECTION.replace("{ min = 0.8 }", '{ min = "high" }'))
    with pytest.raises(govaudit.SpecError,
                       match=r"\[auditors\.bias\.gates\.impact_ratio\.min\] .*valid number.* \(got 'high'\)"):
        govaudit.load_spec(spec)


def test_gate_with_min_above_max(tmp_path: Path) -> None:
    spec = write_spec(tmp_path, auditors=_BIAS_SECTION.replace("{ min = 0.8 }", "{ min = 1.25, max = 0.8 }"))
    with pytest.raises(govaudit.SpecError,
                       match=r"\[auditors\.bias\.gates\.impact_ratio\] .*'min' \(1.25\) must not exceed its 'max'"):
        govaudit.load_spec(spec)


def test_gate_without_bounds(tmp_path: Path) -> None:
    spec = write_spec(tmp_path, auditors=_BIAS_SECTION.replace("{ min = 0.8 }", "{}"))
    with pytest.raises(govaudit.SpecError, match=r"\[auditors\.bias\.gates\.impact_ratio\] .*'min', 'max' or both"):
        govaudit.load_spec(spec)


def test_unknown_gate_metric_lists_the_valid_ones(tmp_path: Path) -> None:
    spec = write_spec(tmp_path, auditors=_BIAS_SECTION.replace("impact_ratio = { min = 0.8 }",
                                                               "fpr_ration = { max = 1.25 }"))
    with pytest.raises(govaudit.SpecError, match=r"fpr_ration.*fpr_ratio.*equalized_odds_parity") as err:
        govaudit.load_spec(spec)
    assert "predictive_parity" in str(err.value) and "impact_ratio" in str(err.value)


def test_gate_given_as_a_bare_number(tmp_path: Path) -> None:
    spec = write_spec(tmp_path, auditors=_BIAS_SECTION.replace("{ min = 0.8 }", "0.8"))
    with pytest.raises(govaudit.SpecError, match=r"\[auditors\.bias\.gates\.impact_ratio\] .*(dictionary|Gate)"):
        govaudit.load_spec(spec)


def test_model_threshold_out_of_range(tmp_path: Path) -> None:
    spec = write_spec(tmp_path, model='[model]\npath = "model.skops"\nthreshold = 1.5\n')
    with pytest.raises(govaudit.SpecError, match=r"\[model\.threshold\] .*less than or equal to 1.* \(got 1\.5\)"):
        govaudit.load_spec(spec)


def test_bad_toml(tmp_path: Path) -> None:
    spec = tmp_path / "broken.toml"
    spec.write_text('[audit]\nname = "unterminated\n')
    with pytest.raises(govaudit.SpecError, match=r"broken\.toml: not valid TOML: .*line 2"):
        govaudit.load_spec(spec)


def test_spec_file_missing(tmp_path: Path) -> None:
    with pytest.raises(govaudit.SpecError, match=r"spec file not found: .*absent\.toml"):
        govaudit.load_spec(tmp_path / "absent.toml")


def test_auditor_key_error_names_field_when_path_has_brackets(tmp_path: Path) -> None:
    spec = write_spec(tmp_path / "audits[2025]", auditors="[auditors.bias]\nmin_grup_size = 5\n")
    with pytest.raises(govaudit.SpecError) as info:
        govaudit.load_spec(spec)
    assert "audits[2025]" in str(info.value)
    assert "[auditors.bias.min_grup_size] unknown key" in str(info.value)


def test_spec_data_file_missing(tmp_path: Path) -> None:
    spec = write_spec(tmp_path, data=_DATA_SECTION.replace('"eval.csv"', '"missing.csv"'))
    plan = govaudit.load_spec(spec)
    with pytest.raises(govaudit.InputDataError, match=r"data file not found: .*missing\.csv"):
        govaudit.run_plan(plan)


# == models named in a spec =======================================================================
def test_spec_model_file_missing(tmp_path: Path) -> None:
    spec = write_spec(tmp_path, model='[model]\npath = "models/absent.skops"\n',
                      data=_DATA_SECTION.replace('prediction = "decision"\n', ""))
    with pytest.raises(govaudit.ModelLoadError, match=r"model file not found: .*models/absent\.skops"):
        govaudit.run_plan(govaudit.load_spec(spec))


def test_spec_model_text_file_renamed_skops(tmp_path: Path) -> None:
    (tmp_path / "model.skops").write_text("this is a README, not a model\n")
    spec = write_spec(tmp_path, model='[model]\npath = "model.skops"\n',
                      data=_DATA_SECTION.replace('prediction = "decision"\n', ""))
    with pytest.raises(govaudit.ModelLoadError, match=r"model\.skops: not a skops model file"):
        govaudit.run_plan(govaudit.load_spec(spec))


def test_spec_pickle_without_trust(tmp_path: Path, frame: pd.DataFrame) -> None:
    with (tmp_path / "model.pkl").open("wb") as fh:
        pickle.dump(_fit_model(frame), fh)
    spec = write_spec(tmp_path, model='[model]\npath = "model.pkl"\n', table=frame,
                      data=_DATA_SECTION.replace('prediction = "decision"\n', ""))
    with pytest.raises(govaudit.ModelLoadError, match=r"model\.pkl: refusing to load a pickle.*trust_pickle = true"):
        govaudit.run_plan(govaudit.load_spec(spec))


def test_spec_skops_with_untrusted_type(tmp_path: Path, frame: pd.DataFrame) -> None:
    import skops.io as sio
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import FunctionTransformer

    model = make_pipeline(FunctionTransformer(operator.neg), LogisticRegression())
    model.fit(frame[["x1", "x2"]], frame["outcome"])
    sio.dump(model, tmp_path / "model.skops")
    assert sio.get_untrusted_types(file=tmp_path / "model.skops") == ["_operator.neg"]
    data = _DATA_SECTION.replace('prediction = "decision"\n', "")
    spec = write_spec(tmp_path, model='[model]\npath = "model.skops"\n', table=frame, data=data)
    with pytest.raises(govaudit.ModelLoadError, match=r"model\.skops: the model contains types that are not trusted: _operator\.neg"):
        govaudit.run_plan(govaudit.load_spec(spec))
    trusted = write_spec(tmp_path, model='[model]\npath = "model.skops"\ntrusted_types = ["_operator.neg"]\n',
                         data=data, name="trusted.toml")
    record = govaudit.run_plan(govaudit.load_spec(trusted))
    assert record.model is not None and record.findings


# == the command line =============================================================================
def test_cli_unknown_spec_key(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = write_spec(tmp_path, auditors="[auditors.bias]\nmin_grup_size = 5\n")
    line = run_cli_expecting_bad_input(["run", str(spec)], capsys)
    assert "[auditors.bias.min_grup_size] unknown key" in line


def test_cli_wrong_gate_type(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = write_spec(tmp_path, auditors=_BIAS_SECTION.replace("{ min = 0.8 }", '{ min = "high" }'))
    line = run_cli_expecting_bad_input(["run", str(spec)], capsys)
    assert "[auditors.bias.gates.impact_ratio.min]" in line and "'high'" in line


def test_cli_unknown_auditor(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = write_spec(tmp_path, auditors="[auditors.fairnes]\n")
    line = run_cli_expecting_bad_input(["run", str(spec)], capsys)
    assert "unknown auditor 'fairnes'" in line


def test_cli_missing_column(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = write_spec(tmp_path, data=_DATA_SECTION.replace('["sex"]', '["gender"]'))
    line = run_cli_expecting_bad_input(["run", str(spec)], capsys)
    assert "column 'gender' (sensitive feature) not found" in line
    assert "available columns: x1, x2, sex, outcome, decision" in line


def test_cli_label_not_binary(tmp_path: Path, frame: pd.DataFrame, capsys: pytest.CaptureFixture[str]) -> None:
    frame["outcome"] = np.where(frame["outcome"] == 1, "yes", "no")
    spec = write_spec(tmp_path, table=frame)
    line = run_cli_expecting_bad_input(["run", str(spec)], capsys)
    assert "label column 'outcome'" in line and "'yes'" in line and "'no'" in line


def test_cli_all_one_class_label(tmp_path: Path, frame: pd.DataFrame, capsys: pytest.CaptureFixture[str]) -> None:
    frame["outcome"] = 1
    spec = write_spec(tmp_path, table=frame)
    line = run_cli_expecting_bad_input(["run", str(spec)], capsys)
    assert "has only one class (1) in all 120 rows" in line


def test_cli_empty_csv(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = write_spec(tmp_path)
    (tmp_path / "eval.csv").write_bytes(b"")
    line = run_cli_expecting_bad_input(["run", str(spec)], capsys)
    assert "eval.csv: the table has no rows" in line


def test_cli_malformed_csv(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = write_spec(tmp_path)
    (tmp_path / "eval.csv").write_bytes(b"x1,x2,sex,outcome,decision\n1,2,F,1,1\n3,4,M,0,0,9,9\n")
    line = run_cli_expecting_bad_input(["run", str(spec)], capsys)
    assert "eval.csv: cannot be read as CSV" in line


def test_cli_ten_thousand_levels(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    n = 10_000
    rng = np.random.default_rng(1)
    table = pd.DataFrame({"case_id": np.arange(n), "outcome": rng.integers(0, 2, n), "decision": rng.integers(0, 2, n)})
    spec = write_spec(tmp_path, table=table, data=_DATA_SECTION.replace('["sex"]', '["case_id"]'))
    line = run_cli_expecting_bad_input(["run", str(spec)], capsys)
    assert "sensitive feature 'case_id' has 10000 distinct values" in line


def test_cli_bad_toml_and_missing_spec(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[audit\nname = 1\n")
    assert "bad.toml: not valid TOML" in run_cli_expecting_bad_input(["run", str(bad)], capsys)
    assert "spec file not found" in run_cli_expecting_bad_input(["run", str(tmp_path / "none.toml")], capsys)


def test_cli_pickle_without_trust(tmp_path: Path, frame: pd.DataFrame, capsys: pytest.CaptureFixture[str]) -> None:
    with (tmp_path / "model.pkl").open("wb") as fh:
        pickle.dump(_fit_model(frame), fh)
    spec = write_spec(tmp_path, model='[model]\npath = "model.pkl"\n', table=frame,
                      data=_DATA_SECTION.replace('prediction = "decision"\n', ""))
    line = run_cli_expecting_bad_input(["run", str(spec)], capsys)
    assert "model.pkl: refusing to load a pickle" in line and "trust_pickle" in line


def test_cli_pickle_with_trust_runs_the_audit(tmp_path: Path, frame: pd.DataFrame,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    with (tmp_path / "model.pkl").open("wb") as fh:
        pickle.dump(_fit_model(frame), fh)
    spec = write_spec(tmp_path, model='[model]\npath = "model.pkl"\ntrust_pickle = true\n', table=frame,
                      data=_DATA_SECTION.replace('prediction = "decision"\n', ""))
    code = cli_main(["run", str(spec), "--quiet"])
    out, err = capsys.readouterr()
    assert code in (0, 1), err
    assert "error" not in err and "Traceback" not in err
    record = govaudit.run_plan(govaudit.load_spec(spec))
    assert record.model is not None and record.model.name == "model.pkl"
    assert any(f.check == "bias.group_metrics" for f in record.findings)


def test_cli_module_subprocess_reports_bad_spec_without_traceback(tmp_path: Path) -> None:
    spec = write_spec(tmp_path, data=_DATA_SECTION.replace('label = "outcome"', 'lable = "outcome"'))
    result = subprocess.run([sys.executable, "-m", "govaudit.cli", "run", str(spec)],
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("govaudit: error: "), lines
    assert "[data.lable] unknown key" in lines[0]


def test_no_warning_leaks_from_a_clean_bad_input_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A rejected spec is rejected before any computation: no warnings on the way out."""
    spec = write_spec(tmp_path, auditors=_BIAS_SECTION.replace("{ min = 0.8 }", "{ min = 1.0, max = 0.8 }"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        line = run_cli_expecting_bad_input(["run", str(spec)], capsys)
    assert "[auditors.bias.gates.impact_ratio]" in line and "must not exceed its 'max'" in line


def test_data_path_that_is_a_folder(tmp_path: Path) -> None:
    with pytest.raises(govaudit.InputDataError, match=r"is a folder; expected a \.csv or \.parquet file"):
        govaudit.load_table(tmp_path)


def test_label_without_the_favourable_value_says_so() -> None:
    with pytest.raises(govaudit.InputDataError, match=r"none is 1: set the favourable label to one of them"):
        govaudit.audit(y_true=["granted", "refused"] * 20, y_pred=[1, 0] * 20, sensitive_features=["a", "b"] * 20)


# == a threshold the model cannot honour ==========================================================
def test_threshold_with_a_model_without_probabilities_is_bad_input(frame: pd.DataFrame) -> None:
    from sklearn.svm import LinearSVC

    model = LinearSVC().fit(frame[["x1", "x2"]], frame["outcome"])
    with pytest.raises(govaudit.InputDataError, match=r"threshold = 0\.7 needs the model's probabilities.*LinearSVC"):
        govaudit.audit(model, data=frame, label="outcome", sensitive_features=["sex"], threshold=0.7)


def test_cli_threshold_with_a_model_without_probabilities(tmp_path: Path, frame: pd.DataFrame,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    import skops.io as sio
    from sklearn.svm import LinearSVC

    sio.dump(LinearSVC().fit(frame[["x1", "x2"]], frame["outcome"]), tmp_path / "model.skops")
    data = '[data]\npath = "eval.csv"\nlabel = "outcome"\nsensitive_features = ["sex"]\n'
    spec = write_spec(tmp_path, model='[model]\npath = "model.skops"\nthreshold = 0.7\n', table=frame, data=data)
    line = run_cli_expecting_bad_input(["run", str(spec)], capsys)
    assert "has no predict_proba" in line
    assert not (tmp_path / "reports").exists()  # nothing written
