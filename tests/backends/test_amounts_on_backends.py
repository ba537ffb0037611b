"""The amounts auditor on DuckDB and Spark: the in-memory figures from moments aggregated where the rows are."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import govaudit
from govaudit.amounts import AmountAuditor
from govaudit.api import run_plan
from govaudit.backends import AmountSource, spark_unavailable
from govaudit.backends import _median
from govaudit.exceptions import ColumnError, InputDataError, SpecError
from govaudit.spec import load_spec
from _backend_specs import data_spec
from conftest import make_log

SETTINGS = dict(intersectional=True, underpaid_tolerance=5.0, min_group_size=20,
                gates={"mean_ratio": {"min": 0.9}, "above_ratio": {"min": 0.8}, "max_group_mae": 30.0,
                       "max_underpaid_share": 0.5})
SENSITIVE = ("sex", "region", "age_band")
#: figures that are counts or order statistics: equal exactly; the rest to rounding (sums in another order)
EXACT = ("group", "count", "above", "underpaid", "median", "median_low", "median_high", "above_share",
         "above_share_low", "above_share_high", "underpaid_share", "underpaid_share_low", "underpaid_share_high",
         "above_ratio", "above_ratio_low", "above_ratio_high", "above_p_value", "underpaid_p_value")
DISTANCES = ("ks", "ks_p_value", "wasserstein")


def make_cases(n: int = 3000, seed: int = 3) -> pd.DataFrame:
    """The backends' decision log (missing sex and age band included) with an amount paid and the amount due."""
    frame = make_log(n, seed)
    rng = np.random.default_rng(seed + 1)
    due = np.round(rng.gamma(2.0, 200.0, n), 2)
    # the south is paid about 25 % under what is due; amounts in cents, so ties are common
    paid = np.round(due * np.where(frame["region"] == "south", 0.75, 1.0) + rng.normal(0, 15, n), 2).clip(0)
    return frame.assign(paid=paid, due=due)


@pytest.fixture(scope="module")
def cases() -> pd.DataFrame:
    return make_cases()


@pytest.fixture(scope="module")
def case_files(tmp_path_factory, cases) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("amounts")
    cases.to_parquet(folder / "cases.parquet", index=False)
    cases.to_csv(folder / "cases.csv", index=False)
    for i, part in enumerate(np.array_split(np.arange(len(cases)), 3)):
        cases.iloc[part].to_parquet(folder / f"part-{i}.parquet", index=False)
    return {"parquet": folder / "cases.parquet", "csv": folder / "cases.csv", "folder": folder}


def _in_memory(cases: pd.DataFrame, **settings):
    # the sensitive features as numpy arrays, as build_subject passes them (a nullable integer reads 1.0)
    sensitive = pd.DataFrame({c: cases[c].to_numpy() for c in SENSITIVE})
    return AmountAuditor(**{**SETTINGS, **settings}).assess(cases["paid"], sensitive_features=sensitive,
                                                            amount_true=cases["due"])


def _assert_same_tables(got, expected) -> None:
    assert got.by_group.keys() == expected.by_group.keys()
    for key, want in expected.by_group.items():
        have = got.by_group[key]
        assert list(have.columns) == list(want.columns)
        for column in want.columns:
            if column in DISTANCES:  # not evaluated on a backend
                assert have[column].isna().all()
            elif column in EXACT:
                assert have[column].equals(want[column]), f"{key}: {column}"
            else:
                np.testing.assert_allclose(have[column].to_numpy(float), want[column].to_numpy(float), rtol=1e-9,
                                           atol=1e-9, equal_nan=True, err_msg=f"{key}: {column}")


def _assert_same_verdicts(got, expected) -> None:
    pairs = list(zip(got.findings, expected.findings, strict=True))
    for have, want in pairs:
        assert (have.check, have.status, have.groups) == (want.check, want.status, want.groups)
        if want.value is not None:
            assert have.value == pytest.approx(want.value, rel=1e-9)


@pytest.mark.parametrize("where", ["frame", "parquet", "csv"])
def test_duckdb_gives_the_in_memory_figures(cases, case_files, where):
    data = cases if where == "frame" else (case_files[where],)
    source = AmountSource(data, "duckdb", "paid", SENSITIVE, amount_true="due")
    got = AmountAuditor(**SETTINGS).analyse_source(source)
    expected = _in_memory(cases)
    _assert_same_tables(got, expected)
    _assert_same_verdicts(got, expected)
    # the injected under-payment of the south is found, as in memory
    assert any(f.check == "amounts.mean_ratio" and f.groups == ("south",) and f.status is govaudit.Status.FAIL
               for f in got.findings)
    table = next(f for f in got.findings if f.check == "amounts.group_amounts")
    assert table.evidence["backend"] == "duckdb" and "not evaluated" in table.evidence["intervals"]["distance"]
    assert not any("ks" in row for row in table.evidence["groups"])


def test_a_named_cut_and_another_confidence_are_honoured(cases):
    source = AmountSource(cases, "duckdb", "paid", SENSITIVE, amount_true="due")
    settings = dict(above=400.0, confidence=0.9, reference="largest")
    got = AmountAuditor(**{**SETTINGS, **settings}).analyse_source(source)
    _assert_same_tables(got, _in_memory(cases, **settings))


def test_reference_groups_on_duckdb_as_in_memory(cases):
    source = AmountSource(cases, "duckdb", "paid", SENSITIVE, amount_true="due")
    settings = dict(reference_groups={"region": "east", "sex & region & age_band": "female & north & 2.0"})
    got = AmountAuditor(**{**SETTINGS, **settings}).analyse_source(source)
    expected = _in_memory(cases, **settings)
    _assert_same_tables(got, expected)
    _assert_same_verdicts(got, expected)
    refs = {f.evidence["feature"]: f.evidence["reference"] for f in got.findings if f.check == "amounts.group_amounts"}
    assert refs["region"] == "east" and refs["sex & region & age_band"] == "female & north & 2.0"


def test_medians_of_groups_too_large_to_collect_are_exact(cases, monkeypatch):
    # force the histogram narrowing (bounded memory) for every group: still numpy's order statistics
    monkeypatch.setattr(_median, "_MAX_COLLECT", 50)
    source = AmountSource(cases, "duckdb", "paid", ("region",))
    got = AmountAuditor(min_group_size=20).analyse_source(source).by_group["region"]
    for _, row in got.iterrows():
        values = np.sort(cases.loc[cases["region"] == row["group"], "paid"].to_numpy())
        assert row["median"] == np.median(values)
        low, high = govaudit.metrics.median_interval(values)
        assert (row["median_low"], row["median_high"]) == (low, high)


def _spec(folder: Path, backend: str, roles: str = "", auditors: str = "") -> Path:
    lines = ('amount = "paid"\namount_true = "due"\nsensitive_features = ["sex", "region"]\n' + roles)
    extra = f'backend = "{backend}"' if backend != "memory" else ""
    return data_spec(folder, name="amounts", data="cases.parquet", roles=lines, extra=extra,
                     tail="[auditors.amounts]\nmin_group_size = 20\nunderpaid_tolerance = 5.0\n"
                          "gates = { mean_ratio = { min = 0.9 }, max_underpaid_share = 0.5 }\n" + auditors)


def _comparable(record) -> list[tuple]:
    return [(f.check, f.status.value, f.groups, None if f.value is None else round(f.value, 9))
            for f in record.findings if f.auditor == "amounts"]


def test_a_spec_on_duckdb_with_amounts_alone_runs(case_files):
    memory = run_plan(load_spec(_spec(case_files["folder"], "memory")))
    duck = run_plan(load_spec(_spec(case_files["folder"], "duckdb")))
    assert _comparable(duck) == _comparable(memory)
    assert any(f.status is govaudit.Status.FAIL for f in duck.findings if f.auditor == "amounts")
    # with decisions too, bias and amounts both run on the backend
    both = run_plan(load_spec(_spec(case_files["folder"], "duckdb", 'prediction = "decision"\n'
                                    'favourable_label = "granted"\n', "[auditors.bias]\nn_resamples = 100\n")))
    assert _comparable(both) == _comparable(memory)
    assert any(f.check == "bias.impact_ratio" for f in both.findings)


def test_audit_with_duckdb_over_a_frame(cases):
    record = govaudit.audit(data=cases, sensitive_features=["region"], amount="paid", amount_true="due",
                            auditors={"amounts": {"min_group_size": 20}}, engine="duckdb")
    memory = govaudit.audit(data=cases, sensitive_features=["region"], amount="paid", amount_true="due",
                            auditors={"amounts": {"min_group_size": 20}})
    assert _comparable(record) == _comparable(memory)


def test_amount_arrays_on_a_backend_are_refused(cases):
    with pytest.raises(InputDataError, match="y_amount.*backend = \"memory\""):
        govaudit.audit(data=cases, sensitive_features=["region"], y_amount=cases["paid"],
                       auditors={"amounts": {}}, engine="duckdb", prediction="decision",
                       favourable_label="granted")


def test_bad_amounts_are_named(cases):
    negative = cases.assign(paid=cases["paid"] - 1000)
    with pytest.raises(InputDataError, match="'paid'.*negative"):
        AmountAuditor().analyse_source(AmountSource(negative, "duckdb", "paid", ("region",)))
    missing = cases.assign(paid=cases["paid"].where(cases.index != 7))
    with pytest.raises(InputDataError, match="'paid'.*1 missing"):
        AmountAuditor().analyse_source(AmountSource(missing, "duckdb", "paid", ("region",)))
    with pytest.raises(ColumnError, match="'owed'.*not found"):
        AmountAuditor().analyse_source(AmountSource(cases, "duckdb", "owed", ("region",)))
    with pytest.raises(ColumnError, match="'region'.*must hold numbers"):
        AmountAuditor().analyse_source(AmountSource(cases, "duckdb", "region", ("sex",)))


def test_a_backend_spec_with_nothing_to_audit_says_what_to_name(case_files):
    spec = data_spec(case_files["folder"], name="nothing", data="cases.parquet", roles='sensitive_features = ["sex"]',
                     extra='backend = "duckdb"')
    with pytest.raises(SpecError, match="class_prediction or amount column"):
        load_spec(spec)


_WHY = spark_unavailable()


@pytest.mark.skipif(_WHY is not None, reason=f"spark tests skipped: {_WHY}")
@pytest.mark.filterwarnings("ignore::Warning:pyspark")
def test_spark_gives_the_in_memory_figures(spark, cases, case_files):
    expected = _in_memory(cases)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        frame = spark.read.parquet(str(case_files["parquet"]))
        got = AmountAuditor(**SETTINGS).analyse_source(AmountSource(frame, "spark", "paid", SENSITIVE,
                                                                    amount_true="due"))
    _assert_same_tables(got, expected)
    _assert_same_verdicts(got, expected)
