"""A rule pack: one legal instrument's requirements, as data, with the evidence that shows each is met.

Packs are TOML files shipped in ``govaudit/profiles/packs``. They are validated by the frozen pydantic
models below (unknown keys are errors) and published as a JSON Schema (``govaudit schema profile``).
Nothing in a pack is executed: conditions are plain values compared with the spec's parameters.

A requirement names the checks, documentation fields and time rules that give evidence for it. A
named check gives evidence when it has a live finding that counts; an :class:`EvidenceRule` under
``evidence."<check>"`` asks for more of that check's findings: a breakdown by each sensitive
feature the requirement names (``features``), a given intersection (``intersection``), an
intersection with a feature (``intersection_with``) or any intersection (``intersectional``),
evidence keys each counted finding must state (``keys``), the statuses that count (``statuses``)
and how many counted findings are needed (``min_findings``). Sensitive features are concepts the
pack declares under ``[features.<name>]`` with the column names that carry them; a spec whose
column has another name maps it with ``[profile_parameters] <name>_column = "its_column"``.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = ["COUNTED_STATUSES", "Default", "EvidenceRule", "FeatureConcept", "Pack", "PackParameter", "PackRequirement",
           "TIME_RULES", "column_parameter", "pack_json_schema"]

#: Time rules a requirement can name (see :mod:`govaudit.profiles._timing`).
TIME_RULES = ("audit_age_one_year", "log_retention_six_months", "filing_within_10_working_days",
              "change_filing_within_10_working_days")

_SETTING = r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$"
_CHECK = r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$"
_FEATURE = r"^[a-z][a-z0-9_]*$"

#: Finding statuses that can count as evidence (``fail`` and ``error`` make a requirement not met; an
#: ``inconclusive`` finding counts only when the spec accepts it).
COUNTED_STATUSES = ("pass", "warn", "reported", "inconclusive")
CountedStatus = Literal["pass", "warn", "reported", "inconclusive"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class PackParameter(_Frozen):
    """A parameter that changes what the pack requires (e.g. Canada's impact level).

    Set in the spec's ``[profile_parameters]`` under the same name.
    """

    description: str
    type: Literal["int", "str"] = "int"
    minimum: int | None = None
    maximum: int | None = None
    choices: tuple[str, ...] = ()
    required: bool = True

    def check(self, name: str, value: Any) -> str | None:
        """Why ``value`` is not acceptable, or None."""
        if self.type == "int":
            if isinstance(value, bool) or not isinstance(value, int):
                return f"{name} must be an integer; got {value!r}"
            if self.minimum is not None and value < self.minimum or self.maximum is not None and value > self.maximum:
                return f"{name} must be between {self.minimum} and {self.maximum}; got {value!r}"
        else:
            if not isinstance(value, str):
                return f"{name} must be a string; got {value!r}"
            if self.choices and value not in self.choices:
                return f"{name} must be one of {', '.join(self.choices)}; got {value!r}"
        return None


class Default(_Frozen):
    """A default auditor setting the pack implies, e.g. ``bias.gates.impact_ratio.min = 0.8``.

    ``tighter`` says which direction is stricter: a spec may move a setting that way freely;
    moving it the other way (or, for ``"equal"``, changing it at all) is a loosening that needs a
    written justification in the spec's ``[[loosened]]``.
    """

    setting: str = Field(pattern=_SETTING, description="auditor.key[.subkey...] in the auditor's config.")
    value: Any
    tighter: Literal["higher", "lower", "equal"] = "equal"
    why: str = Field(min_length=1, description="The rule that implies it.")

    @property
    def auditor(self) -> str:
        """The auditor whose configuration the setting belongs to."""
        return self.setting.split(".", 1)[0]

    @property
    def path(self) -> tuple[str, ...]:
        """Keys inside the auditor's configuration."""
        return tuple(self.setting.split(".")[1:])


class FeatureConcept(_Frozen):
    """A sensitive feature a pack's rules name (e.g. race/ethnicity), with the columns that carry it.

    A finding is about the feature when its column is one of ``columns`` (compared without regard
    to case) or the column a spec maps to it with ``[profile_parameters] <name>_column``.
    """

    label: str = Field(min_length=1, description="How reasons name the feature, e.g. 'race/ethnicity'.")
    columns: tuple[str, ...] = Field(min_length=1, description="Column names that carry it, e.g. race, ethnicity.")


class EvidenceRule(_Frozen):
    """What one named check's findings must show for the requirement to be met.

    A finding counts when it is not skipped, its status is among ``statuses`` (an inconclusive one only
    when the spec accepts it) and its evidence states every key in ``keys``. The rule then asks for at
    least ``min_findings`` counted findings and, among them, the breakdowns named below. A named check
    without a rule needs one counted finding.
    """

    min_findings: int = Field(default=1, ge=1, description="Fewest counted findings.")
    statuses: tuple[CountedStatus, ...] = Field(
        default=COUNTED_STATUSES, min_length=1,
        description="Statuses that count (default all four; leave out 'reported' where the rule asks for a gate).")
    keys: tuple[str, ...] = Field(
        default=(), description="Evidence keys a finding must state to count, e.g. unknown_count, test.")
    features: tuple[str, ...] = Field(
        default=(), description="Features (from the pack's [features]) each needing a counted finding by it alone.")
    intersection: tuple[str, ...] = Field(
        default=(), description="Features whose intersection (exactly these, crossed) needs a counted finding.")
    intersection_with: tuple[str, ...] = Field(
        default=(), description="Features that a counted finding about an intersection must include (with any other).")
    intersectional: bool = Field(
        default=False, description="A counted finding must be about an intersection of two or more features.")

    @model_validator(mode="after")
    def _sound(self) -> "EvidenceRule":
        if self.intersection and len(set(self.intersection)) < 2:
            raise ValueError(f"an intersection needs two or more distinct features; got {list(self.intersection)}")
        return self

    @property
    def named_features(self) -> tuple[str, ...]:
        """Every feature the rule names."""
        return tuple(dict.fromkeys(self.features + self.intersection + self.intersection_with))


#: The rule of a named check the requirement gives no rule for: one counted finding.
DEFAULT_RULE = EvidenceRule()


class PackRequirement(_Frozen):
    """One obligation and the evidence govaudit can give for it."""

    id: str = Field(pattern=r"^[a-z0-9-]+(/[A-Za-z0-9.()_-]+)+$", description="e.g. eu-ai-act/art-10/3")
    summary: str = Field(min_length=1, description="One sentence saying what the rule asks.")
    reference: str = Field(min_length=1, description="Citation of the provision.")
    checks: tuple[str, ...] = Field(default=(), description="Stable check ids that give evidence for it.")
    documentation: tuple[str, ...] = Field(
        default=(), description="Documentation fields (see the spec's [documentation]) that give evidence for it.")
    time_rules: tuple[str, ...] = Field(default=(), description="Time rules checked for it.")
    thresholds: tuple[str, ...] = Field(
        default=(), description="Settings (from the pack's defaults) whose thresholds the rule implies.")
    inputs: tuple[Literal["data", "model", "sensitive_features", "decision_log", "manifest"], ...] = Field(
        default=(), description="What the audit needs to give the evidence.")
    evidence: dict[str, EvidenceRule] = Field(
        default_factory=dict,
        description="Named check -> what its findings must show (default: one counted finding).")
    min_items: dict[str, int] = Field(
        default_factory=dict, description="Documentation list field -> fewest entries (e.g. peer_reviewers = 2).")
    applies_when: dict[str, tuple[Any, ...]] = Field(
        default_factory=dict, description="Parameter -> values for which it applies (default: always).")
    not_applicable_reason: str | None = Field(default=None, description="Shown when applies_when does not hold.")

    @model_validator(mode="after")
    def _has_evidence(self) -> "PackRequirement":
        for check in self.checks:
            if not re.match(_CHECK, check):
                raise ValueError(f"requirement {self.id}: {check!r} is not a check id like 'bias.impact_ratio'")
        unknown = [r for r in self.time_rules if r not in TIME_RULES]
        if unknown:
            raise ValueError(f"requirement {self.id}: unknown time rule(s) {unknown}; known: {', '.join(TIME_RULES)}")
        unnamed = [c for c in self.evidence if c not in self.checks]
        if unnamed:
            raise ValueError(f"requirement {self.id}: evidence rules for check(s) {unnamed} it does not name in checks")
        if not (self.checks or self.documentation or self.time_rules):
            raise ValueError(f"requirement {self.id}: names no check, documentation field or time rule")
        if self.applies_when and not self.not_applicable_reason:
            raise ValueError(f"requirement {self.id}: applies_when needs a not_applicable_reason")
        return self

    def rule(self, check: str) -> EvidenceRule:
        """The evidence rule of a named check."""
        return self.evidence.get(check, DEFAULT_RULE)


class Pack(_Frozen):
    """A rule pack (one instrument)."""

    name: str = Field(pattern=r"^[a-z0-9-]+$")
    title: str
    source: str = Field(description="The instrument and where its text is published.")
    url: str | None = None
    version: str = Field(description="Which version or consolidation of the text the pack follows.")
    effective_date: date
    status_note: str | None = Field(default=None, description="Amendments, withdrawals, dates to re-check.")
    language: str = "en"
    parameters: dict[str, PackParameter] = Field(
        default_factory=dict, description="Parameters; each feature adds an optional <name>_column parameter.")
    features: dict[str, FeatureConcept] = Field(
        default_factory=dict, description="Sensitive features the evidence rules name, with the columns carrying them.")
    defaults: tuple[Default, ...] = ()
    requirements: tuple[PackRequirement, ...] = Field(min_length=1)

    @model_validator(mode="before")
    @classmethod
    def _column_parameters(cls, data: Any) -> Any:
        """Each feature gets an optional string parameter, ``<name>_column``, naming the spec's own column for it."""
        if not isinstance(data, dict) or not isinstance(data.get("features"), dict):
            return data
        parameters = dict(data.get("parameters") or {})
        for name, concept in data["features"].items():
            fields = concept if isinstance(concept, dict) else getattr(concept, "__dict__", {})
            columns = ", ".join(map(str, fields.get("columns", ())))
            parameters.setdefault(column_parameter(name), PackParameter(
                description=f"The sensitive-feature column that holds {fields.get('label', name)}, when it is "
                            f"named none of {columns}", type="str", required=False))
        return {**data, "parameters": parameters}

    @model_validator(mode="after")
    def _consistent(self) -> "Pack":
        ids = [r.id for r in self.requirements]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"duplicate requirement ids: {dupes}")
        settings = {d.setting for d in self.defaults}
        for req in self.requirements:
            if not req.id.startswith(self.name.split("-")[0]):
                raise ValueError(f"requirement {req.id}: ids start with the pack's prefix ({self.name.split('-')[0]})")
            missing = [s for s in req.thresholds if s not in settings]
            if missing:
                raise ValueError(f"requirement {req.id}: thresholds {missing} are not among the pack's defaults")
            unknown = [p for p in req.applies_when if p not in self.parameters]
            if unknown:
                raise ValueError(f"requirement {req.id}: applies_when names unknown parameter(s) {unknown}")
            undeclared = [f for rule in req.evidence.values() for f in rule.named_features if f not in self.features]
            if undeclared:
                raise ValueError(f"requirement {req.id}: evidence names feature(s) {undeclared} not declared under "
                                 f"[features]; declared: {', '.join(self.features) or 'none'}")
        bad = [name for name in self.features if not re.match(_FEATURE, name)]
        if bad:
            raise ValueError(f"feature names {bad} must be lower-case words joined by underscores")
        return self

    def applies(self, requirement: PackRequirement, parameters: dict[str, Any]) -> bool:
        """Whether ``requirement`` applies under the spec's parameters."""
        return all(parameters.get(k) in v for k, v in requirement.applies_when.items())

    def feature_columns(self, name: str, parameters: dict[str, Any]) -> tuple[str, ...]:
        """Columns that carry feature ``name``: the pack's, then the one the spec maps to it."""
        mapped = parameters.get(column_parameter(name))
        return self.features[name].columns + ((str(mapped),) if mapped else ())

    @property
    def check_ids(self) -> frozenset[str]:
        """Every check id the pack names."""
        return frozenset(c for r in self.requirements for c in r.checks)


def column_parameter(feature: str) -> str:
    """The profile parameter by which a spec names its own column for a pack's feature."""
    return f"{feature}_column"


def pack_json_schema() -> dict[str, Any]:
    """JSON Schema of a rule pack file."""
    return Pack.model_json_schema()
