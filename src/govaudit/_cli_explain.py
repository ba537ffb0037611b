"""``govaudit explain SPEC --case ID``: one person's decision explained in plain language."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Annotated

import numpy as np
import typer

__all__ = ["explain"]

_MSG_NO_DATA = "{spec}: explaining a decision needs a [model] and a [data] section"
_MSG_NO_CASE_ID = "{spec}: [data] case_id is not set, so cases cannot be looked up by id"
_MSG_BACKEND = ('{spec}: explaining one case needs the rows in memory; [data] is read by the {backend} backend '
                '(use backend = "memory" for --case; `govaudit run` explains a sample of the rows)')
_MSG_UNKNOWN_CASE = "case {case!r} not found in column {column!r} of {path}"


def explain(
    spec: Annotated[Path, typer.Argument(help="Audit spec (TOML).")],
    case: Annotated[str, typer.Option("--case", help="The case id (a value of the spec's [data] case_id column).")],
) -> None:
    """Explain one decision in plain language: its main reasons, strongest first."""
    from govaudit.assembly import case_ids_from_column as _case_ids
    from govaudit.explainability._auditor import ExplainabilityAuditor, ExplainabilityConfig
    from govaudit.inputs import load_table
    from govaudit.exceptions import InputDataError, SpecError
    from govaudit.models import load_model
    from govaudit.spec import load_spec
    from govaudit.inputs import build_subject

    plan = load_spec(spec)
    data, model_spec = plan.spec.data, plan.spec.model
    if data is None or model_spec is None:
        raise SpecError(_MSG_NO_DATA.format(spec=spec))
    if data.engine != "memory":
        raise SpecError(_MSG_BACKEND.format(spec=spec, backend=data.engine))
    if data.case_id is None:
        raise SpecError(_MSG_NO_CASE_ID.format(spec=spec))
    data_path = plan.resolve(data.path)
    table = load_table(data_path)
    ids = _case_ids(table, data.case_id)
    matches = np.flatnonzero(ids.astype(str) == case)
    if len(matches) == 0:
        raise InputDataError(_MSG_UNKNOWN_CASE.format(case=case, column=data.case_id, path=data_path))
    model = load_model(plan.resolve(model_spec.path), trusted_types=model_spec.trusted_types,
                       trust_pickle=model_spec.trust_pickle)
    subject = build_subject(model=model, data=table, sensitive_features=list(data.sensitive_features),
                            features=data.features, favourable_label=data.favourable_label,
                            threshold=model_spec.threshold, name=plan.spec.audit.name)
    subject = replace(subject, case_ids=ids)
    config = plan.auditor_configs.get("explainability")
    if not isinstance(config, ExplainabilityConfig):
        config = ExplainabilityConfig()
    result = ExplainabilityAuditor(**config.model_dump()).explain_case(subject, int(matches[0]), config)
    typer.echo(f"Case {case}: the decision was adverse ({config.outcome_wording})." if result.adverse
               else f"Case {case}: the decision was favourable (not {config.outcome_wording}).")
    if len(result.reasons) == 0:
        typer.echo("No single factor pushed toward this decision: the model's average case already leads to it.")
    else:
        typer.echo("The main reasons, strongest first:")
        for sentence in result.reasons["sentence"]:
            typer.echo(f"  {sentence}")
    how = result.explainer
    typer.echo(f"(Explained with {how['explainer']} on the model's {how['explained_output']}; "
               f"average case {result.base_value:.3f}, this case {result.output:.3f}.)")
