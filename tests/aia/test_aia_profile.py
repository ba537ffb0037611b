"""``canada-adm`` with AIA answers: the computed level is in force, the declared one recorded, a mismatch flagged."""

from __future__ import annotations

import json
from textwrap import dedent

import pytest
from _aia_build import SMALL

from govaudit.exceptions import AIAAnswerError, SpecError
from govaudit.profiles import coverage_for_plan
from govaudit.spec import load_spec

LEVEL_I = {"r1": "item2-2"}                                   # raw 2 of 20
LEVEL_IV = {"r4-RS": "item2-10", "r1": "item3-4", "r2": ["b-2"]}  # raw 16 of 20


def spec(folder, parameters: str) -> str:
    (folder / "decisions.csv").write_text("sex,decision\nf,1\nm,0\nf,0\nm,1\n")
    text = dedent(f"""
        profiles = ["canada-adm"]

        [profile_parameters]
        {parameters}

        [audit]
        name = "benefits"

        [data]
        path = "decisions.csv"
        prediction = "decision"
        sensitive_features = ["sex"]

        [auditors.bias]
        min_group_size = 1
        n_resamples = 0
        """)
    (folder / "audit.toml").write_text(text)
    return str(folder / "audit.toml")


@pytest.fixture()
def folder(tmp_path):
    (tmp_path / "aia").mkdir()
    (tmp_path / "aia" / "survey.json").write_text(json.dumps(SMALL))
    (tmp_path / "aia" / "one.json").write_text(json.dumps(LEVEL_I))
    (tmp_path / "aia" / "four.json").write_text(json.dumps(LEVEL_IV))
    return tmp_path


AIA = 'aia_questionnaire = "aia/survey.json"\naia_answers = "aia/{}.json"'


def matrix(plan):
    return {r.id: r for r in coverage_for_plan(plan.profiles, [], auditors_run=["bias"]).profiles[0].requirements}


def test_the_computed_level_is_in_force_and_the_declared_one_recorded(folder):
    plan = load_spec(spec(folder, "canada_impact_level = 1\n" + AIA.format("four")))
    assert plan.profiles.parameters["canada_impact_level"] == 4
    assert plan.profiles.parameters["canada_impact_level_declared"] == 1
    assessment = plan.profiles.documentation["impact_assessment"]
    assert (assessment["raw_score"], assessment["max_raw_score"], assessment["max_mitigation_score"]) == (16, 20, 20)
    rows = matrix(plan)
    row = rows["canada-adm/6.1/impact-assessment"]
    assert row.status == "not met"
    assert "the spec declares impact level 1, but the AIA answers give level 4" in row.reason
    # the obligations are level IV's: two peer reviewers, a human decides
    assert rows["canada-adm/6.3/peer-review-two"].status != "not applicable"
    assert rows["canada-adm/6.3/human-final-decision"].status != "not applicable"
    assert rows["canada-adm/6.3/peer-review-one"].status == "not applicable"


def test_a_lower_computed_level_keeps_the_declared_level_and_its_obligations(folder):
    # answers alone never lighten the obligations below the level the spec declares
    plan = load_spec(spec(folder, "canada_impact_level = 3\n" + AIA.format("one")))
    rows = matrix(plan)
    assert plan.profiles.parameters["canada_impact_level"] == 3
    assert plan.profiles.parameters["canada_impact_level_declared"] == 3
    row = rows["canada-adm/6.1/impact-assessment"]
    assert any("the AIA scores give impact level 1" in (e.detail or "") for e in row.evidence)
    assert "mismatch" in {e.status for e in row.evidence}  # the disagreement is still flagged
    assert "the spec declares impact level 3, but the AIA answers give level 1" in row.reason
    assert rows["canada-adm/6.3/human-final-decision"].status != "not applicable"
    assert rows["canada-adm/6.3/peer-review-one"].status != "not applicable"


def test_answers_with_no_raw_risk_question_answered_stop_the_spec(folder):
    # {} would otherwise score 0 points, level I, replacing the declared level IV
    (folder / "aia" / "empty.json").write_text("{}")
    with pytest.raises(AIAAnswerError, match="no raw-risk \\(-RS\\) question .* is answered") as caught:
        load_spec(spec(folder, "canada_impact_level = 4\n" + AIA.format("empty")))
    assert caught.value.problem == "unanswered"


def test_answers_alone_set_the_level_with_no_mismatch(folder):
    plan = load_spec(spec(folder, AIA.format("four")))
    assert plan.profiles.parameters["canada_impact_level"] == 4
    assert "canada_impact_level_declared" not in plan.profiles.parameters
    row = matrix(plan)["canada-adm/6.1/impact-assessment"]
    assert "mismatch" not in {e.status for e in row.evidence}
    assert "declares" not in row.reason


def test_agreeing_levels_are_not_flagged(folder):
    row = matrix(load_spec(spec(folder, "canada_impact_level = 4\n" + AIA.format("four"))))[
        "canada-adm/6.1/impact-assessment"]
    assert "declares" not in row.reason


@pytest.mark.parametrize("parameters, message", [
    ('aia_answers = "aia/four.json"', "aia_answers needs aia_questionnaire too"),
    ('canada_impact_level_declared = 2\ncanada_impact_level = 2', "canada_impact_level_declared is set by govaudit"),
    ("", "canada_impact_level is required"),
])
def test_spec_errors(folder, parameters, message):
    with pytest.raises(SpecError, match=message):
        load_spec(spec(folder, parameters))


def test_a_bad_answer_stops_the_spec(folder):
    (folder / "aia" / "bad.json").write_text('{"r1": "item7-7"}')
    with pytest.raises(AIAAnswerError, match="'r1' = 'item7-7'"):
        load_spec(spec(folder, AIA.format("bad")))
