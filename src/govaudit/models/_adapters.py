"""One factory for every kind of model: a file (skops, pickle, ONNX), an MLflow model, or an endpoint.

Each comes back with the scikit-learn duck type the auditors use and with its identity for the record:
the sha256 of the artifact (of every file, for an MLflow folder) or the endpoint's URL, plus a
fingerprint of the answers on a fixed probe set drawn from the evaluation data.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from govaudit.exceptions import ModelLoadError, first_line
from govaudit.models._http import EndpointModel
from govaudit.models._identity import answer_fingerprint, probe_rows, sha256_tree
from govaudit.models._loading import PICKLE_SUFFIXES, load_model
from govaudit.models._mlflow import load_mlflow
from govaudit.models._onnx import OnnxModel
from govaudit.records import ArtifactIdentity, sha256_bytes, sha256_file

if TYPE_CHECKING:
    from govaudit.spec import ModelSpec

__all__ = ["KINDS", "LoadedModel", "infer_kind", "model_identity", "open_model", "open_spec_model"]

KINDS = ("skops", "pickle", "onnx", "mlflow", "http")
ONNX_SUFFIXES = (".onnx",)

_MSG_INPUTS = "{where}: the model's input column{s} {missing} {verb} not in the data; available: {available}"
_MSG_PROBE = "{where}: the model failed on {n} probe rows of the data: {error}"


@dataclass(frozen=True)
class LoadedModel:
    """A model ready for :func:`govaudit.build_subject`, with what the record says about it.

    Attributes
    ----------
    model : object
        Has ``predict`` and, where the model has them, ``predict_proba``, ``classes_``,
        ``feature_names_in_``.
    identity : ArtifactIdentity
        Role ``"model"``: name, version, kind, sha256 or URL, fingerprint.
    file : Path or None
        The model file or folder, when there is one.
    artifact : ArtifactIdentity or None
        Role ``"model_artifact"``: the registered artifact the model is compared with.
    """

    model: Any
    identity: ArtifactIdentity
    file: Path | None = None
    artifact: ArtifactIdentity | None = None


def infer_kind(source: str | Path) -> str:
    """The kind of model a path or address names: by URL scheme, ``models:``/``runs:``, suffix or MLmodel file."""
    text = str(source)
    if text.startswith(("http://", "https://")):
        return "http"
    if text.startswith(("models:", "runs:")):
        return "mlflow"
    path = Path(text)
    if path.is_dir() and (path / "MLmodel").is_file():
        return "mlflow"
    suffix = path.suffix.lower()
    if suffix in ONNX_SUFFIXES:
        return "onnx"
    if suffix in PICKLE_SUFFIXES:
        return "pickle"
    return "skops"  # load_model names the suffixes it accepts when this is not one


def _input_columns(model: Any, features: Sequence[str] | None) -> list[str] | None:
    if features is not None:
        return list(features)
    names = getattr(model, "feature_names_in_", None)
    return [str(c) for c in names] if names is not None else None


def _fingerprint(model: Any, where: str, table: pd.DataFrame | None, features: Sequence[str] | None,
                 *, strict: bool = True) -> tuple[str | None, str | None]:
    """Check the data holds the model's inputs, then hash the answers on the probe rows.

    Not ``strict`` (a scikit-learn model): a problem only leaves the fingerprint out, and
    :func:`govaudit.build_subject` reports it in its own words.
    """
    if not strict:
        try:
            return _fingerprint(model, where, table, features)
        except Exception:
            return None, None
    columns = _input_columns(model, features)
    if table is None or columns is None or len(table) == 0:
        return None, None
    missing = [c for c in columns if c not in table.columns]
    if missing:
        available = ", ".join(map(str, list(table.columns)[:25]))
        raise ModelLoadError(_MSG_INPUTS.format(where=where, s="s" if len(missing) > 1 else "",
                                                missing=", ".join(map(repr, missing)),
                                                verb="are" if len(missing) > 1 else "is", available=available))
    if isinstance(model, OnnxModel):
        model.check_inputs(table[columns])  # every row's types, not only the probe's
    probe = probe_rows(table, columns)
    try:
        return answer_fingerprint(model, probe)
    except ModelLoadError:
        raise
    except Exception as exc:  # a model may raise anything on unexpected input
        error = first_line(exc)
        raise ModelLoadError(_MSG_PROBE.format(where=where, n=len(probe), error=error)) from None


def model_identity(model: Any, *, table: pd.DataFrame | None = None, features: Sequence[str] | None = None,
                   name: str | None = None, version: str | None = None) -> ArtifactIdentity | None:
    """Identity of a model given as an object (an adapter or an in-memory estimator).

    Adapters are identified by their file, folder or URL plus the answer fingerprint; an estimator by
    the sha256 of its skops serialisation. ``None`` when neither is possible.
    """
    kind = getattr(model, "kind", None)
    where = str(getattr(model, "path", None) or getattr(model, "url", None) or getattr(model, "uri", None)
                or type(model).__name__)
    fingerprint, probe = _fingerprint(model, where, table, features, strict=kind in ("onnx", "mlflow", "http"))
    extra = {"version": version, "fingerprint": fingerprint, "probe_sha256": probe}
    if kind == "onnx":
        path = model.path
        return ArtifactIdentity(role="model", name=name or path.name, sha256=sha256_file(path), path=str(path),
                                size_bytes=path.stat().st_size, kind="onnx", **extra)
    if kind == "http":
        sha = fingerprint or sha256_bytes(model.url.encode())
        return ArtifactIdentity(role="model", name=name or model.url.rstrip("/").split("/")[-2],
                                sha256=sha, uri=model.url, kind="http", **extra)
    if kind == "mlflow":
        folder = model.folder
        sha = sha256_tree(folder) if folder is not None else (fingerprint or sha256_bytes(model.uri.encode()))
        return ArtifactIdentity(role="model", name=name or model.uri.rstrip("/").split("/")[-1], sha256=sha,
                                uri=model.uri, kind="mlflow", **extra)
    try:
        import skops.io as sio

        blob = sio.dumps(model)
    except Exception:  # not every model is serialisable by skops; identity is then unknown
        return None
    return ArtifactIdentity(role="model", name=name or type(model).__name__, sha256=sha256_bytes(blob),
                            size_bytes=len(blob), **extra)


def open_model(
    source: str | Path,
    *,
    kind: str | None = None,
    name: str | None = None,
    version: str | None = None,
    trusted_types: Sequence[str] = (),
    trust_pickle: bool = False,
    tracking_uri: str | None = None,
    table: pd.DataFrame | None = None,
    features: Sequence[str] | None = None,
    reference: LoadedModel | None = None,
    **endpoint: Any,
) -> LoadedModel:
    """Load a model of any kind and identify it.

    Parameters
    ----------
    source : str or Path
        A file (``.skops``, ``.onnx``, with ``trust_pickle`` a pickle/joblib), an MLflow model folder
        or ``models:/NAME/VERSION``, or an inference URL.
    kind : {"skops", "pickle", "onnx", "mlflow", "http"}, optional
        Default: inferred by :func:`infer_kind`.
    name, version : str, optional
        Written into the record.
    trusted_types, trust_pickle
        As for :func:`govaudit.load_model`; MLflow models follow the same rules.
    tracking_uri : str, optional
        The MLflow tracking store holding a ``models:/`` URI.
    table : pandas.DataFrame, optional
        The evaluation data: the model's inputs are checked against it, and the probe set is drawn from it.
    features : sequence of str, optional
        The model's input columns (default: the names the model publishes).
    reference : LoadedModel, optional
        The registered artifact this model should match; kept as ``model.reference_model``.
    **endpoint
        Settings of :class:`EndpointModel` (``protocol``, ``batch_size``, ``timeout_s``, ``retries``, ...).

    Returns
    -------
    LoadedModel

    Raises
    ------
    ModelLoadError
        The model is missing, untrusted, unreachable, or its inputs do not fit the data.
    """
    kind = kind or infer_kind(source)
    ref = reference.model if reference is not None else None
    artifact = reference.identity.model_copy(update={"role": "model_artifact"}) if reference is not None else None
    file: Path | None = None
    if kind in ("skops", "pickle"):
        file = Path(source)
        model = load_model(file, trusted_types=trusted_types, trust_pickle=trust_pickle)
    elif kind == "onnx":
        file = Path(source)
        if not file.is_file():
            raise ModelLoadError(f"model file not found: {file}")
        model = OnnxModel(file, features=features, reference=ref)
    elif kind == "mlflow":
        model = load_mlflow(source, trusted_types=trusted_types, trust_pickle=trust_pickle,
                            tracking_uri=tracking_uri, reference=ref)
        file = Path(source) if Path(str(source)).is_dir() else None
    elif kind == "http":
        model = EndpointModel(str(source), features=features, reference=ref, **endpoint)
    else:
        raise ModelLoadError(f"unknown model kind {kind!r}; expected one of {', '.join(KINDS)}")
    if kind in ("skops", "pickle"):
        fingerprint, probe = _fingerprint(model, str(file), table, features, strict=False)
        identity = ArtifactIdentity(role="model", name=name or file.name, sha256=sha256_file(file), path=str(file),
                                    size_bytes=file.stat().st_size, version=version, kind=kind,
                                    fingerprint=fingerprint, probe_sha256=probe)
    else:
        identity = model_identity(model, table=table, features=features, name=name, version=version)
        assert identity is not None
        if file is not None:
            identity = identity.model_copy(update={"path": str(file)})
    return LoadedModel(model=model, identity=identity, file=file, artifact=artifact)


_ENDPOINT_KEYS = ("protocol", "batch_size", "timeout_s", "retries", "backoff_s", "rate_limit", "concurrency",
                  "auth_env", "auth_header", "auth_scheme", "input_name")


def open_spec_model(spec: ModelSpec, *, resolve: Callable[[Path], Path], table: pd.DataFrame | None = None,
                    features: Sequence[str] | None = None) -> LoadedModel:
    """Open the model a spec's ``[model]`` section describes (and its ``[model.artifact]``), paths resolved."""
    reference = open_spec_model(spec.artifact, resolve=resolve, table=table, features=features) if spec.artifact else None
    source: str | Path
    if spec.kind == "http":
        source = spec.url  # type: ignore[assignment]
    elif spec.kind == "mlflow" and spec.uri is not None:
        source = spec.uri
    else:
        source = resolve(spec.path)  # type: ignore[arg-type]
    endpoint = {k: getattr(spec, k) for k in _ENDPOINT_KEYS} if spec.kind == "http" else {}
    return open_model(source, kind=spec.kind, name=spec.name, version=spec.version,
                      trusted_types=spec.trusted_types, trust_pickle=spec.trust_pickle,
                      tracking_uri=spec.tracking_uri, table=table, features=features, reference=reference, **endpoint)
