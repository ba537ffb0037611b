"""The model, resolved once: opened (or taken as given) and identified, its inputs checked against the data."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from govaudit.exceptions import InputDataError
from govaudit.models import LoadedModel, model_identity, open_model, open_spec_model
from govaudit.records import ArtifactIdentity

if TYPE_CHECKING:
    from govaudit.spec import ModelSpec

__all__ = ["ModelSource", "model_columns", "resolve_model", "resolve_spec_model"]

_MSG_NO_INPUTS = ("the model does not record its input columns: name them with features= ([data] features in a "
                  "spec); on a {backend} backend they are read from the data files")


@dataclass(frozen=True)
class ModelSource:
    """The model to audit and what the record says about it.

    Attributes
    ----------
    model : object
        Has ``predict`` (and, where the model has them, ``predict_proba``, ``classes_``, ...).
    identity : ArtifactIdentity or None
        The record's ``model``; None when an in-memory model cannot be identified.
    identities : tuple of ArtifactIdentity
        The registered artifact the model was compared with, when there is one (listed with the data).
    files : dict of str to Path
        ``{"model": path}`` when the model is a file or folder.
    """

    model: Any
    identity: ArtifactIdentity | None
    identities: tuple[ArtifactIdentity, ...] = ()
    files: dict[str, Path] = field(default_factory=dict)


def resolve_model(model: Any, *, table: pd.DataFrame | None = None, features: Sequence[str] | None = None,
                  trusted_types: Sequence[str] = (), trust_pickle: bool = False) -> ModelSource | None:
    """Open a model path (file, MLflow URI, endpoint URL) or identify a model object.

    ``table`` is the evaluation data once read: the model's inputs are checked against it and its
    probe rows drawn from it. ``trusted_types`` and ``trust_pickle`` are as for :func:`govaudit.load_model`.
    """
    if model is None:
        return None
    if isinstance(model, (str, Path)):
        return _opened(open_model(model, trusted_types=trusted_types, trust_pickle=trust_pickle, table=table,
                                  features=features))
    identity = model_identity(model, table=table, features=features)
    return ModelSource(model, identity, files={"model": Path(identity.path)} if identity and identity.path else {})


def resolve_spec_model(spec: ModelSpec, resolve: Callable[[Path], Path], *, table: pd.DataFrame | None = None,
                       features: Sequence[str] | None = None) -> ModelSource:
    """Open the model a spec's ``[model]`` describes (and its ``[model.artifact]``), paths resolved by ``resolve``."""
    return _opened(open_spec_model(spec, resolve=resolve, table=table, features=features))


def _opened(loaded: LoadedModel) -> ModelSource:
    return ModelSource(loaded.model, loaded.identity, (loaded.artifact,) if loaded.artifact is not None else (),
                       {"model": loaded.file} if loaded.file is not None else {})


def model_columns(model: Any, features: Sequence[str] | None, backend: str = "duckdb/spark") -> tuple[str, ...]:
    """The model's input columns: those named, else those it was fitted on."""
    if features is not None:
        return tuple(features)
    names = getattr(model, "feature_names_in_", None)
    if names is None:
        raise InputDataError(_MSG_NO_INPUTS.format(backend=backend))
    return tuple(str(c) for c in names)
