"""Load a model artifact without executing untrusted code.

``.skops`` files are loaded with an explicit list of trusted types; skops refuses any other type.
Pickle and joblib files run arbitrary code when loaded, so they are refused unless the caller says
``trust_pickle=True`` after establishing where the file came from.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

from govaudit.exceptions import ModelLoadError

__all__ = ["PICKLE_SUFFIXES", "SKOPS_SUFFIXES", "load_model"]

SKOPS_SUFFIXES = (".skops",)
PICKLE_SUFFIXES = (".pkl", ".pickle", ".joblib")

_MSG_MISSING = "model file not found: {path}"
_MSG_PICKLE_REFUSED = (
    "{path}: refusing to load a pickle/joblib file, which can execute arbitrary code; "
    "save the model with skops (.skops), or set trust_pickle = true in [model] if you trust its origin"
)
_MSG_NOT_SKOPS = "{path}: not a skops model file (expected a .skops zip archive written by skops.io.dump)"
_MSG_UNTRUSTED = (
    "{path}: the model contains types that are not trusted: {types}; "
    "review them and list them in [model] trusted_types to load it"
)
_MSG_SUFFIX = "{path}: unsupported model file type {suffix!r}; expected one of {expected}"
_MSG_NO_PREDICT = "{path}: the loaded object ({kind}) has no predict() method"


def _load_skops(path: Path, trusted_types: tuple[str, ...] | list[str]) -> Any:
    import skops.io as sio
    from skops.io.exceptions import UntrustedTypesFoundException

    if not zipfile.is_zipfile(path):
        raise ModelLoadError(_MSG_NOT_SKOPS.format(path=path))
    try:
        untrusted = [t for t in sio.get_untrusted_types(file=path) if t not in set(trusted_types)]
    except Exception as exc:  # skops raises assorted errors on a corrupt archive
        raise ModelLoadError(f"{_MSG_NOT_SKOPS.format(path=path)}: {type(exc).__name__}: {exc}") from None
    if untrusted:
        raise ModelLoadError(_MSG_UNTRUSTED.format(path=path, types=", ".join(untrusted)))
    try:
        return sio.load(path, trusted=list(trusted_types))
    except UntrustedTypesFoundException as exc:  # pragma: no cover - caught by the check above
        raise ModelLoadError(_MSG_UNTRUSTED.format(path=path, types=exc)) from None
    except Exception as exc:
        raise ModelLoadError(f"{path}: the skops file could not be loaded: {type(exc).__name__}: {exc}") from None


def _load_pickle(path: Path) -> Any:
    import joblib

    try:
        # joblib reads its own files and plain pickles alike, whatever the suffix
        return joblib.load(path)  # trust_pickle was set explicitly by the caller
    except Exception as exc:
        raise ModelLoadError(f"{path}: the pickle file could not be loaded: {type(exc).__name__}: {exc}") from None


def load_model(
    path: str | Path, *, trusted_types: tuple[str, ...] | list[str] = (), trust_pickle: bool = False
) -> Any:
    """Load a model artifact safely.

    Parameters
    ----------
    path : str or Path
        A ``.skops`` file (preferred) or, with ``trust_pickle=True``, a pickle/joblib file.
    trusted_types : sequence of str
        Fully qualified type names, beyond skops' defaults, that were reviewed and may be loaded.
    trust_pickle : bool, default False
        Allow pickle/joblib files. They execute code when loaded: use only for files of known origin.

    Returns
    -------
    object
        The model; it has at least a ``predict`` method.

    Raises
    ------
    ModelLoadError
        The file is missing, of an unsupported or untrusted type, or not loadable.
    """
    path = Path(path)
    if not path.is_file():
        raise ModelLoadError(_MSG_MISSING.format(path=path))
    suffix = path.suffix.lower()
    if suffix in SKOPS_SUFFIXES:
        model = _load_skops(path, trusted_types)
    elif suffix in PICKLE_SUFFIXES:
        if not trust_pickle:
            raise ModelLoadError(_MSG_PICKLE_REFUSED.format(path=path))
        model = _load_pickle(path)
    else:
        raise ModelLoadError(
            _MSG_SUFFIX.format(path=path, suffix=suffix, expected=", ".join(SKOPS_SUFFIXES + PICKLE_SUFFIXES))
        )
    if not callable(getattr(model, "predict", None)):
        raise ModelLoadError(_MSG_NO_PREDICT.format(path=path, kind=type(model).__name__))
    return model
