"""The declared lower bounds, the constraints file CI installs them from, and the extras' checks agree."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from govaudit._extras import EXTRA_MINIMUMS, too_old, version_tuple

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
_REQUIREMENT = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*(.*?)\s*(?:;.*)?$")


def _lower_bounds() -> dict[str, str]:
    """Every requirement of pyproject.toml (dependencies and extras) with a ``>=`` bound -> that bound."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    requirements = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        requirements += extra
    bounds = {}
    for requirement in requirements:
        name, spec = _REQUIREMENT.match(requirement).groups()
        found = re.search(r">=\s*([0-9][0-9.]*)", spec)
        if found:
            bounds[name.lower()] = found.group(1)
    return bounds


def _pins() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "constraints" / "minimum.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, _, version = line.partition("==")
            pins[name.strip().lower()] = version.strip()
    return pins


def _same(a: str, b: str) -> bool:
    width = max(len(version_tuple(a)), len(version_tuple(b)))
    return version_tuple(a) + (0,) * (width - len(version_tuple(a))) == \
        version_tuple(b) + (0,) * (width - len(version_tuple(b)))


def test_every_lower_bound_is_pinned_to_itself_in_the_minimum_constraints() -> None:
    bounds, pins = _lower_bounds(), _pins()
    assert "numpy" in bounds and "pyspark" in bounds  # the parsing found the lists
    assert sorted(bounds) == sorted(pins), "constraints/minimum.txt must pin exactly the bounded requirements"
    different = {name: (bounds[name], pins[name]) for name in bounds if not _same(bounds[name], pins[name])}
    assert different == {}


def test_the_extras_checks_use_the_declared_bounds() -> None:
    bounds = _lower_bounds()
    for dist, (_, minimum) in EXTRA_MINIMUMS.items():
        assert _same(bounds[dist], minimum), dist


@pytest.mark.parametrize(("text", "parts"), [("3.5.0", (3, 5, 0)), ("4.0.0.dev2", (4, 0, 0)), ("1.17.3rc1", (1, 17, 3)),
                                             ("2.22", (2, 22)), ("unknown", ())])
def test_version_tuple(text: str, parts: tuple[int, ...]) -> None:
    assert version_tuple(text) == parts


def test_too_old_names_the_extra_to_upgrade() -> None:
    assert too_old("playwright", "1.44.0", "browser tests") == (
        "browser tests: playwright 1.44.0 is too old (the oldest supported is 1.45.0); "
        "upgrade it with: pip install --upgrade 'govaudit[browser]'")


def test_too_old_compares_numerically() -> None:
    assert too_old("onnxruntime", "1.9.0", "m.onnx") is not None  # 9 < 17, though "9" > "1" as text
    assert too_old("onnxruntime", "1.18.0", "m.onnx") is None
    assert too_old("onnxruntime", "2.0", "m.onnx") is None
