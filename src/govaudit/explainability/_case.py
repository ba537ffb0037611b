"""One case of a spec's data explained: the row found by its id, and the model's reasons for its decision."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np

from govaudit.inputs import case_ids_from_column, load_table
from govaudit.exceptions import InputDataError, SpecError
from govaudit.explainability._auditor import CaseExplanation, ExplainabilityAuditor
from govaudit.explainability._config import ExplainabilityConfig
from govaudit.models import load_model
from govaudit.inputs import build_subject

if TYPE_CHECKING:
    from govaudit.spec import AuditPlan

__all__ = ["explain_spec_case"]

_MSG_NO_DATA = "{spec}: explaining a decision needs a [model] and a [data] section"
_MSG_NO_CASE_ID = "{spec}: [data] case_id is not set, so cases cannot be looked up by id"
_MSG_BACKEND = ('{spec}: explaining one case needs the rows in memory; [data] is read by the {backend} backend '
                '(use backend = "memory" for --case; `govaudit run` explains a sample of the rows)')
_MSG_UNKNOWN_CASE = "case {case!r} not found in column {column!r} of {path}"


def explain_spec_case(plan: "AuditPlan", case: str) -> tuple[CaseExplanation, ExplainabilityConfig]:
    """Explain the decision on one case of a spec's data, with the spec's explainability settings.

    Parameters
    ----------
    plan : AuditPlan
        A spec with ``[model]`` and ``[data]`` sections, its data read in memory and named by
        ``[data] case_id``.
    case : str
        The case id: a value of the ``case_id`` column, compared as text.

    Returns
    -------
    tuple of CaseExplanation and ExplainabilityConfig
        The explanation, and the settings it used (their ``outcome_wording`` names the adverse
        decision).

    Raises
    ------
    SpecError
        The spec has no model or data, reads its data through DuckDB or Spark, or sets no case_id.
    InputDataError
        No row has this case id.
    """

    spec = plan.spec_path if plan.spec_path is not None else "spec"
    data, model_spec = plan.spec.data, plan.spec.model
    if data is None or model_spec is None:
        raise SpecError(_MSG_NO_DATA.format(spec=spec))
    if data.engine != "memory":
        raise SpecError(_MSG_BACKEND.format(spec=spec, backend=data.engine))
    if data.case_id is None:
        raise SpecError(_MSG_NO_CASE_ID.format(spec=spec))
    data_path = plan.resolve(data.path)
    table = load_table(data_path)
    ids = case_ids_from_column(table, data.case_id)  # the same check as a run
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
    return result, config
