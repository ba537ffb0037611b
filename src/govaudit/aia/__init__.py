"""Canada's Algorithmic Impact Assessment (AIA): score a set of answers to the official questionnaire.

>>> from govaudit import aia
>>> result = aia.score("survey-enfr.json", "answers.json")  # doctest: +SKIP
>>> result.impact_level, result.total_score  # doctest: +SKIP

The questionnaire is the AIA tool's SurveyJS file, given by path (govaudit ships no copy); the rules
are the tool's (:mod:`govaudit.aia._score`).
"""

from typing import TYPE_CHECKING

from govaudit._lazy import lazy_exports

if TYPE_CHECKING:
    from govaudit.aia._answers import check_answers, load_answers
    from govaudit.aia._questionnaire import Question, Questionnaire, load_questionnaire, points_of
    from govaudit.aia._score import AIAScore, impact, score
else:
    __getattr__, __dir__ = lazy_exports(__name__, {
        "govaudit.aia._answers": ("check_answers", "load_answers"),
        "govaudit.aia._questionnaire": ("Question", "Questionnaire", "load_questionnaire", "points_of"),
        "govaudit.aia._score": ("AIAScore", "impact", "score"),
    }, globals())

__all__ = ["AIAScore", "Question", "Questionnaire", "check_answers", "impact", "load_answers",
           "load_questionnaire", "points_of", "score"]
