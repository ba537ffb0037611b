"""The official AIA questionnaire (../shared/standards): maxima, and answer sets that land in each level.

The questionnaire is public reference data kept outside the project; the module is skipped without it.
"""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import pytest
from _aia_build import maxima, question_max, reference_score, scored_questions

from govaudit import aia

SURVEY = Path(__file__).resolve().parents[3] / "shared" / "standards" / "canada_aia_survey-enfr.json"
if not SURVEY.is_file():
    pytest.skip(f"AIA questionnaire not found: {SURVEY}", allow_module_level=True)
OFFICIAL = json.loads(SURVEY.read_text(encoding="utf-8"))


def _pts(value):
    if isinstance(value, list):
        return sum((_pts(v) for v in value), Fraction(0))
    head, dash, tail = str(value).rpartition("-")
    return Fraction(tail) if dash and tail.isdigit() else Fraction(0)


def _best(el):
    """The answer with the most points (a checkbox: every choice)."""
    values = [c["value"] if isinstance(c, dict) else c for c in el["choices"]]
    return values if el["type"] == "checkbox" else max(values, key=_pts)


def _zero(el):
    values = [c["value"] if isinstance(c, dict) else c for c in el["choices"]]
    return [] if el["type"] == "checkbox" else min(values, key=_pts)


def answers_for(share: float, mitigation: str) -> dict:
    """Every raw-risk question answered: with its best choice while the raw score stays within ``share`` of the
    maximum, else with its lowest; mitigation questions: every one ("all"), the design section ("design") or none."""
    scored = scored_questions(OFFICIAL)
    max_raw, _ = maxima(OFFICIAL)
    risk = [el for kind, el in scored.values() if kind == "RS"]
    budget = Fraction(share).limit_denominator(1000) * max_raw - sum(_pts(_zero(el)) for el in risk)
    answers = {}
    for el in risk:
        extra = question_max(el) - _pts(_zero(el))
        take = extra <= budget
        budget -= extra if take else 0
        answers[el["name"]] = _best(el) if take else _zero(el)
    for name, (kind, el) in scored.items():
        if kind == "MS" and (mitigation == "all" or (mitigation == "design" and "Design" in _page_of(name))):
            answers[name] = _best(el)
    return answers


def _page_of(name: str) -> str:
    for page in OFFICIAL["pages"]:
        if name in json.dumps(page):
            return page["name"]
    return ""


def test_maxima_of_the_official_questionnaire():
    q = aia.load_questionnaire(SURVEY)
    max_raw, max_mit = maxima(OFFICIAL)
    assert (q.max_raw, q.max_mitigation) == (max_raw, max_mit)
    assert len(list(q.scored())) == len(scored_questions(OFFICIAL)) > 100


@pytest.mark.parametrize("share, mitigation, level", [
    (0.20, "none", 1), (0.45, "none", 2), (0.70, "none", 3), (0.95, "none", 4),
    (0.95, "design", 4), (0.55, "design", 2), (0.55, "all", 2), (0.55, "none", 3)])
def test_answer_sets_land_in_each_level(share, mitigation, level):
    answers = answers_for(share, mitigation)
    by_hand = reference_score(OFFICIAL, answers)
    result = aia.score(SURVEY, answers)
    assert by_hand["level"] == level
    assert (result.raw_score, result.mitigation_score, result.deduction_applied, result.total_score,
            result.impact_level) == (by_hand["raw"], by_hand["mitigation"], by_hand["deduction"], by_hand["total"],
                                     level)
    assert result.deduction_applied == (mitigation != "none")
