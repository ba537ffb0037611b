"""The random control sample, resolved once: read, checked, and identified for the record."""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from govaudit.assembly._identity import file_identity, frame_identity
from govaudit.exceptions import InputDataError
from govaudit.inputs._control import ControlSample, control_sample
from govaudit.inputs._table import load_table
from govaudit.records import ArtifactIdentity

__all__ = ["ControlSource", "resolve_control_sample"]

_ROLE = "control_sample"
_MSG_KIND = ("control_sample must be a ControlSample (govaudit.inputs.control_sample) or a mapping with 'table' "
             "(a DataFrame or a CSV/Parquet path), 'method' and 'sensitive_features'; got {what}")
_MSG_NO_TABLE = "control_sample needs 'table': a DataFrame or the path of a CSV/Parquet file"
_MSG_KEYS = "the control_sample mapping {problem}; expected keys: 'table', {required} and optionally {optional}"


@dataclass(frozen=True)
class ControlSource:
    """The checked control sample and what the record says about it.

    Attributes
    ----------
    sample : ControlSample
        What the control-sample auditor reads.
    identities : tuple of ArtifactIdentity
        The file's (or in-memory table's) identity.
    files : dict of str to Path
        ``{"control_sample": path}`` when read from a file, for the provenance auditor.
    """

    sample: ControlSample
    identities: tuple[ArtifactIdentity, ...] = ()
    files: dict[str, Path] = field(default_factory=dict)


def _check_keys(settings: Mapping[str, Any]) -> None:
    """Name the missing or unknown keys, which control_sample(**settings) would report as a bare TypeError."""
    params = [p for p in inspect.signature(control_sample).parameters.values() if p.name != "table"]
    required = [p.name for p in params if p.default is inspect.Parameter.empty]
    optional = [p.name for p in params if p.default is not inspect.Parameter.empty]
    missing = [k for k in required if k not in settings]
    unknown = [str(k) for k in settings if k not in required and k not in optional]
    problems = ([f"lacks {', '.join(map(repr, missing))}"] if missing else []) + (
        [f"has unknown key(s) {', '.join(map(repr, unknown))}"] if unknown else [])
    if problems:
        raise InputDataError(_MSG_KEYS.format(problem=" and ".join(problems), required=", ".join(map(repr, required)),
                                              optional=", ".join(map(repr, optional))))


def resolve_control_sample(given: ControlSample | Mapping[str, Any] | None) -> ControlSource | None:
    """Read and check a control sample.

    Parameters
    ----------
    given : ControlSample, mapping or None
        An already-checked sample, or the keyword arguments of :func:`govaudit.inputs.control_sample`
        with ``table`` a DataFrame or a CSV/Parquet path.

    Raises
    ------
    InputDataError, ColumnError
        The file cannot be read, or the table does not hold what was declared.
    """
    if given is None:
        return None
    if isinstance(given, ControlSample):
        return ControlSource(given)
    if not isinstance(given, Mapping):
        raise InputDataError(_MSG_KIND.format(what=type(given).__name__))
    settings = dict(given)
    table = settings.pop("table", None)
    if table is None:
        raise InputDataError(_MSG_NO_TABLE)
    _check_keys(settings)
    if isinstance(table, (str, Path)):
        path = Path(table)
        frame = load_table(path)
        sample = control_sample(frame, **settings)
        return ControlSource(sample, (file_identity(_ROLE, path, rows=len(frame)),), {_ROLE: path})
    if isinstance(table, pd.DataFrame):
        return ControlSource(control_sample(table, **settings), (frame_identity(table, _ROLE),))
    raise InputDataError(_MSG_KIND.format(what=f"a mapping whose table is {type(table).__name__}"))
