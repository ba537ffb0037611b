"""A malformed decision log gives, on DuckDB, the same one-line error as in memory: same column, same case."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest

from govaudit.backends import DuckDBSettings
from govaudit.oversight import duckdb_log_counts
from govaudit.exceptions import InputDataError
from govaudit.oversight import OversightPolicy, validate_decision_log
from oversight._logs import add_review, minimal_log

def _reviewed() -> pd.DataFrame:
    log = minimal_log()
    log.loc[0, "recommendation"] = 0
    add_review(log, 0, "R1", 120, 1)
    add_review(log, 1, "R2", 300, 1)
    return log


def _end_before_start(log):
    add_review(log, 2, "R1", -30, 1)


def _duplicate_ids(log):
    log.loc[3, "case_id"] = "c1"


def _missing_score(log):
    log["score"] = log["score"].astype(float)
    log.loc[4, "score"] = np.nan


def _infinite_score(log):
    log["score"] = log["score"].astype(float)
    log.loc[2, "score"] = np.inf


def _review_without_reviewer(log):
    log.at[1, "reviewer_1"] = None


def _review_without_decision(log):
    log["final_decision"] = log["final_decision"].astype(float)
    log.at[1, "final_decision"] = np.nan


def _overridden_disagrees(log):
    log["overridden"] = [True, False, True, False, False, False]


def _bad_recommendation(log):
    log.loc[3, "recommendation"] = 2


def _missing_model_name(log):
    log["model_name"] = log["model_name"].astype(object)
    log.loc[5, "model_name"] = None


def _review_before_decision(log):
    log.loc[1, "review_started_at"] = log.loc[1, "decided_at"] - pd.Timedelta(minutes=5)


def _naive_times(log):
    log["decided_at"] = log["decided_at"].dt.tz_localize(None)


def _appeals(log, *, outcome="upheld", filed=True, decided_days=5.0):
    n = len(log)
    log["appeal_filed"] = [filed] + [False] * (n - 1)
    log["appeal_filed_at"] = pd.Series([log.at[0, "review_ended_at"] + pd.Timedelta(days=1)] + [pd.NaT] * (n - 1),
                                       dtype="datetime64[us, UTC]")
    log["appeal_outcome"] = pd.Series([outcome] + [None] * (n - 1), dtype=object)
    log["appeal_decided_at"] = log["appeal_filed_at"] + pd.Timedelta(days=decided_days)


CASES: dict[str, Callable[[pd.DataFrame], None]] = {
    "end before start": _end_before_start,
    "duplicate case ids": _duplicate_ids,
    "missing score": _missing_score,
    "infinite score": _infinite_score,
    "review without reviewer": _review_without_reviewer,
    "review without decision": _review_without_decision,
    "overridden disagrees": _overridden_disagrees,
    "recommendation not 0/1": _bad_recommendation,
    "missing model name": _missing_model_name,
    "review before the decision": _review_before_decision,
    "times without a zone": _naive_times,
    "unknown appeal outcome": lambda log: _appeals(log, outcome="won"),
    "outcome without an appeal": lambda log: _appeals(log, filed=False),
    "appeal decided before filed": lambda log: _appeals(log, decided_days=-2),
}


def _error(call: Callable[[], object]) -> BaseException:
    with pytest.raises(InputDataError) as info:  # ColumnError is an InputDataError
        call()
    return info.value


@pytest.mark.parametrize("name", list(CASES))
def test_the_same_error_as_in_memory(name, tmp_path):
    log = _reviewed()
    CASES[name](log)
    path = tmp_path / "log.parquet"
    log.to_parquet(path, index=False)
    expected = _error(lambda: validate_decision_log(log, source=str(path)))  # errors name the file
    got = _error(lambda: duckdb_log_counts(path, settings=DuckDBSettings(memory_limit="128MB")))
    assert (type(got), str(got)) == (type(expected), str(expected))


def test_the_roster_is_checked_on_both_reviewer_columns(tmp_path):
    log = _reviewed()
    add_review(log, 2, "R1", 90, 1, second="intruder")
    log.to_parquet(tmp_path / "log.parquet", index=False)
    policy = OversightPolicy(reviewers=("R1", "R2"))
    expected = _error(lambda: validate_decision_log(log, reviewers=policy.reviewers,
                                                    source=str(tmp_path / "log.parquet")))
    got = _error(lambda: duckdb_log_counts(tmp_path / "log.parquet", policy=policy))
    assert str(got) == str(expected)
    assert "reviewer_2" in str(got) and "intruder" in str(got)


def test_a_valid_log_passes_and_unique_ids_can_be_left_unchecked(tmp_path):
    log = _reviewed()
    log.to_parquet(tmp_path / "ok.parquet", index=False)
    counts = duckdb_log_counts(tmp_path / "ok.parquet")
    assert counts.n_rows == len(log)
    assert counts.as_of == np.datetime64(log["review_ended_at"].max().tz_localize(None), "us")
    _duplicate_ids(log)
    log.to_parquet(tmp_path / "dup.parquet", index=False)
    assert duckdb_log_counts(tmp_path / "dup.parquet", check_unique_ids=False).n_rows == len(log)


def test_a_spec_may_leave_unique_ids_unchecked_on_a_backend(tmp_path):
    from textwrap import dedent

    from govaudit.api import run_plan
    from govaudit.spec import load_spec

    log = _reviewed()
    _duplicate_ids(log)
    log.to_parquet(tmp_path / "log.parquet", index=False)
    text = dedent("""\
        [audit]
        name = "log"
        [decision_log]
        path = "log.parquet"
        backend = "duckdb"
        {extra}
        [auditors.oversight]
        """)
    (tmp_path / "checked.toml").write_text(text.format(extra=""))
    with pytest.raises(InputDataError, match="appear more than once"):
        run_plan(load_spec(tmp_path / "checked.toml"))
    (tmp_path / "unchecked.toml").write_text(text.format(extra="check_unique_ids = false"))
    record = run_plan(load_spec(tmp_path / "unchecked.toml"))
    assert {f.check for f in record.findings} >= {"oversight.review_coverage", "oversight.automation_drift"}
