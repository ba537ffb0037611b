"""Read Canada's Algorithmic Impact Assessment questionnaire (SurveyJS JSON) into its scored questions.

The rules are those of the AIA tool (``canada-ca/aia-eia-js``, ``src/store.ts``):

* a choice question (``radiogroup``, ``dropdown``, ``checkbox``) is scored when its name ends in
  ``-RS`` (raw risk) or ``-MS`` (mitigation); a name ending in ``-NS`` is not scored; a name with
  none of the three takes its parent's (the panel or page that holds it);
* a choice's points are the number after the last hyphen of its value (``item2-3`` gives 3; no
  hyphen, or no number after it, gives 0); a value that is a JSON number counts as itself;
* a question's maximum is its highest-scoring choice, and for a checkbox the sum of its choices.

The maxima add up every scored question, the design and the implementation sections alike (the tool
halves the maximum mitigation score for that reason, see :mod:`govaudit.aia._score`).
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from govaudit.exceptions import InputDataError, read_input_file

__all__ = ["Question", "Questionnaire", "load_questionnaire", "points_of"]

Kind = Literal["radiogroup", "dropdown", "checkbox", "other"]
Scored = Literal["raw", "mitigation"]
_CHOICE_TYPES = ("radiogroup", "dropdown", "checkbox")
_SUFFIXES: dict[str, Scored | None] = {"-RS": "raw", "-MS": "mitigation", "-NS": None}
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")

MSG_NOT_JSON = "AIA questionnaire {path} is not JSON: {reason}"
MSG_NOT_SURVEY = "AIA questionnaire {path} is not a SurveyJS questionnaire: {reason}"


def points_of(value: Any) -> float:
    """The points a stored answer value carries, by the tool's rule (see the module docstring)."""
    if isinstance(value, bool):
        return 0.0
    if isinstance(value, (int, float)):
        return float(value) if math.isfinite(value) else 0.0
    if isinstance(value, str) and "-" in value:
        tail = value.rsplit("-", 1)[1].strip()
        if not tail:
            return 0.0
        return float(tail) if _NUMBER.fullmatch(tail) else 0.0
    return 0.0


@dataclass(frozen=True)
class Question:
    """One question of the questionnaire: its name, kind, what it scores and its choices' values."""

    name: str
    kind: Kind
    scored: Scored | None
    choices: tuple[Any, ...] = ()

    @property
    def maximum(self) -> float:
        """The most points an answer can give: the best choice, or every choice of a checkbox."""
        points = [points_of(c) for c in self.choices]
        if self.kind == "checkbox":
            return float(sum(points))
        return max([0.0, *points])


@dataclass(frozen=True)
class Questionnaire:
    """The questionnaire's questions by name, and its maximum raw and mitigation scores."""

    questions: Mapping[str, Question]
    sha256: str
    source: str = "<questionnaire>"
    max_raw: float = field(init=False)
    max_mitigation: float = field(init=False)

    def __post_init__(self) -> None:
        scored = [q for q in self.questions.values() if q.scored is not None]
        object.__setattr__(self, "max_raw", float(sum(q.maximum for q in scored if q.scored == "raw")))
        object.__setattr__(self, "max_mitigation", float(sum(q.maximum for q in scored if q.scored == "mitigation")))

    def scored(self) -> Iterator[Question]:
        """The scored questions, in questionnaire order."""
        return (q for q in self.questions.values() if q.scored is not None)

    @classmethod
    def from_dict(cls, survey: Any, *, source: str = "<questionnaire>", sha256: str = "") -> "Questionnaire":
        """Build from a parsed SurveyJS JSON object (``{"pages": [...]}``)."""
        if not isinstance(survey, Mapping) or not isinstance(survey.get("pages"), list):
            raise InputDataError(MSG_NOT_SURVEY.format(path=source, reason='no "pages" list at the top level'))
        questions: dict[str, Question] = {}
        for number, page in enumerate(survey["pages"], start=1):
            if not isinstance(page, Mapping):
                raise InputDataError(MSG_NOT_SURVEY.format(path=source, reason=f"page {number} is not an object"))
            _collect(page.get("elements") or [], _suffix(page.get("name")), questions, source)
        if not questions:
            raise InputDataError(MSG_NOT_SURVEY.format(path=source, reason="it has no questions"))
        if not sha256:
            sha256 = hashlib.sha256(json.dumps(survey, sort_keys=True).encode("utf-8")).hexdigest()
        return cls(questions=questions, sha256=sha256, source=source)


def _suffix(name: Any) -> Scored | None | Literal[""]:
    """What a name's suffix says: raw, mitigation, None (not scored), or "" (no suffix: ask the parent)."""
    if isinstance(name, str):
        for suffix, scored in _SUFFIXES.items():
            if name.endswith(suffix):
                return scored
    return ""


def _choice_values(element: Mapping[str, Any], name: str, source: str) -> tuple[Any, ...]:
    values = []
    for choice in element.get("choices") or []:
        value = choice.get("value") if isinstance(choice, Mapping) else choice
        if value is None or isinstance(value, (list, dict)):
            raise InputDataError(MSG_NOT_SURVEY.format(path=source, reason=f"question {name!r} has a choice "
                                                       f"without a value: {choice!r}"))
        values.append(value)
    # SurveyJS's own extra choices: they carry no points
    values += [extra for extra, flag in (("other", "hasOther"), ("none", "hasNone")) if element.get(flag)]
    return tuple(values)


def _collect(elements: Any, parent: Scored | None | Literal[""], out: dict[str, Question], source: str) -> None:
    if not isinstance(elements, list):
        raise InputDataError(MSG_NOT_SURVEY.format(path=source, reason='"elements" is not a list'))
    for element in elements:
        if not isinstance(element, Mapping) or not isinstance(element.get("type"), str):
            raise InputDataError(MSG_NOT_SURVEY.format(path=source, reason=f"an element without a type: {element!r:.80}"))
        kind, name = element["type"], element.get("name")
        if kind == "panel":
            _collect(element.get("elements") or [], _suffix(name), out, source)
            continue
        if kind == "html" or not isinstance(name, str):
            continue  # text shown to the reader, no answer
        if name in out:
            raise InputDataError(MSG_NOT_SURVEY.format(path=source, reason=f"question name {name!r} is used twice"))
        if kind not in _CHOICE_TYPES:
            out[name] = Question(name=name, kind="other", scored=None)
            continue
        own = _suffix(name)
        scored = (own if own != "" else parent) or None
        out[name] = Question(name=name, kind=kind, scored=scored, choices=_choice_values(element, name, source))


def load_questionnaire(path: str | Path) -> Questionnaire:
    """Read the AIA questionnaire (the tool's ``survey-enfr.json``, or any SurveyJS JSON scored the same way).

    Raises
    ------
    InputDataError
        The file is missing, unreadable, not JSON, or not a SurveyJS questionnaire.
    """
    path = Path(path)
    raw = read_input_file(path, "AIA questionnaire")
    try:
        survey = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputDataError(MSG_NOT_JSON.format(path=path, reason=exc)) from None
    return Questionnaire.from_dict(survey, source=str(path), sha256=hashlib.sha256(raw).hexdigest())
