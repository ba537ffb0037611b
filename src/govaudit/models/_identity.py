"""Model identity: the sha256 of an artifact (a file or a model folder), and a fingerprint of a model's
answers on a fixed probe set, which is what identifies a model served behind an endpoint."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from govaudit.models._threads import model_threads

__all__ = ["PROBE_ROWS", "PROBE_SEED", "answer_fingerprint", "probe_rows", "sha256_tree"]

#: Size and seed of the probe set: the same rows of the same data give the same probe in every run.
PROBE_ROWS = 64
PROBE_SEED = 0
#: Probabilities are rounded before hashing, so that a float32 runtime (ONNX) and float64 (scikit-learn)
#: answering the same differ only where they really differ.
_DECIMALS = 6


def sha256_tree(folder: Path) -> str:
    """One sha256 over every file in ``folder`` (relative path and content, in sorted order).

    A model folder (an MLflow model) has no single file to hash; this hash changes when any file in
    it is added, removed, renamed or edited.
    """
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        digest.update(b"\0")
    return digest.hexdigest()


def probe_rows(table: pd.DataFrame, features: Sequence[str], size: int = PROBE_ROWS) -> pd.DataFrame:
    """A fixed sample of ``table[features]``: ``size`` rows drawn with seed ``PROBE_SEED``, in table order."""
    n = len(table)
    positions = np.sort(np.random.default_rng(PROBE_SEED).choice(n, size=min(size, n), replace=False))
    return table[list(features)].iloc[positions]


def _frame_sha256(frame: pd.DataFrame) -> str:
    rows = pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes()
    header = "|".join(f"{c}:{t}" for c, t in frame.dtypes.astype(str).items()).encode()
    return hashlib.sha256(header + rows).hexdigest()


def _plain(values: np.ndarray) -> list[Any]:
    values = np.asarray(values)
    if values.dtype.kind == "f":
        return np.round(values.astype(float), _DECIMALS).tolist()
    return [v.item() if isinstance(v, np.generic) else v for v in values.ravel().tolist()] if values.ndim else [values.item()]


def answer_fingerprint(model: Any, probe: pd.DataFrame) -> tuple[str, str]:
    """Hash a model's answers on ``probe``.

    Parameters
    ----------
    model : object
        Anything with ``predict`` (and optionally ``predict_proba``).
    probe : pandas.DataFrame
        The probe rows (see :func:`probe_rows`).

    Returns
    -------
    fingerprint, probe_sha256 : str
        sha256 of the decisions (and probabilities rounded to 6 decimals) on the probe, and sha256 of
        the probe itself, so that two fingerprints are comparable only when their probes are equal.
    """
    with model_threads(len(probe)):
        answers: dict[str, Any] = {"predict": _plain(np.asarray(model.predict(probe)).ravel())}
        if hasattr(model, "predict_proba"):
            answers["predict_proba"] = _plain(np.asarray(model.predict_proba(probe)))
    blob = json.dumps(answers, sort_keys=True, separators=(",", ":"), default=str).encode()
    return hashlib.sha256(blob).hexdigest(), _frame_sha256(probe)
