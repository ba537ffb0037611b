"""Where rows are aggregated: the backend is chosen once per input, from what was asked and what was given."""

from __future__ import annotations

import glob
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

import pandas as pd

from govaudit.backends import DuckDBSettings, SparkSettings
from govaudit.exceptions import InputDataError

__all__ = ["BACKENDS", "EngineSettings", "check_backend_inputs", "is_spark_frame"]

BACKENDS = ("memory", "duckdb", "spark")

_MSG_BACKEND = 'backend must be "memory", "duckdb" or "spark"; got {backend!r}'
_MSG_KEYS = "engine has no setting {key!r}; the settings are backend, duckdb and spark"
_MSG_TYPE = "engine must be EngineSettings, a mapping of its settings or a backend name; got {type}"
_MSG_SPARK_FRAME = 'a Spark DataFrame is aggregated by Spark: use backend = "spark" (or leave backend out); got {backend!r}'
_MSG_PANDAS_SPARK = ('backend = "spark" takes files or a Spark DataFrame, not a pandas DataFrame '
                     '(use backend = "duckdb" to aggregate a pandas DataFrame out of pandas, or "memory")')
_MSG_BACKEND_ROWS = ('backend = "{backend}" aggregates the rows without loading them: give the recorded prediction '
                     '(or score) column; case_ids need backend = "memory"')
_MSG_BACKEND_MODEL = ('a model with backend = "{backend}" needs the recorded decisions: prediction=, or score= with '
                      'threshold= (bias audits them through the backend; the model is explained on a sample of rows)')
_MSG_BACKEND_REFERENCE = ('a model with a registered artifact to compare needs the rows in memory (both models score '
                          'the same rows); it cannot be used with backend = "{backend}"')


def is_spark_frame(value: Any) -> bool:
    """Whether ``value`` is a pyspark DataFrame (told by its session, so pyspark need not be imported)."""
    return hasattr(value, "sparkSession")


@dataclass(frozen=True)
class EngineSettings:
    """Where the rows of the data (and of a decision-log path) are aggregated, and the engines' settings.

    With ``duckdb`` or ``spark`` the rows are never loaded: the bias auditor audits the recorded
    ``prediction`` (or ``score`` with ``threshold``) column through the backend, and a model is run
    only on the stratified sample of rows the explainability auditor draws there. Case ids given as
    an array need the rows in memory.

    Attributes
    ----------
    backend : {"memory", "duckdb", "spark"}, optional
        Default: memory; duckdb for a glob; spark for a Spark DataFrame. ``"duckdb"`` with a pandas
        DataFrame runs DuckDB over it (the same counts and findings as in memory).
    duckdb : DuckDBSettings, optional
        Memory limit, spill folder and threads for DuckDB.
    spark : SparkSettings, optional
        The session settings for Spark.
    """

    backend: str | None = None
    duckdb: DuckDBSettings | None = None
    spark: SparkSettings | None = None

    def __post_init__(self) -> None:
        if self.backend is not None and self.backend not in BACKENDS:
            raise InputDataError(_MSG_BACKEND.format(backend=self.backend))

    @classmethod
    def of(cls, value: EngineSettings | Mapping[str, Any] | str | None) -> EngineSettings:
        """The settings as given: themselves, a mapping of them, a backend name, or ``None`` for the defaults."""
        if value is None or isinstance(value, cls):
            return value or cls()
        if isinstance(value, str):
            return cls(backend=value)
        if isinstance(value, Mapping):
            unknown = sorted(set(value) - {f.name for f in fields(cls)})
            if unknown:
                raise TypeError(_MSG_KEYS.format(key=unknown[0]))
            return cls(**value)
        raise TypeError(_MSG_TYPE.format(type=type(value).__name__))

    def for_data(self, data: Any) -> EngineSettings:
        """These settings with the backend chosen for ``data``.

        A Spark DataFrame is aggregated by Spark; a pandas DataFrame in memory unless DuckDB is asked;
        a path as :meth:`for_path` says.
        """
        if is_spark_frame(data):  # chosen from the input type
            if self.backend not in (None, "spark"):
                raise InputDataError(_MSG_SPARK_FRAME.format(backend=self.backend))
            return replace(self, backend="spark")
        if isinstance(data, pd.DataFrame):
            if self.backend == "spark":
                raise InputDataError(_MSG_PANDAS_SPARK)
            return replace(self, backend=self.backend or "memory")
        return self.for_path(data)

    def for_path(self, path: Any) -> EngineSettings:
        """These settings with the backend chosen for a path: the one named, else duckdb for a glob, else memory."""
        if not isinstance(path, (str, Path)):
            return replace(self, backend="memory")
        return replace(self, backend=self.backend or ("duckdb" if glob.has_magic(str(path)) else "memory"))


def check_backend_inputs(backend: str, model: Any, case_ids: Any, prediction: str | None, score: str | None,
                         threshold: float | None) -> None:
    """What a backend cannot take: case ids (per row), or a model without recorded decisions or with an artifact.

    A spec is checked for the same when it is validated; this checks ``audit()``'s arguments.
    """
    if case_ids is not None:
        raise InputDataError(_MSG_BACKEND_ROWS.format(backend=backend))
    if model is not None and prediction is None and (score is None or threshold is None):
        raise InputDataError(_MSG_BACKEND_MODEL.format(backend=backend))
    if getattr(model, "reference_model", None) is not None:
        raise InputDataError(_MSG_BACKEND_REFERENCE.format(backend=backend))
