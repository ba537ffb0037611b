"""Decision-log validation: bad logs give one clear error naming the column; good ones become arrays."""

from __future__ import annotations

import io

import jsonschema
import numpy as np
import pandas as pd
import pytest

from govaudit.exceptions import ColumnError, InputDataError
from govaudit.oversight import COLUMNS, decision_log_json_schema, validate_decision_log
from oversight._logs import add_review, minimal_log


def test_a_valid_log_becomes_arrays() -> None:
    log = minimal_log()
    log.loc[0, "recommendation"] = 0
    add_review(log, 0, "R1", 120, 1)
    v = validate_decision_log(log)
    assert v.n == 6 and v.decided.all()
    assert v.reviewed.tolist() == [True, False, False, False, False, False]
    assert v.recommendation.tolist() == [0, 1, 1, 1, 1, 1]
    assert str(v.month[0]) == "2025-03" and v.timezone == "UTC"
    assert (v.review_ended_at[0] - v.review_started_at[0]) / np.timedelta64(1, "s") == 120


def test_missing_columns_are_named() -> None:
    with pytest.raises(ColumnError, match=r"lacks required column\(s\) 'score', 'final_decision'"):
        validate_decision_log(minimal_log().drop(columns=["score", "final_decision"]), source="log.parquet")


def test_end_before_start() -> None:
    log = minimal_log()
    add_review(log, 2, "R1", -30, 1)
    with pytest.raises(InputDataError, match=r"log.csv: review_ended_at is before review_started_at in 1 case\(s\) \(first: case 'c2'\)"):
        validate_decision_log(log, source="log.csv")


def test_unknown_reviewer_against_the_roster() -> None:
    log = minimal_log()
    add_review(log, 1, "R1", 300, 1)
    add_review(log, 2, "intruder", 300, 1)
    validate_decision_log(log)  # no roster: any id
    with pytest.raises(InputDataError, match=r"'reviewer_1' names 1 reviewer id\(s\) not in the policy's roster \(reviewers\): intruder"):
        validate_decision_log(log, reviewers=["R1", "R2"])


def test_duplicate_case_ids() -> None:
    log = minimal_log()
    log.loc[3, "case_id"] = "c1"
    with pytest.raises(InputDataError, match=r"1 case id\(s\) appear more than once \(e.g. \['c1'\]\)"):
        validate_decision_log(log)


def _csv(rows: list[str]) -> pd.DataFrame:
    header = "case_id,decided_at,model_name,model_version,score,recommendation,review_required,reviewer_1,review_started_at,review_ended_at,final_decision\n"
    return pd.read_csv(io.StringIO(header + "\n".join(rows)))


def test_times_in_mixed_time_zones() -> None:
    log = _csv(["a,2025-03-01T09:00:00+01:00,m,1,0.9,1,false,,,,1",
                "b,2025-03-01T09:00:00+02:00,m,1,0.9,1,false,,,,1"])
    with pytest.raises(InputDataError, match="column 'decided_at' mixes time zones"):
        validate_decision_log(log)


def test_times_with_and_without_a_zone() -> None:
    log = _csv(["a,2025-03-01T09:00:00Z,m,1,0.9,1,false,,,,1", "b,2025-03-01T09:00:00,m,1,0.9,1,false,,,,1"])
    with pytest.raises(InputDataError, match="column 'decided_at' mixes time zones, or times with and without a zone"):
        validate_decision_log(log)


@pytest.mark.parametrize("times", [
    ("2025-03-01T09:00:00", "2025-03-01T10:00:00Z"),  # the naive time first
    ("2025-03-01T09:00:00+01:00", "2025-03-01T10:00:00"),
    ("2025-03-01T09:00:00.250-0500", "2025-03-01 10:00:00.5"),
])
def test_times_with_and_without_a_zone_in_any_order(times: tuple[str, str]) -> None:
    # pandas 2.2-2.3 parse such a column, reading the naive times as UTC: the validation must refuse it itself
    log = _csv([f"a,{times[0]},m,1,0.9,1,false,,,,1", f"b,{times[1]},m,1,0.9,1,false,,,,1"])
    with pytest.raises(InputDataError, match="column 'decided_at' mixes time zones, or times with and without a zone"):
        validate_decision_log(log)


def test_one_zone_written_several_ways_is_not_mixed() -> None:
    log = _csv(["a,2025-03-01T09:00:00Z,m,1,0.9,1,false,,,,1", "b,2025-03-01T10:00:00+00:00,m,1,0.9,1,false,,,,1",
                "c,2025-03-01 11:00:00.125+0000,m,1,0.9,1,false,,,,1"])
    v = validate_decision_log(log)
    assert [str(t) for t in v.decided_at] == ["2025-03-01T09:00:00.000000", "2025-03-01T10:00:00.000000",
                                             "2025-03-01T11:00:00.125000"]


def test_naive_times() -> None:
    log = _csv(["a,2025-03-01T09:00:00,m,1,0.9,1,false,,,,1"])
    with pytest.raises(InputDataError, match="column 'decided_at' has times without a time zone"):
        validate_decision_log(log)


def test_columns_in_different_zones() -> None:
    log = _csv(["a,2025-03-01T09:00:00+01:00,m,1,0.2,0,true,R1,2025-03-01T08:30:00Z,2025-03-01T08:40:00Z,1"])
    with pytest.raises(InputDataError, match=r"times are in different time zones \(UTC, UTC\+01:00\)"):
        validate_decision_log(log)


def test_one_offset_other_than_utc_is_fine_and_months_follow_it() -> None:
    log = _csv(["a,2025-03-31T23:30:00-05:00,m,1,0.9,1,false,,,,1"])
    v = validate_decision_log(log)
    assert str(v.month[0]) == "2025-03"  # local month, though it is April in UTC
    assert str(v.decided_at[0]) == "2025-04-01T04:30:00.000000"


@pytest.mark.parametrize(("column", "value", "match"), [
    ("recommendation", 2, r"'recommendation' must hold 0 or 1 \(1 = favourable\); found \[2.0\]"),
    ("final_decision", "yes", r"'final_decision' must hold 0 or 1 \(1 = favourable\) or empty"),
    ("score", "high", r"'score' must be numeric"),
    ("review_required", "maybe", r"'review_required' must hold true/false"),
])
def test_wrong_kinds_of_values(column: str, value: object, match: str) -> None:
    log = minimal_log()
    log[column] = log[column].astype(object)
    log.loc[1, column] = value
    with pytest.raises(ColumnError, match=match):
        validate_decision_log(log)


def test_missing_values_where_every_case_needs_one() -> None:
    log = minimal_log()
    log["score"] = log["score"].astype(float)
    log.loc[4, "score"] = np.nan
    with pytest.raises(InputDataError, match=r"column 'score' has 1 missing value\(s\) \(first in case 'c4'\)"):
        validate_decision_log(log)


def test_a_review_without_a_reviewer() -> None:
    log = minimal_log()
    add_review(log, 0, "R1", 100, 1)
    log.at[0, "reviewer_1"] = None
    with pytest.raises(InputDataError, match=r"have review_ended_at but no reviewer_1"):
        validate_decision_log(log)


def test_overridden_must_agree_with_the_decisions() -> None:
    log = minimal_log()
    log["overridden"] = [False, False, True, False, False, False]
    with pytest.raises(InputDataError, match=r"'overridden' disagrees .* \(first: case 'c2'\)"):
        validate_decision_log(log)


def test_appeal_columns_come_together_and_in_order() -> None:
    log = minimal_log()
    log["appeal_filed"] = False
    with pytest.raises(ColumnError, match="appeal columns come together"):
        validate_decision_log(log)
    log["appeal_filed_at"] = pd.Series([pd.NaT] * 6, dtype="datetime64[us, UTC]")
    log["appeal_outcome"] = None
    log["appeal_decided_at"] = pd.Series([pd.NaT] * 6, dtype="datetime64[us, UTC]")
    log.loc[0, ["appeal_filed", "appeal_outcome"]] = [True, "won"]
    log.loc[0, "appeal_filed_at"] = pd.Timestamp("2025-03-10T00:00Z")
    log.loc[0, "appeal_decided_at"] = pd.Timestamp("2025-03-05T00:00Z")
    with pytest.raises(ColumnError, match=r"'appeal_outcome' must be 'overturned', 'upheld' or empty; found \['won'\]"):
        validate_decision_log(log)
    log.loc[0, "appeal_outcome"] = "upheld"
    with pytest.raises(InputDataError, match="appeal_decided_at is before appeal_filed_at"):
        validate_decision_log(log)


def test_the_sensitive_columns_must_exist() -> None:
    with pytest.raises(ColumnError, match="sensitive feature column 'sex' is not in the decision log"):
        validate_decision_log(minimal_log(), sensitive_features=["sex"])


def test_json_schema_lists_every_column_and_validates_rows() -> None:
    schema = decision_log_json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    assert set(schema["properties"]) == {c.name for c in COLUMNS}
    assert set(schema["required"]) == {c.name for c in COLUMNS if c.required}
    row = {"case_id": "c1", "decided_at": "2025-03-01T09:00:00Z", "model_name": "m", "model_version": "1",
           "score": 0.3, "recommendation": 0, "review_required": True, "reviewer_1": "R1",
           "review_started_at": "2025-03-01T10:00:00Z", "review_ended_at": "2025-03-01T10:05:00Z",
           "final_decision": 1, "appeal_outcome": None, "sex": "female"}
    jsonschema.validate(row, schema, format_checker=jsonschema.FormatChecker())
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**row, "recommendation": 2}, schema)


def test_schema_is_published_on_the_command_line(capsys) -> None:
    import json

    from govaudit.cli import main

    assert main(["schema", "decision-log"]) == 0
    assert json.loads(capsys.readouterr().out) == decision_log_json_schema()
