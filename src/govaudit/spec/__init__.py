"""Audit specs: a TOML file saying what is audited, by which auditors, against which gates.

A spec is data only: it is parsed with :mod:`tomllib` and validated by pydantic models that forbid
unknown keys, so a typo is an error naming the key. Nothing in a spec is ever executed. Relative
paths are resolved against the folder that holds the spec.

- ``_sections``: one model per TOML table (``[audit]``, ``[model]``, ``[data]``, ``[control_sample]``, ...) and the whole
  :class:`AuditSpec`, with the rules across sections;
- ``_plan``: reading the file and validating it, profiles and auditor settings included, into an
  :class:`AuditPlan`;
- ``_errors``: a validation error as one line naming the key.
"""

from typing import TYPE_CHECKING

from govaudit._lazy import lazy_exports

if TYPE_CHECKING:
    from govaudit.spec._errors import format_validation_error
    from govaudit.spec._plan import AuditPlan, load_spec, plan_from_dict
    from govaudit.spec._sections import (
        AuditSection,
        AuditSpec,
        ControlSampleSpec,
        DataSpec,
        DecisionLogSpec,
        ManifestSpec,
        ModelSpec,
        OutputSpec,
        TransparencySpec,
        spec_json_schema,
    )
else:
    # Type checkers read the imports above; at run time a name is imported on first use (PEP 562), loading
    # only its own module and what that module imports.
    __getattr__, __dir__ = lazy_exports(__name__, {
        "govaudit.spec._errors": ("format_validation_error",),
        "govaudit.spec._plan": ("AuditPlan", "load_spec", "plan_from_dict"),
        "govaudit.spec._sections": (
            "AuditSection", "AuditSpec", "ControlSampleSpec", "DataSpec", "DecisionLogSpec", "ManifestSpec", "ModelSpec", "OutputSpec",
            "TransparencySpec", "spec_json_schema",
        ),
    }, globals())

# AuditSection, OutputSpec, TransparencySpec and plan_from_dict are importable here too, as before the split
__all__ = [
    "AuditPlan",
    "AuditSpec",
    "ControlSampleSpec",
    "DataSpec",
    "DecisionLogSpec",
    "ManifestSpec",
    "ModelSpec",
    "format_validation_error",
    "load_spec",
    "spec_json_schema",
]
