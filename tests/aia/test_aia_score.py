"""The AIA score of answer sets to a small hand-made questionnaire, against the published rules by hand."""

from __future__ import annotations

import json

import pytest
from _aia_build import SMALL, SMALL_MAX_MITIGATION, SMALL_MAX_RAW, maxima, reference_score

from govaudit import aia
from govaudit.exceptions import AIAAnswerError, InputDataError


@pytest.fixture()
def survey_file(tmp_path):
    path = tmp_path / "survey.json"
    path.write_text(json.dumps(SMALL))
    return path


def test_the_maxima_follow_the_suffix_rules():
    q = aia.Questionnaire.from_dict(SMALL)
    assert (q.max_raw, q.max_mitigation) == (SMALL_MAX_RAW, SMALL_MAX_MITIGATION) == maxima(SMALL)
    assert {x.name: x.scored for x in q.scored()} == {"r1": "raw", "r2": "raw", "r4-RS": "raw", "m1": "mitigation",
                                                     "m2": "mitigation", "m3": "mitigation", "m4": "mitigation"}


# Levels on a maximum raw score of 20: I up to 5, II up to 10, III up to 15, IV above. The deduction needs a
# mitigation score of at least 0.8 * 20 / 2 = 8.
CASES = {
    "level I": ({"r1": "item2-2", "r2": ["a-1"]}, 3, 0, False, 3, 1),
    "level I at 25 %": ({"r1": "item3-4", "r2": ["a-1"]}, 5, 0, False, 5, 1),
    "level II just above 25 %": ({"r1": "item3-4", "r2": ["b-2"]}, 6, 0, False, 6, 2),
    "level II": ({"r1": "item3-4", "r2": ["a-1", "b-2"]}, 7, 0, False, 7, 2),
    "level III": ({"r4-RS": "item2-10", "r1": "item2-2"}, 12, 0, False, 12, 3),
    "level IV": ({"r4-RS": "item2-10", "r1": "item3-4", "r2": ["b-2"]}, 16, 0, False, 16, 4),
    "deduction at the threshold": ({"r4-RS": "item2-10", "r1": "item3-4", "r2": ["b-2"], "m1": "item2-5",
                                    "m2": ["y-3"]}, 16, 8, True, 14, 3),  # 13.6 rounds to 14
    "no deduction just below it": ({"r4-RS": "item2-10", "r1": "item3-4", "r2": ["b-2"], "m1": "item2-5",
                                    "m2": ["x-2"]}, 16, 7, False, 16, 4),
    "half rounds up": ({"r4-RS": "item2-10", "m3": "item2-5", "m4": "item2-5"}, 10, 10, True, 9, 2),  # 8.5 -> 9
    "unscored answers count nothing": ({"r3-NS": "item1-5", "r5": "item1-3", "notes": "free text", "r1": "item1-0"},
                                       0, 0, False, 0, 1),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_score_matches_the_hand_computation(survey_file, case):
    answers, raw, mitigation, deducted, total, level = CASES[case]
    result = aia.score(survey_file, answers)
    by_hand = reference_score(SMALL, answers)
    assert (by_hand["raw"], by_hand["mitigation"], by_hand["deduction"], by_hand["total"], by_hand["level"]) == (
        raw, mitigation, deducted, total, level)
    assert (result.raw_score, result.mitigation_score, result.deduction_applied, result.total_score,
            result.impact_level) == (raw, mitigation, deducted, total, level)
    assert (result.max_raw_score, result.max_mitigation_score, result.deduction_threshold) == (20, 20, 8)
    assert result.level_roman == ("I", "II", "III", "IV")[level - 1]


def test_points_and_unanswered_questions_are_listed(survey_file):
    result = aia.score(survey_file, {"r1": "item3-4", "r2": ["a-1", "c-3"], "m1": "item1-0"})
    assert result.points == {"r1": 4, "r2": 4, "m1": 0}
    assert result.unanswered == ("r4-RS", "m2", "m3", "m4")
    assert len(result.questionnaire_sha256) == 64


def test_answers_from_json_toml_and_the_tools_saved_file_agree(survey_file, tmp_path):
    answers = {"r1": "item3-4", "r2": ["a-1", "c-3"], "m1": "item2-5"}
    (tmp_path / "a.json").write_text(json.dumps(answers))
    (tmp_path / "a.toml").write_text('r1 = "item3-4"\nr2 = ["a-1", "c-3"]\nm1 = "item2-5"\n')
    (tmp_path / "saved.json").write_text(json.dumps({"version": "1.0.1", "currentPage": 3, "data": answers,
                                                     "translationsOnResult": {}}))
    results = [aia.score(survey_file, tmp_path / name) for name in ("a.json", "a.toml", "saved.json")]
    assert results[0] == results[1] == results[2] == aia.score(survey_file, answers)


def test_impact_alone():
    assert aia.impact(16, 20, 8, 20) == (14, True, 3)
    assert aia.impact(16, 20, 7.99, 20) == (16, False, 4)


@pytest.mark.parametrize("answers, problem, message", [
    ({"r9": "item1-0"}, "unknown_question", r"unknown question 'r9'"),
    ({"r1": "item2-3"}, "not_a_choice", r"'r1' = 'item2-3' is not one of the question's choices \('item1-0', "),
    ({"r2": "a-1"}, "not_a_list", r"'r2' is a checkbox question; give a list"),
    ({"r2": ["a-1", "z-9"]}, "not_a_choice", r"'r2' = 'z-9' is not one"),
    ({"r2": ["a-1", "a-1"]}, "repeated_choice", r"lists the choice 'a-1' twice"),
    ({"r1": ["item1-0"]}, "not_one_choice", r"'r1' takes one choice value"),
    ({"r1": True}, "not_a_choice", r"'r1' = True"),
])
def test_answers_that_do_not_fit_are_typed_errors(survey_file, answers, problem, message):
    with pytest.raises(AIAAnswerError, match=message) as caught:
        aia.score(survey_file, answers)
    assert caught.value.problem == problem and isinstance(caught.value, InputDataError)


def test_malformed_files_name_the_file(survey_file, tmp_path):
    (tmp_path / "bad.json").write_text("{not json")
    (tmp_path / "bad.toml").write_text("r1 = ")
    (tmp_path / "list.json").write_text("[1, 2]")
    (tmp_path / "nopages.json").write_text('{"title": "x"}')
    for path, message in [(tmp_path / "bad.json", "bad.json is not valid JSON"),
                          (tmp_path / "bad.toml", "bad.toml is not valid TOML"),
                          (tmp_path / "list.json", "expected an object of question name -> answer, got list"),
                          (tmp_path / "missing.json", "AIA answers file not found")]:
        with pytest.raises(InputDataError, match=message):
            aia.score(survey_file, path)
    with pytest.raises(InputDataError, match='nopages.json is not a SurveyJS questionnaire: no "pages"'):
        aia.score(tmp_path / "nopages.json", {})
    with pytest.raises(InputDataError, match="AIA questionnaire not found"):
        aia.score(tmp_path / "none.json", {})


@pytest.mark.parametrize("value, points", [("item3-4", 4), ("item1", 0), ("item-", 0), ("a-b", 0), ("x-2.5", 2.5),
                                           (7, 7), (True, 0), (None, 0), ("item1--2", 2)])
def test_points_of_a_value(value, points):
    assert aia.points_of(value) == points


@pytest.mark.parametrize("answers", [{}, {"m1": "item2-5", "r3-NS": "item1-5"}, {"r2": []}])
def test_answers_with_no_raw_risk_question_answered_are_refused(survey_file, answers):
    with pytest.raises(AIAAnswerError, match=r"<answers>: no raw-risk \(-RS\) question .* is answered") as caught:
        aia.score(survey_file, answers)
    assert caught.value.problem == "unanswered" and isinstance(caught.value, InputDataError)
