"""Capture where an audit ran: interpreter, platform and the versions of key packages."""

from __future__ import annotations

import platform
from collections.abc import Iterable
from importlib import metadata

from govaudit.records._record import EnvironmentInfo

__all__ = ["DEFAULT_PACKAGES", "capture_environment"]

#: Distributions whose versions go into every record (those not installed are left out).
DEFAULT_PACKAGES: tuple[str, ...] = (
    "numpy",
    "pandas",
    "scipy",
    "scikit-learn",
    "fairlearn",
    "shap",
    "skops",
    "pydantic",
    "pyarrow",
    "govaudit",
)


def capture_environment(packages: Iterable[str] = DEFAULT_PACKAGES) -> EnvironmentInfo:
    """Describe the running interpreter, platform and installed package versions.

    Parameters
    ----------
    packages : iterable of str
        Distribution names (as installed, e.g. ``"scikit-learn"``) whose versions to record.
        A package that is not installed is omitted rather than reported as an error.

    Returns
    -------
    EnvironmentInfo
    """
    versions: dict[str, str] = {}
    for name in packages:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return EnvironmentInfo(
        python=platform.python_version(),
        platform=platform.platform(),
        packages=versions,
    )
