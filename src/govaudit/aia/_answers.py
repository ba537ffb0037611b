"""Read a file of AIA answers and check each answer against the questionnaire.

The answers are what SurveyJS itself stores as a survey's results: a JSON object from question name
to the value of the chosen choice, or a list of values for a checkbox question::

    {"riskProfile1": "item1-3", "aboutSystem1": ["item1", "item3"], "projectDetailsTitle-NS": "..."}

The file the AIA tool saves (``{"version": ..., "data": {...}}``) is read as well (its ``data``), and
a TOML file (``.toml``) with the same keys and values. Questions left out are unanswered.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from govaudit.aia._questionnaire import Questionnaire
from govaudit.exceptions import AIAAnswerError, InputDataError, read_input_file

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

__all__ = ["check_answers", "load_answers"]

MSG_MALFORMED = "AIA answers file {path} is not valid {kind}: {reason}"
MSG_NOT_OBJECT = "AIA answers {source}: expected an object of question name -> answer, got {kind}"
MSG_UNKNOWN = "AIA answers {source}: unknown question {name!r} (not in the questionnaire {questionnaire})"
MSG_NOT_CHOICE = ("AIA answers {source}: {name!r} = {value!r} is not one of the question's choices "
                  "({choices})")
MSG_NEEDS_LIST = "AIA answers {source}: {name!r} is a checkbox question; give a list of choice values, got {value!r}"
MSG_NEEDS_ONE = "AIA answers {source}: {name!r} takes one choice value, got a list {value!r}"
MSG_TWICE = "AIA answers {source}: {name!r} lists the choice {value!r} twice"


def load_answers(path: str | Path) -> dict[str, Any]:
    """Read an answers file (JSON, the AIA tool's saved file, or ``.toml``) into question name -> answer.

    Raises
    ------
    InputDataError
        The file is missing, unreadable, malformed, or not an object of answers.
    """
    path = Path(path)
    raw = read_input_file(path, "AIA answers file")
    toml = path.suffix.lower() == ".toml"
    try:
        data = tomllib.loads(raw.decode("utf-8")) if toml else json.loads(raw)
    except (tomllib.TOMLDecodeError, json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputDataError(MSG_MALFORMED.format(path=path, kind="TOML" if toml else "JSON", reason=exc)) from None
    if not isinstance(data, dict):
        raise InputDataError(MSG_NOT_OBJECT.format(source=path, kind=type(data).__name__))
    return data


def _unwrap(answers: Mapping[str, Any], questionnaire: Questionnaire) -> Mapping[str, Any]:
    """The ``data`` of a file saved by the AIA tool; plain answers as they are."""
    data = answers.get("data")
    if isinstance(data, Mapping) and "data" not in questionnaire.questions and "version" in answers:
        return data
    return answers


def _check_choice(name: str, value: Any, choices: tuple[Any, ...], source: str) -> None:
    if isinstance(value, (list, dict)) or value not in choices or isinstance(value, bool):
        shown = ", ".join(repr(c) for c in choices[:12]) + (", ..." if len(choices) > 12 else "")
        raise AIAAnswerError(MSG_NOT_CHOICE.format(source=source, name=name, value=value, choices=shown),
                             question=name, problem="not_a_choice")


def check_answers(answers: Mapping[str, Any], questionnaire: Questionnaire, *,
                  source: str = "<answers>") -> dict[str, Any]:
    """Check every answer against its question and return the answers (unwrapped from a tool file).

    Raises
    ------
    AIAAnswerError
        An unknown question name, a value that is not one of the question's choices, a single value
        for a checkbox question or a list for a single-choice question; ``question`` and ``problem`` say which.
    """
    if not isinstance(answers, Mapping):
        raise InputDataError(MSG_NOT_OBJECT.format(source=source, kind=type(answers).__name__))
    answers = _unwrap(answers, questionnaire)
    for name, value in answers.items():
        question = questionnaire.questions.get(name)
        if question is None and isinstance(name, str) and name.endswith("-Comment"):
            question = questionnaire.questions.get(name[: -len("-Comment")])  # SurveyJS's "other" comment
            if question is not None:
                continue
        if question is None:
            raise AIAAnswerError(MSG_UNKNOWN.format(source=source, name=name, questionnaire=questionnaire.source),
                                 question=str(name), problem="unknown_question")
        if question.kind == "other" or value is None:
            continue
        if question.kind == "checkbox":
            if not isinstance(value, list):
                raise AIAAnswerError(MSG_NEEDS_LIST.format(source=source, name=name, value=value),
                                     question=name, problem="not_a_list")
            for item in value:
                _check_choice(name, item, question.choices, source)
            repeated = [v for i, v in enumerate(value) if v in value[:i]]
            if repeated:
                raise AIAAnswerError(MSG_TWICE.format(source=source, name=name, value=repeated[0]),
                                     question=name, problem="repeated_choice")
        elif isinstance(value, list):
            raise AIAAnswerError(MSG_NEEDS_ONE.format(source=source, name=name, value=value),
                                 question=name, problem="not_one_choice")
        else:
            _check_choice(name, value, question.choices, source)
    return dict(answers)
