"""Canada's impact level from the AIA answers, when a spec gives them (``canada-adm``).

``[profile_parameters] aia_questionnaire`` and ``aia_answers`` (paths relative to the spec) are
scored with :func:`govaudit.aia.score`. The level in force is the computed level, or the level the
spec declared when that is higher (answers never lighten the obligations below a declared level),
and the level's obligations follow from it; the level the spec declared, if any, is kept as
``canada_impact_level_declared``, and a mismatch is flagged on the impact-assessment requirement
(:mod:`govaudit.profiles._coverage`). The computed scores fill ``[documentation] impact_assessment``
unless the spec declares it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from govaudit.exceptions import SpecError

__all__ = ["DECLARED", "LEVEL", "resolve_aia_level"]

LEVEL = "canada_impact_level"
DECLARED = "canada_impact_level_declared"
_QUESTIONNAIRE, _ANSWERS = "aia_questionnaire", "aia_answers"
_MSG = "{source}: [profile_parameters] {msg}"


def _path(value: str, base_dir: Path) -> Path:
    path = Path(value)
    return path if path.is_absolute() else base_dir / path


def resolve_aia_level(params: dict[str, Any], documentation: dict[str, Any], *, base_dir: Path,
                      source: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The profile parameters and documentation with the AIA's computed level and scores filled in.

    Only specs whose profiles take ``canada_impact_level`` reach here with it or the AIA parameters.

    Raises
    ------
    SpecError
        One AIA path without the other, ``canada_impact_level_declared`` set by the spec, or neither
        a level nor AIA answers.
    InputDataError
        The questionnaire or the answers file is missing or malformed, or an answer does not fit it.
    """
    if DECLARED in params:
        raise SpecError(_MSG.format(source=source, msg=f"{DECLARED} is set by govaudit from the AIA answers; "
                                    f"declare the level as {LEVEL}"))
    given = [name for name in (_QUESTIONNAIRE, _ANSWERS) if name in params]
    if len(given) == 1:
        missing = _ANSWERS if given[0] == _QUESTIONNAIRE else _QUESTIONNAIRE
        raise SpecError(_MSG.format(source=source, msg=f"{given[0]} needs {missing} too (the AIA is scored from "
                                    "the questionnaire and the answers together)"))
    if not given:
        if LEVEL not in params:
            raise SpecError(_MSG.format(source=source, msg=f"{LEVEL} is required (Impact level I-IV (1-4) from the "
                                        f"Algorithmic Impact Assessment), or give {_QUESTIONNAIRE} and {_ANSWERS}"))
        return params, documentation
    from govaudit.aia import score

    result = score(_path(params[_QUESTIONNAIRE], base_dir), _path(params[_ANSWERS], base_dir))
    params = dict(params)
    if LEVEL in params:
        params[DECLARED] = params[LEVEL]
    # a declared level above the computed one stays in force: its obligations are not dropped on answers alone
    params[LEVEL] = max(result.impact_level, params.get(DECLARED, result.impact_level))
    if "impact_assessment" not in documentation:
        documentation = {**documentation, "impact_assessment": {
            "raw_score": result.raw_score, "max_raw_score": result.max_raw_score,
            "mitigation_score": result.mitigation_score, "max_mitigation_score": result.max_mitigation_score,
            "questionnaire_sha256": result.questionnaire_sha256}}
    return params, documentation
