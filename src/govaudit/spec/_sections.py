"""The spec's sections: one frozen pydantic model per TOML table, unknown keys refused."""

from __future__ import annotations

import glob
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from govaudit.backends import DuckDBSettings, SparkSettings
from govaudit.verdicts import AcceptedInconclusive
from govaudit.profiles._defaults import LooseningSpec
from govaudit.records import ResponsibleParties

__all__ = [
    "AuditSection",
    "AuditSpec",
    "ControlSampleSpec",
    "DataSpec",
    "DecisionLogSpec",
    "ManifestSpec",
    "ModelSpec",
    "OutputSpec",
    "TransparencySpec",
    "spec_json_schema",
]


class _Section(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class AuditSection(_Section):
    """``[audit]``: what system is audited."""

    name: str = Field(min_length=1, pattern=r"^[A-Za-z0-9_.-]+$")
    description: str | None = None


class ModelSpec(_Section):
    """``[model]``: the model (a file, an MLflow model or an endpoint) and how its decisions are read."""

    kind: Literal["skops", "pickle", "onnx", "mlflow", "http"] | None = Field(
        default=None,
        description="How to load the model; default: from the path (.skops, .pkl/.pickle/.joblib, .onnx, "
        "a folder with an MLmodel file).",
    )
    path: Path | None = Field(default=None, description="The model file or MLflow model folder.")
    uri: str | None = Field(default=None, description="mlflow: a model URI such as models:/name/version.")
    tracking_uri: str | None = Field(default=None, description="mlflow: the tracking store holding uri.")
    url: str | None = Field(default=None, description="http: the inference URL (e.g. .../v2/models/NAME/infer).")
    protocol: Literal["v2", "mlflow"] = Field(
        default="v2", description="http: Open Inference Protocol v2, or MLflow's scoring JSON."
    )
    batch_size: int = Field(default=256, ge=1, description="http: rows per request.")
    timeout_s: float = Field(default=30.0, gt=0, description="http: seconds to wait for each request.")
    retries: int = Field(default=3, ge=0, description="http: further attempts after a failed request.")
    backoff_s: float = Field(default=0.5, ge=0, description="http: first wait before a retry; doubles each time.")
    rate_limit: float | None = Field(default=None, gt=0, description="http: most requests started per second.")
    concurrency: int = Field(default=4, ge=1, le=64, description="http: most requests in flight at once.")
    auth_env: str | None = Field(
        default=None, pattern=r"^[A-Za-z_][A-Za-z0-9_]*$",
        description="http: NAME of the environment variable holding the token (never the token itself).",
    )
    auth_header: str = Field(default="Authorization", description="http: header that carries the token.")
    auth_scheme: str = Field(default="Bearer", description="http: scheme written before the token ('' for none).")
    input_name: str | None = Field(
        default=None, description="http (v2): send one 2-D tensor of this name instead of one input per column."
    )
    artifact: ModelSpec | None = Field(
        default=None,
        description="The registered artifact the audited model should match (checked by the deployment auditor).",
    )
    name: str | None = None
    version: str | None = None
    trusted_types: tuple[str, ...] = Field(
        default=(), description="Types beyond skops' defaults that were reviewed and may be loaded."
    )
    trust_pickle: bool = Field(
        default=False, description="Allow pickle/joblib files, which execute code when loaded."
    )
    threshold: float | None = Field(
        default=None,
        ge=0.0,
        le=1.0,
        description="Decide favourably when the favourable-class probability is at least this; "
        "default: the model's own predict().",
    )

    @model_validator(mode="after")
    def _settings_for_kind(self) -> "ModelSpec":
        if self.kind == "http" and self.url is None:
            raise ValueError('kind = "http" needs url = "http://.../v2/models/NAME/infer"')
        if self.kind == "mlflow" and self.path is None and self.uri is None:
            raise ValueError('kind = "mlflow" needs path = "<model folder>" or uri = "models:/NAME/VERSION"')
        if self.kind not in ("http", "mlflow") and self.path is None:
            what = f'kind = "{self.kind}"' if self.kind else "[model]"
            raise ValueError(f"{what} needs path = \"<model file>\" (or kind = \"http\" with url, "
                             f"kind = \"mlflow\" with uri)")
        if self.artifact is not None and (self.artifact.kind == "http" or self.artifact.artifact is not None):
            raise ValueError("[model.artifact] must be a model file or MLflow model, with no artifact of its own")
        if self.artifact is not None and self.kind not in ("http", "onnx", "mlflow"):
            raise ValueError('[model.artifact] is compared with a kind = "http", "onnx" or "mlflow" model')
        return self


class DataSpec(_Section):
    """``[data]``: the evaluation table and which columns mean what."""

    path: Path
    label: str | None = Field(default=None, description="Observed outcome column (optional).")
    favourable_label: str | int | bool = Field(
        default=1, description="Value of label/decision that is the favourable outcome."
    )
    sensitive_features: tuple[str, ...] = Field(min_length=1)
    features: tuple[str, ...] | None = Field(
        default=None, description="Model input columns; default: what the model was fitted on."
    )
    prediction: str | None = Field(
        default=None, description="Column holding recorded decisions, when there is no model."
    )
    score: str | None = Field(default=None, description="Column holding recorded scores (optional).")
    amount: str | None = Field(
        default=None, description="Column holding an amount per case (benefit paid, sum awarded), for the "
        "amounts auditor (on every backend; with duckdb/spark the Kolmogorov-Smirnov and Wasserstein distances are not evaluated).")
    amount_true: str | None = Field(default=None, description="Column holding the correct amount per case (optional).")
    rank: str | None = Field(
        default=None, description="Column holding each case's place in a queue (1 = seen first; equal ranks are "
        "ties), for the ranking auditor.")
    priority_score: str | None = Field(
        default=None, description="Column holding each case's priority in a queue (higher = seen first), instead "
        "of rank, for the ranking auditor.")
    relevance: str | None = Field(
        default=None, description="Column holding 1 where the queued case turned out to need acting on, else 0 "
        "(optional; for exposure relative to merit and precision at k).")
    class_prediction: str | None = Field(
        default=None, description="Column holding the class (track) each case was decided into, e.g. 'letter' or "
        "'investigation', for the multiclass auditor.")
    class_label: str | None = Field(default=None, description="Column holding the class each case truly belongs to "
                                    "(optional; for the multiclass auditor's error rates and confusion matrix).")
    threshold: float | None = Field(
        default=None,
        description="With recorded scores and no decisions: decide favourably when score >= threshold.",
    )
    case_id: str | None = Field(
        default=None, description="Column identifying each case, used to name cases in case-level files "
        "(with duckdb/spark: the cases in the explainability auditor's sample; needs a [model])."
    )
    training: Path | None = Field(
        default=None, description="The training table (CSV or Parquet), for provenance checks such as leakage."
    )
    backend: Literal["memory", "duckdb", "spark"] | None = Field(
        default=None,
        description="Where the rows are aggregated: memory (pandas), duckdb (files larger than memory, "
        "never loaded into pandas) or spark (a SparkSession); default: memory, or duckdb when path is a glob.",
    )
    duckdb: DuckDBSettings = Field(default_factory=DuckDBSettings, description="[data.duckdb]: memory_limit, temp_directory, threads.")
    spark: SparkSettings = Field(default_factory=SparkSettings, description="[data.spark]: master, app_name, config.")

    @property
    def engine(self) -> str:
        """The backend used: the one named, else duckdb for a glob and memory otherwise."""
        return self.backend or ("duckdb" if glob.has_magic(str(self.path)) else "memory")

    @model_validator(mode="after")
    def _rows_for_duckdb(self) -> "DataSpec":
        if self.rank is not None and self.priority_score is not None:
            raise ValueError("give the queue's order once: rank (1 = seen first) or priority_score (higher = seen "
                             "first), not both")
        if self.relevance is not None and self.rank is None and self.priority_score is None:
            raise ValueError("relevance needs the queue's order: a rank or priority_score column")
        if self.engine != "memory" and all(c is None for c in (self.prediction, self.score, self.rank,
                                                                self.priority_score, self.class_prediction,
                                                                self.amount)):
            raise ValueError(f'backend = "{self.engine}" audits recorded decisions, a queue, classes or amounts: '
                             "name a prediction, score, rank, priority_score, class_prediction or amount column")
        return self


class DecisionLogSpec(_Section):
    """``[decision_log]``: logged decisions and their human review, audited by the oversight auditor."""

    path: Path
    backend: Literal["memory", "duckdb", "spark"] | None = Field(
        default=None,
        description="Where the log is aggregated: memory (pandas), duckdb or spark (files larger than memory); every "
        "check, the same findings; default: [data] backend, else duckdb for a glob, else memory.",
    )
    check_unique_ids: bool = Field(
        default=True,
        description="On duckdb/spark, check that case ids are unique (a pass grouping by case id, about a third of "
        "the time at 100M rows); in memory it is always checked.",
    )
    duckdb: DuckDBSettings | None = Field(default=None, description="[decision_log.duckdb] (default: [data.duckdb]).")
    spark: SparkSettings | None = Field(default=None, description="[decision_log.spark] (default: [data.spark]).")


class ManifestSpec(_Section):
    """``[manifest]``: the data manifest declaring every source, checked by the provenance auditor."""

    path: Path


class ControlSampleSpec(_Section):
    """``[control_sample]``: cases the model selected for a check beside cases selected at random."""

    # model_value is a spec key; pydantic < 2.10 would warn about the "model_" prefix on every run
    model_config = ConfigDict(frozen=True, extra="forbid", protected_namespaces=())

    path: Path = Field(description="The table (CSV or Parquet): one row per checked case.")
    method_column: str = Field(description="Column saying how each case was selected.")
    model_value: str | int | bool = Field(default="model", description="Value of method_column for a case the "
                                          "model selected.")
    random_value: str | int | bool = Field(default="random", description="Value of method_column for a case "
                                           "selected at random.")
    outcome_column: str | None = Field(default=None, description="Column of the check's outcome: 1 (or true) "
                                       "when an error or irregularity was found (optional).")
    sensitive_features: tuple[str, ...] = Field(min_length=1, description="Columns of the groups to compare.")


class OutputSpec(_Section):
    """``[output]``: where reports go."""

    dir: Path | None = None
    case_files: bool = Field(
        default=False,
        description="Write case-level outputs (reason codes, case ids of violations) beside the report; "
        "they are individual-level data, so this is off unless the spec asks for it.",
    )
    ledger: bool | Path | None = Field(default=None, description="Append each run's record to this ledger (a path relative to the spec), or true for the embedded default ledger.sqlite beside the report folder (reports/ledger.sqlite in the default layout).")
    signing_key: Path | None = Field(default=None, description="Ed25519 private key (PEM) that signs ledger entries; --signing-key and GOVAUDIT_SIGNING_KEY take precedence; an encrypted key's passphrase is read from GOVAUDIT_KEY_PASSPHRASE.")


class TransparencySpec(_Section):
    """``[transparency]``: what the public transparency card (``govaudit card``) tells citizens."""

    decides: str | None = Field(default=None, description="What the system decides, in plain words.")
    data_used: str | None = Field(default=None, description="What data it uses, in plain words.")
    human_review: str | None = Field(default=None, description="How to ask for a person to review a decision.")
    appeal: str | None = Field(default=None, description="How to appeal a decision, and by when.")
    contact: str | None = Field(default=None, description="Whom to contact (default: [responsible] contact).")
    website: str | None = Field(default=None, description="Where more information is published.")


class AuditSpec(_Section):
    """A whole audit spec (the TOML file's top level)."""

    audit: AuditSection
    responsible: ResponsibleParties = Field(default_factory=ResponsibleParties)
    model: ModelSpec | None = Field(default=None, description="The model. With [data] backend = \"duckdb\" or "
                                    "\"spark\" the bias auditor audits the recorded decisions ([data] prediction, or "
                                    "score with threshold) through the backend, and the model is run only on the "
                                    "stratified sample of rows the explainability auditor draws.")
    data: DataSpec | None = None
    decision_log: DecisionLogSpec | None = None
    manifest: ManifestSpec | None = None
    control_sample: ControlSampleSpec | None = Field(default=None, description="A random control sample, "
                                                     "compared with the model's selections by the "
                                                     "control_sample auditor.")
    output: OutputSpec = Field(default_factory=OutputSpec)
    transparency: TransparencySpec | None = None
    auditors: dict[str, dict[str, Any]] = Field(min_length=1)
    profiles: tuple[str, ...] = Field(default=(), description="Rule packs to judge the run against (govaudit profiles list).")
    profile_parameters: dict[str, int | str] = Field(default_factory=dict, description="Parameters of the profiles, e.g. canada_impact_level = 3.")
    documentation: dict[str, Any] | Path | None = Field(default=None, description="Documentation fields the profiles ask for, or a TOML side file holding them.")
    loosened: tuple[LooseningSpec, ...] = Field(default=(), description="Profile defaults this spec loosens, each with a written justification.")
    accepted_inconclusive: tuple[AcceptedInconclusive, ...] = Field(
        default=(), description="Gates the spec accepts as undecided (inconclusive), each with a written "
                                "justification recorded on the finding; they then no longer block the release.")

    @model_validator(mode="after")
    def _something_to_audit(self) -> "AuditSpec":
        if self.model is not None and self.data is None:
            raise ValueError("[model] needs a [data] section with the table to run it on")
        engine = self.data.engine if self.data is not None else "memory"
        if engine != "memory" and self.data is not None:
            _model_on_backend(self.model, self.data, engine)
        if self.data is None and self.decision_log is None and self.manifest is None and self.control_sample is None:
            raise ValueError("nothing to audit: give a [data], [decision_log], [manifest] or [control_sample] section")
        return self


def _model_on_backend(model: ModelSpec | None, data: DataSpec, engine: str) -> None:
    """On duckdb/spark the rows are never loaded: bias audits the recorded decisions there, and the
    model is run only on the sample the explainability auditor draws, so recorded decisions are needed."""
    if model is None and data.case_id is not None:
        raise ValueError(f'case_id needs the rows in memory; with backend = "{engine}" it only names the cases the '
                         "explainability auditor samples, which needs a [model]")
    if model is None:
        return
    if data.prediction is None and (data.score is None or data.threshold is None):
        raise ValueError(f'a [model] with backend = "{engine}" needs the recorded decisions in [data]: prediction, '
                         "or score with threshold (bias audits them through the backend; the model is explained "
                         'on a sample of rows); or use backend = "memory"')
    if model.artifact is not None:
        raise ValueError(f'[model.artifact] needs the rows in memory (both models score the same rows); it cannot be '
                         f'used with backend = "{engine}"')


def spec_json_schema() -> dict[str, Any]:
    """The audit spec's JSON Schema (auditor sections are validated by each auditor's own ``Config``)."""
    return AuditSpec.model_json_schema()
