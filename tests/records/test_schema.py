import copy
import json

import jsonschema
import pytest
from jsonschema import Draft202012Validator
from pydantic import ValidationError

from govaudit.core import Finding, Status
from govaudit.records import RECORD_SCHEMA_VERSION, Verdict
from govaudit.records._schema import record_json_schema

from _factories import make_record


@pytest.fixture(scope="module")
def validator():
    schema = record_json_schema()
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


@pytest.fixture
def doc():
    return make_record().model_dump(mode="json")


def test_schema_header():
    schema = record_json_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == f"https://govaudit.org/schemas/audit-record/{RECORD_SCHEMA_VERSION}.json"
    assert schema["title"] and schema["description"]
    assert schema["type"] == "object"
    assert schema["additionalProperties"] is False


def test_schema_is_json_and_fresh_each_call():
    first = record_json_schema()
    json.dumps(first)
    first["title"] = "changed"
    assert record_json_schema()["title"] != "changed"


def test_schema_validates_a_full_record(validator, doc):
    validator.validate(doc)


@pytest.mark.parametrize("verdict", list(Verdict))
def test_schema_validates_minimal_records(validator, verdict):
    record = make_record(findings=[], verdict=verdict, model=None, data=(), spec_sha256=None, description=None)
    validator.validate(record.model_dump(mode="json"))


def test_schema_validates_the_json_text(validator):
    validator.validate(json.loads(make_record().to_json()))


def _errors(validator, instance):
    return list(validator.iter_errors(instance))


def test_bad_verdict_is_rejected(validator, doc):
    doc["verdict"] = "looks fine"
    assert _errors(validator, doc)


@pytest.mark.parametrize("bad", ["AB" * 32, "ab" * 31, "zz" * 32, "ab" * 32 + "0"])
def test_non_hex_model_sha256_is_rejected(validator, doc, bad):
    doc["model"]["sha256"] = bad
    assert _errors(validator, doc)


def test_non_hex_spec_sha256_is_rejected(validator, doc):
    doc["spec_sha256"] = "not-a-hash"
    assert _errors(validator, doc)


def test_unknown_top_level_key_is_rejected(validator, doc):
    doc["approved"] = True
    errors = _errors(validator, doc)
    assert errors and any("approved" in e.message for e in errors)


def test_unknown_finding_key_is_rejected(validator, doc):
    doc["findings"][0]["score"] = 1
    assert _errors(validator, doc)


def test_bad_finding_status_is_rejected(validator, doc):
    doc["findings"][0]["status"] = "ok"
    assert _errors(validator, doc)


def test_missing_required_field_is_rejected(validator, doc):
    del doc["environment"]
    with pytest.raises(jsonschema.ValidationError, match="environment"):
        validator.validate(doc)


def test_unknown_principle_key_is_rejected(validator, doc):
    doc["principles"] = {"efficiency": ["bias.impact_ratio"]}
    assert _errors(validator, doc)


def test_schema_and_model_agree_on_rejections(validator, doc):
    bad = copy.deepcopy(doc)
    bad["verdict"] = "maybe"
    with pytest.raises(ValidationError):
        type(make_record()).model_validate(bad)


_NON_JSON = [{"x": object()}, {"groups": {"a", "b"}}, {"raw": b"\x00\x01"}]


@pytest.mark.parametrize("evidence", _NON_JSON, ids=["object", "set", "bytes"])
def test_finding_with_non_json_evidence_is_a_pydantic_validation_error(evidence):
    with pytest.raises(ValidationError, match="evidence"):
        Finding(auditor="bias", check="bias.x", status=Status.PASS, message="m", evidence=evidence)


def test_numpy_and_nan_evidence_become_plain_json(validator):
    import numpy as np

    finding = Finding(
        auditor="bias", check="bias.x", status=Status.PASS, message="m",
        evidence={"n": np.int64(3), "rate": np.float64("nan"), "rates": np.array([0.5, 0.25])},
    )
    assert finding.evidence == {"n": 3, "rate": None, "rates": [0.5, 0.25]}
    validator.validate(make_record(findings=[finding]).model_dump(mode="json"))
