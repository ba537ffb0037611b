"""The layout stays readable: small modules, short functions, one home per auditor, one-way imports."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "govaudit"
AUDITOR_PACKAGES = ("bias", "explainability", "oversight", "provenance", "deployment")
#: Shared layers below the auditors: they never import an auditor's package.
LOWER_LAYERS = ("metrics", "backends", "records", "models", "inputs", "disclosure", "aia", "core.py", "exceptions.py")
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 80
#: A longer function states why on its ``def`` line or the line before it.
_REASON = re.compile(r"#\s*long:\s*\S")


def _modules() -> list[Path]:
    return sorted(SRC.rglob("*.py"))


def _rel(path: Path) -> str:
    return path.relative_to(SRC).as_posix()


@pytest.mark.parametrize("path", _modules(), ids=_rel)
def test_no_module_is_over_the_limit(path: Path) -> None:
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_MODULE_LINES, f"{_rel(path)} has {lines} lines (limit {MAX_MODULE_LINES})"


def test_no_function_is_over_the_limit_without_a_reason() -> None:
    too_long = []
    for path in _modules():
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines()
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                length = node.end_lineno - node.lineno + 1
                around = lines[max(node.lineno - 2, 0): node.lineno + 1]
                if length > MAX_FUNCTION_LINES and not any(_REASON.search(line) for line in around):
                    too_long.append(f"{_rel(path)}:{node.lineno} {node.name} ({length} lines)")
    assert not too_long, "functions over the limit with no '# long: <reason>':\n" + "\n".join(too_long)


def _imported_packages(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("govaudit."):
            found.add(node.module.split(".")[1])
        elif isinstance(node, ast.Import):
            found |= {a.name.split(".")[1] for a in node.names if a.name.startswith("govaudit.")}
    return found


@pytest.mark.parametrize("package", AUDITOR_PACKAGES)
def test_an_auditor_never_imports_a_sibling_auditor(package: str) -> None:
    siblings = set(AUDITOR_PACKAGES) - {package} | {"auditors"}
    for path in (SRC / package).rglob("*.py"):
        assert not (_imported_packages(path) & siblings), f"{_rel(path)} imports {_imported_packages(path) & siblings}"


@pytest.mark.parametrize("layer", LOWER_LAYERS)
def test_shared_layers_never_import_an_auditor(layer: str) -> None:
    paths = [SRC / layer] if layer.endswith(".py") else list((SRC / layer).rglob("*.py"))
    for path in paths:
        used = _imported_packages(path) & (set(AUDITOR_PACKAGES) | {"auditors"})
        assert not used, f"{_rel(path)} imports the auditor package(s) {sorted(used)}"


def test_each_auditor_check_id_is_written_in_its_own_package_only() -> None:
    """``git grep "bias.impact_ratio"`` finds the auditor's code under ``bias/`` (profiles and reports cite ids)."""
    for package in AUDITOR_PACKAGES:
        pattern = re.compile(rf'check\s*=\s*f?"{package}\.')
        for path in _modules():
            if path.parts[len(SRC.parts)] != package and pattern.search(path.read_text(encoding="utf-8")):
                pytest.fail(f"{_rel(path)} makes {package} findings outside govaudit/{package}/")
