"""``govaudit explain SPEC --case ID``: one person's decision explained in plain language."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from govaudit.cli._app import say

__all__ = ["explain"]


def explain(
    spec: Annotated[Path, typer.Argument(help="Audit spec (TOML).")],
    case: Annotated[str, typer.Option("--case", help="The case id (a value of the spec's [data] case_id column).")],
) -> None:
    """Explain one decision in plain language: its main reasons, strongest first."""
    from govaudit.explainability import explain_spec_case
    from govaudit.spec import load_spec

    result, config = explain_spec_case(load_spec(spec), case)
    say(f"Case {case}: the decision was adverse ({config.outcome_wording})." if result.adverse
        else f"Case {case}: the decision was favourable (not {config.outcome_wording}).")
    if len(result.reasons) == 0:
        typer.echo("No single factor pushed toward this decision: the model's average case already leads to it.")
    else:
        typer.echo("The main reasons, strongest first:")
        for sentence in result.reasons["sentence"]:
            say(f"  {sentence}")  # feature names and values come from the data
    how = result.explainer
    say(f"(Explained with {how['explainer']} on the model's {how['explained_output']}; "
        f"average case {result.base_value:.3f}, this case {result.output:.3f}.)")
