"""The AIA score: raw risk, mitigation, the total after the mitigation deduction, and the impact level.

The rules, as the AIA tool computes them (``canada-ca/aia-eia-js``, ``src/store.ts``):

* raw risk score: the points of the answers to the ``-RS`` questions; mitigation score: of the ``-MS``
  questions (points and maxima: :mod:`govaudit.aia._questionnaire`);
* the questionnaire forks into a design and an implementation section, so the deduction compares
  the mitigation score with half the maximum mitigation score: when it is at least 80 % of that
  half, the total is the raw score reduced by 15 %, rounded half up; otherwise the total is the raw score;
* impact level I when the total is at most 25 % of the maximum raw score, II up to 50 %, III up to
  75 %, IV above.

Unanswered questions count 0 points, as in the tool; answers that leave every raw-risk question
open are refused (:class:`~govaudit.exceptions.AIAAnswerError`, ``problem="unanswered"``), since
they would read as impact level I with no evidence.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from govaudit.aia._answers import check_answers, load_answers
from govaudit.aia._questionnaire import Questionnaire, load_questionnaire, points_of
from govaudit.exceptions import AIAAnswerError, InputDataError

__all__ = ["AIAScore", "impact", "score", "ROMAN"]

#: The tool's constants: the mitigation share that earns the deduction, the deduction, the level bounds.
MITIGATION_SHARE = 0.8
DEDUCTION = 0.15
LEVEL_BOUNDS = (0.25, 0.5, 0.75)
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}

MSG_NO_RAW = ("AIA answers {source}: no raw-risk (-RS) question of the questionnaire {questionnaire} is answered; "
              "unanswered questions count 0 points, so the impact level would be I without evidence "
              "(answer the raw-risk questions, e.g. {first})")


class AIAScore(BaseModel):
    """The AIA's scores and impact level for one set of answers."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    raw_score: float = Field(description="Points of the answered raw-risk (-RS) questions.")
    max_raw_score: float = Field(description="The questionnaire's maximum raw risk score.")
    mitigation_score: float = Field(description="Points of the answered mitigation (-MS) questions.")
    max_mitigation_score: float = Field(description="The questionnaire's maximum mitigation score "
                                                    "(design and implementation sections together).")
    deduction_threshold: float = Field(description="80 % of half the maximum mitigation score.")
    deduction_applied: bool = Field(description="Whether the mitigation score reached the threshold, "
                                                "so the total is the raw score less 15 %.")
    total_score: float = Field(description="The score the impact level is read from.")
    impact_level: int = Field(ge=1, le=4, description="Impact level 1-4 (I-IV).")
    points: dict[str, float] = Field(default_factory=dict, description="Points of each answered scored question.")
    unanswered: tuple[str, ...] = Field(default=(), description="Scored questions without an answer (0 points); "
                                        "the section of the fork not taken is among them.")
    questionnaire_sha256: str | None = Field(default=None, description="sha256 of the questionnaire file.")

    @property
    def level_roman(self) -> str:
        """The impact level as the Directive writes it (I-IV)."""
        return ROMAN[self.impact_level]


def _round_half_up(value: float) -> float:
    """JavaScript's ``Math.round``: halves go up (Python's ``round`` would go to the even neighbour)."""
    return float(math.floor(value + 0.5))


def impact(raw: float, max_raw: float, mitigation: float, max_mitigation: float) -> tuple[float, bool, int]:
    """The total score, whether the deduction applied, and the impact level (1-4), from the four scores.

    Parameters
    ----------
    raw, max_raw : float
        The raw risk score and the questionnaire's maximum raw risk score (> 0).
    mitigation, max_mitigation : float
        The mitigation score and the questionnaire's maximum mitigation score (both sections).

    Returns
    -------
    tuple of (float, bool, int)
    """
    deducted = mitigation >= MITIGATION_SHARE * (max_mitigation / 2)
    total = _round_half_up((1 - DEDUCTION) * raw) if deducted else float(raw)
    level = 1 + sum(total > max_raw * bound for bound in LEVEL_BOUNDS)
    return total, deducted, level


def score(questionnaire: str | Path | Questionnaire, answers: str | Path | Mapping[str, Any]) -> AIAScore:
    """Score a set of answers to the AIA questionnaire.

    Parameters
    ----------
    questionnaire : path or Questionnaire
        The questionnaire's SurveyJS JSON file (the AIA tool's ``survey-enfr.json``), or one already read.
    answers : path or mapping
        Question name -> chosen value (a list of values for a checkbox question), as SurveyJS stores
        results; or a JSON / TOML file of them, or the file the AIA tool saves.

    Returns
    -------
    AIAScore

    Raises
    ------
    InputDataError
        A file is missing or malformed.
    AIAAnswerError
        An answer names an unknown question or a value that is not among its question's choices, or
        no raw-risk (-RS) question is answered (``problem="unanswered"``).
    """
    survey = questionnaire if isinstance(questionnaire, Questionnaire) else load_questionnaire(questionnaire)
    if survey.max_raw <= 0:
        raise InputDataError(f"AIA questionnaire {survey.source} has no raw-risk (-RS) question with points")
    source = str(answers) if isinstance(answers, (str, Path)) else "<answers>"
    given = load_answers(answers) if isinstance(answers, (str, Path)) else answers
    checked = check_answers(given, survey, source=source)
    sums = {"raw": 0.0, "mitigation": 0.0}
    points: dict[str, float] = {}
    unanswered = []
    for question in survey.scored():
        value = checked.get(question.name)
        if value is None or value == []:
            unanswered.append(question.name)
            continue
        got = sum(points_of(v) for v in value) if isinstance(value, list) else points_of(value)
        points[question.name] = got
        sums[question.scored or "raw"] += got
    _require_raw_answers(survey, points, source)
    total, deducted, level = impact(sums["raw"], survey.max_raw, sums["mitigation"], survey.max_mitigation)
    return AIAScore(raw_score=sums["raw"], max_raw_score=survey.max_raw, mitigation_score=sums["mitigation"],
                    max_mitigation_score=survey.max_mitigation,
                    deduction_threshold=MITIGATION_SHARE * survey.max_mitigation / 2, deduction_applied=deducted,
                    total_score=total, impact_level=level, points=points, unanswered=tuple(unanswered),
                    questionnaire_sha256=survey.sha256)


def _require_raw_answers(survey: Questionnaire, points: Mapping[str, float], source: str) -> None:
    """Refuse answers that leave every raw-risk question open: 0 points would read as impact level I."""
    raw = [q.name for q in survey.scored() if q.scored == "raw"]
    if not any(name in points for name in raw):
        raise AIAAnswerError(MSG_NO_RAW.format(source=source, questionnaire=survey.source, first=raw[0]),
                             question="", problem="unanswered")
