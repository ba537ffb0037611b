"""Optional extras: is the package an extra brings new enough? One line naming the extra if not.

The oldest versions here are the lower bounds of ``pyproject.toml``'s extras (a test keeps them equal);
older ones import but fail deep inside a run, so they are refused up front with the command that fixes it.
Whether a package is installed at all is for its import to say (``onnxruntime-gpu`` provides
``onnxruntime``, ``mlflow`` provides what ``mlflow-skinny`` does).
"""

from __future__ import annotations

import re

__all__ = ["EXTRA_MINIMUMS", "too_old", "version_tuple"]

#: For each optional package (by its distribution name): the extra that installs it and the oldest version.
EXTRA_MINIMUMS: dict[str, tuple[str, str]] = {
    "pyspark": ("spark", "3.5.0"),
    "onnxruntime": ("onnx", "1.18.0"),
    "mlflow-skinny": ("mlflow", "3.17.0"),
    "playwright": ("browser", "1.45.0"),  # the report tests in a real browser
}

_MSG_TOO_OLD = ("{what}: {dist} {found} is too old (the oldest supported is {minimum}); "
                "upgrade it with: pip install --upgrade 'govaudit[{extra}]'")


def version_tuple(version: str) -> tuple[int, ...]:
    """``"3.5.0.dev1"`` -> ``(3, 5, 0)``: the leading numeric release parts, enough to compare with a minimum."""
    parts: list[int] = []
    for piece in str(version).split("."):
        digits = re.match(r"\d+", piece)
        if digits is None:
            break
        parts.append(int(digits.group()))
        if digits.group() != piece:
            break
    return tuple(parts)


def too_old(dist: str, found: str, what: str) -> str | None:
    """Why version ``found`` of ``dist`` cannot serve ``what``, or None when it is new enough.

    Parameters
    ----------
    dist : str
        The distribution, a key of :data:`EXTRA_MINIMUMS`.
    found : str
        Its installed version (the module's ``__version__``).
    what : str
        What needs it, the start of the message (``"the spark backend"``, ``"model.onnx"``).

    Returns
    -------
    str or None
        One line naming the extra to upgrade, or None.
    """
    extra, minimum = EXTRA_MINIMUMS[dist]
    if version_tuple(found) >= version_tuple(minimum):
        return None
    return _MSG_TOO_OLD.format(what=what, dist=dist, minimum=minimum, found=found, extra=extra)
