"""The decision-log format: its columns and its published JSON Schema.

A decision log has one row per case: what the model recommended, whether the policy required a
person, who reviewed it and for how long, the final decision, and any appeal. The runtime guard
writes it, the oversight auditor reads it, and :data:`COLUMNS` is the one definition both follow.
Reading a log against it is in ``_log_validation`` (in memory) and ``_engine_*`` (in an engine).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

__all__ = [
    "APPEAL_COLUMNS",
    "BY_NAME",
    "COLUMNS",
    "DECISION_LOG_SCHEMA_VERSION",
    "LogColumn",
    "OUTCOME_OVERTURNED",
    "OUTCOME_UPHELD",
    "TIMESTAMP_COLUMNS",
    "decision_log_json_schema",
]

Kind = Literal["string", "timestamp", "number", "binary", "boolean"]

#: Version of the decision-log format (part of the published schema's ``$id``).
DECISION_LOG_SCHEMA_VERSION = "1.0"
#: The two outcomes of a decided appeal: the appellant won, or the decision stands.
OUTCOME_OVERTURNED = "overturned"
OUTCOME_UPHELD = "upheld"


@dataclass(frozen=True)
class LogColumn:
    """One column of the decision log."""

    name: str
    kind: Kind
    required: bool
    nullable: bool
    description: str


#: The decision-log columns. Any other column is kept (e.g. sensitive features for group analysis).
COLUMNS: tuple[LogColumn, ...] = (
    LogColumn("case_id", "string", True, False, "Identifier of the case; unique in the log."),
    LogColumn("decided_at", "timestamp", True, False, "When the model made its recommendation."),
    LogColumn("model_name", "string", True, False, "Name of the model that made the recommendation."),
    LogColumn("model_version", "string", True, False, "Version of that model."),
    LogColumn("score", "number", True, False, "Model score, higher = more favourable (probability of the favourable outcome)."),
    LogColumn("recommendation", "binary", True, False, "The model's recommendation: 1 = favourable (e.g. grant), 0 = adverse."),
    LogColumn("confidence", "number", False, True, "The model's confidence in its recommendation."),
    LogColumn("case_type", "string", False, True, "Kind of case (e.g. 'fraud_suspected'); the policy may route by it."),
    LogColumn("review_required", "boolean", True, False, "Whether the policy required a person to review the case."),
    LogColumn("review_reason", "string", False, True, "Why review was required: 'adverse', 'uncertain', 'case_type', joined by ';'."),
    LogColumn("reviewer_1", "string", True, True, "Pseudonymous id of the reviewer who decided; empty when no person reviewed."),
    LogColumn("reviewer_2", "string", False, True, "Id of the second, verifying reviewer (two-person rule)."),
    LogColumn("review_started_at", "timestamp", True, True, "When the review began."),
    LogColumn("review_ended_at", "timestamp", True, True, "When the review ended (the final decision was taken)."),
    LogColumn("final_decision", "binary", True, True, "The decision that took effect: 1 = favourable; empty while pending."),
    LogColumn("overridden", "boolean", False, True, "Whether the final decision differs from the recommendation."),
    LogColumn("reason", "string", False, True, "The reason the reviewer gave."),
    LogColumn("appeal_filed", "boolean", False, False, "Whether the person affected appealed."),
    LogColumn("appeal_filed_at", "timestamp", False, True, "When the appeal was filed."),
    LogColumn("appeal_outcome", "string", False, True, "'overturned' (the appellant won) or 'upheld'; empty while pending."),
    LogColumn("appeal_decided_at", "timestamp", False, True, "When the appeal was decided."),
)
BY_NAME = {c.name: c for c in COLUMNS}
TIMESTAMP_COLUMNS = tuple(c.name for c in COLUMNS if c.kind == "timestamp")
APPEAL_COLUMNS = ("appeal_filed", "appeal_filed_at", "appeal_outcome", "appeal_decided_at")


_JSON_TYPES: dict[str, dict[str, Any]] = {
    "string": {"type": "string"},
    "timestamp": {"type": "string", "format": "date-time"},
    "number": {"type": "number"},
    "binary": {"type": "integer", "enum": [0, 1]},
    "boolean": {"type": "boolean"},
}


def decision_log_json_schema() -> dict[str, Any]:
    """JSON Schema of one decision-log row (the Parquet/CSV columns, as a JSON object).

    Returns
    -------
    dict
        A draft 2020-12 schema; extra properties are allowed for sensitive features.
    """
    properties: dict[str, Any] = {}
    for col in COLUMNS:
        kind = dict(_JSON_TYPES[col.kind])
        if col.nullable:
            kind = {"anyOf": [kind, {"type": "null"}]}
        properties[col.name] = {**kind, "description": col.description}
    properties["appeal_outcome"] = {"anyOf": [{"enum": [OUTCOME_OVERTURNED, OUTCOME_UPHELD]}, {"type": "null"}],
                                    "description": BY_NAME["appeal_outcome"].description}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://govaudit.org/schemas/decision-log/{DECISION_LOG_SCHEMA_VERSION}.json",
        "title": "govaudit decision log row",
        "description": ("One case of an automated decision system and its human oversight. Stored as Parquet "
                        "(times as timestamp with a time zone) or CSV (times as ISO 8601 with an offset, all in "
                        "one zone). Columns not listed (e.g. sensitive features for group analysis) are allowed."),
        "type": "object",
        "properties": properties,
        "required": [c.name for c in COLUMNS if c.required],
        "additionalProperties": True,
    }
