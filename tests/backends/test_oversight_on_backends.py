"""The oversight auditor on DuckDB (and Spark) gives the in-memory auditor's findings, every check."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

import numpy as np
import pandas as pd
import pytest

from oversight.test_oversight_auditor import POLICY, random_log
import govaudit
from govaudit.api import run_plan
from govaudit.oversight._auditor import OversightAuditor
from govaudit.backends import DuckDBSettings
from govaudit.oversight import duckdb_log_counts, log_counts_from_frame, spark_log_counts
from govaudit.backends import spark_unavailable
from govaudit.exceptions import ColumnError, InputDataError
from govaudit.spec import load_spec

CHECKS = ("oversight.review_coverage", "oversight.two_person_rule", "oversight.review_time",
          "oversight.rubber_stamping", "oversight.appeal_timeliness", "oversight.automation_drift",
          "oversight.override_fairness", "oversight.appeal_fairness")


@pytest.fixture(scope="module")
def log() -> pd.DataFrame:
    frame = random_log(3000, seed=11)
    for c in ("decided_at", "review_started_at", "review_ended_at", "appeal_filed_at", "appeal_decided_at"):
        frame[c] = frame[c].dt.floor("us")  # logged times carry at most microseconds (engines differ below that)
    frame["region"] = np.random.default_rng(2).choice(["north", "south", None], len(frame), p=[0.6, 0.38, 0.02])
    return frame


@pytest.fixture(scope="module")
def files(tmp_path_factory, log) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("oversight")
    log.to_parquet(folder / "log.parquet", index=False)
    text = log.copy()
    for c in ("decided_at", "review_started_at", "review_ended_at", "appeal_filed_at", "appeal_decided_at"):
        text[c] = text[c].map(lambda t: t.isoformat() if pd.notna(t) else None)
    text.to_csv(folder / "log.csv", index=False)
    for i, part in enumerate(np.array_split(np.arange(len(log)), 3)):
        log.iloc[part].to_parquet(folder / f"part-{i}.parquet", index=False)
    return {"parquet": folder / "log.parquet", "csv": folder / "log.csv", "glob": folder / "part-*.parquet"}


def auditor() -> OversightAuditor:
    return OversightAuditor(policy=POLICY, sensitive_features=["sex", "region"], n_resamples=200, min_reviews=50)


def computed(findings) -> list[dict]:
    return [f.model_dump(mode="json") for f in findings if f.check in CHECKS]


@pytest.fixture(scope="module")
def in_memory(log) -> list[dict]:
    result = auditor().assess(log)
    return computed(result.findings if hasattr(result, "findings") else result)


@pytest.fixture(scope="module")
def published(log) -> list[dict]:
    """The in-memory findings as a record publishes them: small groups protected across every table."""
    from govaudit.disclosure import protect_findings

    result = auditor().assess(log)
    findings, _ = protect_findings(result.findings if hasattr(result, "findings") else result,
                                   threshold=auditor().config.suppress_below)
    return computed(findings)


@pytest.mark.parametrize("kind", ["parquet", "csv", "glob"])
def test_duckdb_findings_equal_in_memory(files, in_memory, kind):
    counts = duckdb_log_counts(files[kind], settings=DuckDBSettings(memory_limit="256MB"),
                               sensitive_features=["sex", "region"], policy=auditor().config.policy)
    findings = auditor().assess_counts(counts)
    assert computed(findings) == in_memory
    # six checks, override by 2 features, 2 appeal rates x 2 features
    assert len(in_memory) == 6 + 2 + 4
    assert all(f["status"] != "skipped" for f in in_memory)


def test_narwhals_pandas_path_equals_in_memory(log, in_memory):
    counts = log_counts_from_frame(log, sensitive_features=["sex", "region"], policy=auditor().config.policy)
    assert computed(auditor().assess_counts(counts)) == in_memory


def test_counts_match_a_pandas_hand_count(files, log):
    counts = duckdb_log_counts(files["parquet"], sensitive_features=["sex"])
    t = counts.table
    assert counts.n_rows == len(log)
    reviewed = log["reviewer_1"].notna() & log["review_ended_at"].notna() & log["final_decision"].notna()
    overrides = reviewed & (log["final_decision"] != log["recommendation"])
    for sex in ("female", "male"):
        rows = t[(t["sex"] == sex) & t["reviewed"] & t["decided"]]
        assert rows["__n"].sum() == (reviewed & (log["sex"] == sex)).sum()
        assert rows.loc[rows["final_decision"] != rows["recommendation"], "__n"].sum() == \
            (overrides & (log["sex"] == sex)).sum()
    months = log.loc[log["final_decision"].notna(), "decided_at"].dt.strftime("%Y-%m").value_counts().sort_index()
    ours = t[t["decided"]].groupby("month")["__n"].sum().sort_index()
    assert ours.to_dict() == months.to_dict()
    assert counts.timezone == "UTC"
    assert len(t) < len(log) / 5  # aggregated, not the rows
    assert "case_id" not in t.columns


def test_per_case_counts_match_a_pandas_hand_count(files, log):
    findings = {f.check: f for f in auditor().assess_counts(
        duckdb_log_counts(files["parquet"], sensitive_features=["sex", "region"], policy=auditor().config.policy))}
    decided = log["final_decision"].notna()
    reviewed = log["reviewer_1"].notna() & log["review_ended_at"].notna()
    needed = ((log["recommendation"] == 0) | log["score"].between(0.4, 0.6) | (log["case_type"] == "fraud")
              | log["review_required"])
    coverage = findings["oversight.review_coverage"].evidence
    assert coverage["required_decided"] == (needed & decided).sum()
    assert coverage["unreviewed"] == (needed & decided & ~reviewed).sum()
    seconds = (log["review_ended_at"] - log["review_started_at"]).dt.total_seconds()
    timing = findings["oversight.review_time"].evidence
    assert timing["short_reviews"] == ((seconds < 60) & reviewed & decided).sum()
    by_reviewer = seconds[reviewed & decided].groupby(log["reviewer_1"]).mean()
    assert {r["reviewer"]: r["mean_seconds"] for r in timing["reviewers"]} == pytest.approx(by_reviewer.to_dict())
    fraud = decided & (log["case_type"] == "fraud")
    pair_missing = fraud & (log["reviewer_1"].isna() | log["reviewer_2"].isna())
    assert findings["oversight.two_person_rule"].evidence["missing_second_reviewer"] == pair_missing.sum()
    appeals = findings["oversight.appeal_timeliness"].evidence
    filed = log["appeal_filed"]
    days = (log["appeal_decided_at"] - log["appeal_filed_at"]).dt.total_seconds() / 86400
    assert appeals["appeals"] == filed.sum()
    assert appeals["late_decided"] == (filed & (days > 30)).sum()
    assert appeals["mean_days_to_decision"] == pytest.approx(days[filed & log["appeal_decided_at"].notna()].mean())


def test_bad_values_are_named(tmp_path, log):
    bad = log.copy()
    bad["recommendation"] = bad["recommendation"].replace(1, 2)
    bad.to_parquet(tmp_path / "bad.parquet", index=False)
    with pytest.raises(ColumnError, match="recommendation"):
        duckdb_log_counts(tmp_path / "bad.parquet")
    log.drop(columns=["final_decision"]).to_parquet(tmp_path / "short.parquet", index=False)
    with pytest.raises(ColumnError, match="final_decision"):
        duckdb_log_counts(tmp_path / "short.parquet")
    with pytest.raises(ColumnError, match="'nope'"):
        duckdb_log_counts(tmp_path / "bad.parquet", sensitive_features=["nope"])
    with pytest.raises(InputDataError, match="not found"):
        duckdb_log_counts(tmp_path / "none-*.parquet")


@pytest.mark.slow
@pytest.mark.skipif(spark_unavailable() is not None, reason=f"spark backend unavailable: {spark_unavailable()}")
def test_spark_findings_equal_in_memory(files, in_memory):
    counts = spark_log_counts(files["csv"], sensitive_features=["sex", "region"], policy=auditor().config.policy)
    assert computed(auditor().assess_counts(counts)) == in_memory


def _oversight_spec(folder: Path, log: str, extra: str = "") -> Path:
    path = folder / f"oversight-{abs(hash((log, extra)))}.toml"
    path.write_text(dedent(f"""\
        [audit]
        name = "benefit-log"
        [decision_log]
        path = "{log}"
        {extra}
        [auditors.oversight]
        sensitive_features = ["sex", "region"]
        n_resamples = 200
        min_reviews = 50
        [auditors.oversight.policy]
        uncertainty_band = [0.4, 0.6]
        review_case_types = ["fraud"]
        two_person_case_types = ["fraud"]
        min_review_seconds = 60
        max_unreviewed_share = 0.5
        appeal_deadline_days = 30
        """))
    return path


def test_a_spec_with_decision_log_backend_duckdb(files, published, tmp_path):
    folder = files["parquet"].parent
    record = run_plan(load_spec(_oversight_spec(
        folder, "log.parquet", f'backend = "duckdb"\n[decision_log.duckdb]\nmemory_limit = "128MB"\n'
        f'temp_directory = "{tmp_path / "spill"}"\n')))
    assert computed(record.findings) == published
    memory = run_plan(load_spec(_oversight_spec(folder, "log.parquet")))
    assert computed(memory.findings) == published
    assert [d.sha256 for d in record.data] == [d.sha256 for d in memory.data]


def test_a_decision_log_glob_picks_duckdb_and_hashes_every_file(files, published):
    record = run_plan(load_spec(_oversight_spec(files["parquet"].parent, "part-*.parquet")))
    assert computed(record.findings) == published
    assert [d.name for d in record.data] == ["part-0.parquet", "part-1.parquet", "part-2.parquet"]


def test_audit_with_a_backend_from_python(files, published, log_files):
    settings = dict(sensitive_features=["sex", "region"], n_resamples=200, min_reviews=50, policy=POLICY)
    record = govaudit.audit(decision_log=str(files["glob"]), auditors={"oversight": settings})
    assert computed(record.findings) == published
    memory = govaudit.audit(data=log_files["parquet"], label="eligible", prediction="decision",
                            favourable_label="granted", sensitive_features=["sex", "region"],
                            auditors={"bias": {"n_resamples": 100}})
    duck = govaudit.audit(data=log_files["parquet"], backend="duckdb", label="eligible", prediction="decision",
                          favourable_label="granted", sensitive_features=["sex", "region"],
                          auditors={"bias": {"n_resamples": 100}}, duckdb=DuckDBSettings(memory_limit="128MB"))
    assert [f.model_dump(mode="json") for f in duck.findings] == [f.model_dump(mode="json") for f in memory.findings]
    assert duck.data[0].sha256 == memory.data[0].sha256
    with pytest.raises(InputDataError, match="backend"):
        govaudit.audit(data=log_files["parquet"], backend="sqlite", prediction="decision")


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values(["check", "case_id"]).reset_index(drop=True)


def test_the_case_file_lists_the_same_cases_as_in_memory(files, log, tmp_path):
    memory = auditor().assess(log)
    expected = _sorted(memory.case_tables[0].table)
    assert set(expected["check"]) == {"oversight.review_coverage", "oversight.two_person_rule",
                                      "oversight.review_time", "oversight.appeal_timeliness"}
    folder = files["parquet"].parent
    record = run_plan(load_spec(_oversight_spec(folder, "log.parquet", 'backend = "duckdb"')))
    (table,) = record.case_tables
    assert callable(table.table)  # read back from DuckDB only when written
    pd.testing.assert_frame_equal(_sorted(table.rows()), expected)
    from govaudit.report import write_reports

    written = write_reports(record, tmp_path / "out", case_files=True)
    pd.testing.assert_frame_equal(_sorted(pd.read_parquet(written[table.name])), expected)
    assert "case_id" not in (tmp_path / "out" / "record.json").read_text()


@pytest.mark.slow
@pytest.mark.skipif(spark_unavailable() is not None, reason=f"spark backend unavailable: {spark_unavailable()}")
def test_the_case_file_on_spark(files, log):
    from govaudit.oversight import DecisionLogSource

    source = DecisionLogSource(files=(files["parquet"],), backend="spark")
    counts = source.counts(["sex", "region"], auditor().config.policy)
    from govaudit.oversight._from_counts import case_violations

    got = case_violations(source.cases(counts), auditor().config)
    pd.testing.assert_frame_equal(_sorted(got), _sorted(auditor().assess(log).case_tables[0].table))


@pytest.mark.slow
def test_audit_of_a_spark_dataframe_decision_log(spark, files, published):
    settings = dict(sensitive_features=["sex", "region"], n_resamples=200, min_reviews=50, policy=POLICY)
    from govaudit.backends._spark import read_frame

    frame = read_frame(files["parquet"], spark=spark)  # pandas wrote nanoseconds, which Spark reads only so
    record = govaudit.audit(decision_log=frame, auditors={"oversight": settings})
    assert computed(record.findings) == published
    (identity,) = record.data
    assert identity.role == "decision_log" and identity.name.startswith("Spark DataFrame")
