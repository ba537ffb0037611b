"""A small hand-made AIA questionnaire with known maxima, and the published rules computed by hand.

``reference_score`` is written from the rules as ``../shared/standards/PROVENANCE.md`` states them,
on the raw SurveyJS dictionaries and with exact fractions, independently of ``govaudit.aia``.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any


def _radio(name, *values, kind="radiogroup"):
    return {"type": kind, "name": name, "title": name, "choices": [{"value": v, "text": v} for v in values]}


# Raw risk: r1 (max 4) + r2 checkbox (1+2+3 = 6) + r4-RS on an unsuffixed page (max 10) = 20.
# Not scored: r3-NS (own suffix wins over the panel's), r5 (its own panel has no suffix), notes (comment).
# Mitigation: design m1 (5) + m2 checkbox (2+3) = 10; implementation m3 (5) + m4 (5) = 10; together 20.
SMALL = {
    "pages": [
        {"name": "risk", "elements": [
            {"type": "panel", "name": "riskPanel-RS", "elements": [
                _radio("r1", "item1-0", "item2-2", "item3-4"),
                _radio("r2", "a-1", "b-2", "c-3", kind="checkbox"),
                _radio("r3-NS", "item1-5", "item2-0", kind="dropdown"),
                {"type": "comment", "name": "notes", "title": "Notes"},
                {"type": "panel", "name": "inner", "elements": [_radio("r5", "item1-3", "item2-0")]},
            ]},
            _radio("r4-RS", "item1-0", "item2-10", kind="dropdown"),
            {"type": "html", "name": "intro", "html": "<p>Read me</p>"},
        ]},
        {"name": "mitigationDesign", "elements": [
            {"type": "panel", "name": "mdPanel-MS", "elements": [
                _radio("m1", "item1-0", "item2-5"), _radio("m2", "x-2", "y-3", kind="checkbox")]}]},
        {"name": "mitigationImplementation", "elements": [
            {"type": "panel", "name": "miPanel-MS", "elements": [
                _radio("m3", "item1-0", "item2-5"), _radio("m4", "item1-0", "item2-5")]}]},
    ]
}
SMALL_MAX_RAW, SMALL_MAX_MITIGATION = 20, 20


def _points(value: Any) -> Fraction:
    if isinstance(value, list):
        return sum((_points(v) for v in value), Fraction(0))
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return Fraction(value)
    head, dash, tail = str(value).rpartition("-")
    try:
        return Fraction(tail) if dash and tail else Fraction(0)
    except ValueError:
        return Fraction(0)


def scored_questions(survey: dict) -> dict[str, tuple[str, dict]]:
    """name -> ("RS" or "MS", element), by the suffix rule: the question's own, else its direct parent's."""
    out: dict[str, tuple[str, dict]] = {}

    def walk(elements, parent_name):
        for el in elements:
            if el["type"] == "panel":
                walk(el.get("elements", []), el["name"])
            elif el["type"] in ("radiogroup", "dropdown", "checkbox"):
                for name in (el["name"], parent_name or ""):
                    suffix = name[-3:]
                    if suffix in ("-RS", "-MS", "-NS"):
                        if suffix != "-NS":
                            out[el["name"]] = (suffix[1:], el)
                        break

    for page in survey["pages"]:
        walk(page.get("elements", []), page.get("name"))
    return out


def question_max(el: dict) -> Fraction:
    values = [_points(c["value"] if isinstance(c, dict) else c) for c in el["choices"]]
    return sum(values, Fraction(0)) if el["type"] == "checkbox" else max([Fraction(0), *values])


def maxima(survey: dict) -> tuple[Fraction, Fraction]:
    scored = scored_questions(survey)
    raw = sum((question_max(el) for kind, el in scored.values() if kind == "RS"), Fraction(0))
    mit = sum((question_max(el) for kind, el in scored.values() if kind == "MS"), Fraction(0))
    return raw, mit


def reference_score(survey: dict, answers: dict) -> dict[str, Any]:
    """The published rules, by hand: raw, mitigation, whether 15 % comes off, total (half up) and level."""
    scored = scored_questions(survey)
    max_raw, max_mit = maxima(survey)
    raw = sum((_points(v) for k, v in answers.items() if k in scored and scored[k][0] == "RS"), Fraction(0))
    mit = sum((_points(v) for k, v in answers.items() if k in scored and scored[k][0] == "MS"), Fraction(0))
    deduction = mit >= Fraction(8, 10) * (max_mit / 2)
    total = Fraction(math.floor(Fraction(85, 100) * raw + Fraction(1, 2))) if deduction else raw
    share = total / max_raw
    level = 1 if share <= Fraction(1, 4) else 2 if share <= Fraction(1, 2) else 3 if share <= Fraction(3, 4) else 4
    return {"raw": raw, "mitigation": mit, "deduction": deduction, "total": total, "level": level,
            "max_raw": max_raw, "max_mitigation": max_mit}
