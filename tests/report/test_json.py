import json

import pytest
from jsonschema import Draft202012Validator

from govaudit.core import Finding, Status
from govaudit.records import AuditRecord, Verdict
from govaudit.records._schema import record_json_schema
from govaudit.report import render_json

from _factories import make_record


@pytest.fixture(scope="module")
def validator():
    return Draft202012Validator(record_json_schema())


def test_render_json_is_the_indented_model_dump():
    record = make_record()
    assert render_json(record) == record.model_dump_json(indent=2)


def test_render_json_round_trips():
    record = make_record()
    again = AuditRecord.from_json(render_json(record))
    assert again == record
    assert render_json(again) == render_json(record)


def test_render_json_validates_against_the_schema(validator):
    validator.validate(json.loads(render_json(make_record())))


@pytest.mark.parametrize("verdict", list(Verdict))
def test_minimal_records_round_trip_and_validate(validator, verdict):
    record = make_record(findings=[], verdict=verdict, model=None, data=(), spec_sha256=None)
    text = render_json(record)
    validator.validate(json.loads(text))
    assert AuditRecord.from_json(text) == record


def test_undefined_numbers_stay_null_not_zero():
    record = make_record()
    doc = json.loads(render_json(record))
    rows = {g["group"]: g for g in doc["findings"][0]["evidence"]["groups"]}
    assert rows["in person"]["tpr"] is None
    assert rows["in person"]["impact_ratio"] is None
    error = next(f for f in doc["findings"] if f["status"] == "error")
    assert error["value"] is None


def test_non_ascii_text_survives():
    finding = Finding(auditor="bias", check="bias.x", status=Status.WARN, groups=("Zürich", "65+ – rural"),
                      message="Ältere Antragsteller: ≥ 80 % erforderlich.")
    record = make_record(findings=[finding])
    assert AuditRecord.from_json(render_json(record)).findings[0] == finding


def test_render_json_refuses_other_objects():
    with pytest.raises(TypeError, match="AuditRecord"):
        render_json(make_record().model_dump(mode="json"))
