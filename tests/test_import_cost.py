"""`import govaudit` and `govaudit --help` stay cheap: heavy libraries load only with the code that uses them.

Each check runs in a fresh interpreter (this process has imported everything already) and fails
with the heavy modules it finds. Package ``__init__`` modules export their names lazily (PEP 562,
:mod:`govaudit._lazy`); the last tests keep each one's lazy table and its ``TYPE_CHECKING`` imports,
which type checkers read, the same.
"""

from __future__ import annotations

import ast
import importlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

import govaudit

SRC = Path(govaudit.__file__).resolve().parents[1]
PACKAGE = SRC / "govaudit"

#: Never loaded by the code that only imports govaudit's modules: each is imported by the
#: function that needs it (a test, a backend, a model format, a plot, an HTML page, a browser).
HEAVY = (
    "scipy", "shap", "sklearn", "matplotlib", "duckdb", "pyspark", "onnxruntime", "mlflow", "playwright", "jinja2",
    "skops", "fairlearn", "httpx", "numba", "statsmodels", "polars", "py4j", "skl2onnx",
)
#: Not loaded by `import govaudit` or `govaudit --help` either: nothing is imported until a name is used.
LIBRARIES = ("numpy", "pandas", "pyarrow", "pydantic", "narwhals", "cryptography", "nacl", "rfc8785", "markupsafe")
#: What `govaudit --help` needs besides the CLI itself.
CLI = ("typer", "click", "rich")


def _loaded_after(code: str) -> set[str]:
    """Top-level packages in ``sys.modules`` after running ``code`` in a fresh interpreter."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")])}
    script = code + "\nimport sys\nprint('--modules--', *sorted(sys.modules))"
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stderr
    return {name.split(".")[0] for name in result.stdout.rpartition("--modules--")[2].split()}


def test_import_govaudit_loads_no_library() -> None:
    assert sorted(_loaded_after("import govaudit") & set(HEAVY + LIBRARIES + CLI)) == []


def test_help_loads_only_the_cli_libraries() -> None:
    code = "import runpy, sys\nsys.argv = ['govaudit', '--help']\n" \
           "try:\n    runpy.run_module('govaudit.cli', run_name='__main__')\nexcept SystemExit as exc:\n" \
           "    assert exc.code == 0, exc.code"
    loaded = _loaded_after(code)
    assert "typer" in loaded  # the help was printed by the real app
    assert sorted(loaded & set(HEAVY + LIBRARIES)) == []


def test_every_public_name_imports_without_heavy_libraries() -> None:
    """All of every package's ``__all__`` (the auditors a run loads included): heavy imports wait for a call."""
    packages = sorted(p.parent for p in PACKAGE.rglob("__init__.py") if not p.parent.name.startswith("_"))
    names = [".".join(p.relative_to(SRC).parts) for p in packages]
    code = "import importlib\n" + "".join(
        f"m = importlib.import_module({name!r})\n[getattr(m, n) for n in getattr(m, '__all__', ())]\n" for name in names
    )
    assert sorted(_loaded_after(code) & set(HEAVY)) == []


# --- the lazy tables ----------------------------------------------------------------------------


def _lazy_packages() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("__init__.py") if "lazy_exports(" in p.read_text(encoding="utf-8"))


def _module_name(path: Path) -> str:
    return ".".join(path.parent.relative_to(SRC).parts)


def _type_checking_imports(tree: ast.Module, package: str) -> set[tuple[str, str]]:
    guarded = [n for n in tree.body if isinstance(n, ast.If) and ast.unparse(n.test) == "TYPE_CHECKING"]
    assert len(guarded) == 1, "one `if TYPE_CHECKING:` block of the real imports"
    found = set()
    for node in guarded[0].body:
        assert isinstance(node, ast.ImportFrom), ast.unparse(node)
        module = node.module if node.level == 0 else f"{package}.{node.module}"
        found |= {(module, alias.name) for alias in node.names}
    return found


def _lazy_table(tree: ast.Module) -> set[tuple[str, str]]:
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and ast.unparse(n.func) == "lazy_exports"]
    assert len(calls) == 1
    table = ast.literal_eval(calls[0].args[1])
    return {(module, name) for module, names in table.items() for name in names}


@pytest.mark.parametrize("path", _lazy_packages(), ids=_module_name)
def test_lazy_table_matches_the_type_checking_imports(path: Path) -> None:
    package = _module_name(path)
    tree = ast.parse(path.read_text(encoding="utf-8"))
    assert _lazy_table(tree) == _type_checking_imports(tree, package)


@pytest.mark.parametrize("path", _lazy_packages(), ids=_module_name)
def test_lazy_names_are_the_objects_their_modules_define(path: Path) -> None:
    package = importlib.import_module(_module_name(path))
    table = _lazy_table(ast.parse(path.read_text(encoding="utf-8")))
    for module, name in table:
        assert getattr(package, name) is getattr(importlib.import_module(module), name), name
    assert set(package.__all__) <= {name for _, name in table} | set(vars(package))
    assert set(package.__all__) <= set(dir(package))
    with pytest.raises(AttributeError, match="has no attribute 'no_such_name'"):
        package.no_such_name  # noqa: B018


def test_public_modules_are_attributes_of_the_package() -> None:
    """As when ``__init__`` imported them: ``import govaudit`` then ``govaudit.core.Finding``."""
    assert govaudit.core.Finding is govaudit.Finding
    assert govaudit.records.AuditRecord is govaudit.AuditRecord
    assert {"core", "records", "report", "cli"} <= set(dir(govaudit))
