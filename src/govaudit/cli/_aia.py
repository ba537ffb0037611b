"""``govaudit aia score QUESTIONNAIRE ANSWERS``: Canada's Algorithmic Impact Assessment, scored."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from govaudit.cli._app import say

if TYPE_CHECKING:
    from govaudit.aia import AIAScore

__all__ = ["aia_app", "summary_lines"]

aia_app = typer.Typer(help="Canada's Algorithmic Impact Assessment (AIA).", no_args_is_help=True,
                      add_completion=False, rich_markup_mode=None)


def _num(value: float) -> str:
    return f"{value:g}"


def summary_lines(result: AIAScore) -> list[str]:
    """The one-screen summary of an AIA score, level first."""
    from govaudit.aia._score import LEVEL_BOUNDS

    bounds = [result.max_raw_score * b for b in LEVEL_BOUNDS]
    answered = len(result.points)
    deduction = ("reached: total = raw less 15 %, rounded" if result.deduction_applied
                 else "not reached: total = raw")
    return [
        f"impact level {result.level_roman}: total score {_num(result.total_score)} of a maximum raw score of "
        f"{_num(result.max_raw_score)}",
        f"raw risk score:   {_num(result.raw_score)} of {_num(result.max_raw_score)}",
        f"mitigation score: {_num(result.mitigation_score)} of {_num(result.max_mitigation_score)} "
        f"(deduction from {_num(result.deduction_threshold)}: {deduction})",
        f"levels: I up to {_num(bounds[0])}, II up to {_num(bounds[1])}, III up to {_num(bounds[2])}, IV above",
        f"scored questions answered: {answered} of {answered + len(result.unanswered)} "
        f"({len(result.unanswered)} unanswered count 0, the fork not taken among them)",
    ]


@aia_app.command("score")
def aia_score(
    questionnaire: Annotated[Path, typer.Argument(metavar="QUESTIONNAIRE",
                                                  help="The AIA questionnaire (the tool's SurveyJS survey-enfr.json).")],
    answers: Annotated[Path, typer.Argument(metavar="ANSWERS", help="Answers: JSON (question name -> choice "
                                            "value, or a list for a checkbox), the AIA tool's saved file, or .toml.")],
    json_out: Annotated[bool, typer.Option("--json", help="Print the score as JSON, with each question's points.")] = False,
) -> None:
    """Compute the AIA raw risk score, mitigation score, total and impact level (I-IV) from a set of answers."""
    from govaudit.aia import score

    result = score(questionnaire, answers)
    if json_out:
        typer.echo(result.model_dump_json(indent=2))
        return
    for line in summary_lines(result):
        say(line)
