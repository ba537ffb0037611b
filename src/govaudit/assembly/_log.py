"""The decision log, resolved once: read into memory, or left where it is for a backend to aggregate."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from govaudit.assembly._engine import EngineSettings, is_spark_frame
from govaudit.assembly._identity import file_identity, frame_identity, spark_identity
from govaudit.inputs._table import load_table
from govaudit.backends import expand_paths
from govaudit.oversight import DecisionLogSource
from govaudit.records import ArtifactIdentity

__all__ = ["LogSource", "resolve_decision_log"]


@dataclass(frozen=True)
class LogSource:
    """Logged decisions and their human review, for the oversight auditor.

    Attributes
    ----------
    identities : tuple of ArtifactIdentity
        One per file (or one for a DataFrame), as the record lists them.
    files : dict of str to Path
        ``{"decision_log": path}`` when the log is one file.
    frame : pandas.DataFrame, optional
        The log, in memory.
    held : DecisionLogSource, optional
        The log's files (or Spark DataFrame), aggregated on a backend once the auditor names its groups.
    """

    identities: tuple[ArtifactIdentity, ...]
    files: dict[str, Path] = field(default_factory=dict)
    frame: Any = None
    held: DecisionLogSource | None = None


def resolve_decision_log(log: Any, engine: EngineSettings, *, check_unique_ids: bool = True) -> LogSource | None:
    """Read ``log`` into memory, or leave it for a backend.

    Parameters
    ----------
    log : DataFrame, Spark DataFrame, str or Path, optional
        A table, a Spark DataFrame (aggregated by Spark), or a file or glob (aggregated where it is
        when ``engine`` chooses duckdb or spark for it: see :meth:`EngineSettings.for_path`).
    engine : EngineSettings
        The backend asked for (if any) and the engines' settings.
    check_unique_ids : bool
        On a backend, check that case ids are unique (in memory they always are checked).

    Returns
    -------
    LogSource or None
        None when there is no log.
    """
    if log is None:
        return None
    if is_spark_frame(log):
        held = DecisionLogSource((), "spark", spark=engine.spark, frame=log)
        return LogSource((spark_identity(log, "decision_log"),), held=held)
    if not isinstance(log, (str, Path)):
        return LogSource((frame_identity(log, "decision_log"),) if isinstance(log, pd.DataFrame) else (), frame=log)
    backend = engine.for_path(log).backend
    if backend == "memory":
        path = Path(log)
        frame = load_table(path)
        return LogSource((file_identity("decision_log", path, rows=len(frame)),), {"decision_log": path}, frame=frame)
    files = expand_paths(log)
    held = DecisionLogSource(tuple(files), backend, duckdb=engine.duckdb, spark=engine.spark,
                             check_unique_ids=check_unique_ids)
    identities = tuple(file_identity("decision_log", f) for f in files)
    return LogSource(identities, {"decision_log": files[0]} if len(files) == 1 else {}, held=held)
