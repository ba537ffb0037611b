"""Third-party auditors: a real distribution on sys.path with a `govaudit.auditors` entry point."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

import pytest

import govaudit
from govaudit.cli import main
from govaudit.registry import load_registry

_PLUGIN = '''
from pydantic import BaseModel, ConfigDict

from govaudit.core import Finding, Principle, Status


class CoverageConfig(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    min_rows: int = 100


class RowCoverageAuditor:
    """Checks that the evaluation data has enough decisions to audit."""

    name = "row_coverage"
    version = "0.3.1"
    requires = frozenset({"y_pred"})
    Config = CoverageConfig

    def __init__(self, **settings):
        self.config = CoverageConfig(**settings)

    def get_params(self):
        return self.config.model_dump()

    def run(self, subject, config=None):
        config = config or self.config
        n = len(subject.y_pred)
        return [Finding(
            auditor=self.name, check="row_coverage.rows",
            status=Status.PASS if n >= config.min_rows else Status.FAIL,
            value=n, threshold=config.min_rows, operator=">=",
            message=f"The audit covers {n} decisions.", principles=(Principle.TRANSPARENCY,),
        )]


class CrashingAuditor(RowCoverageAuditor):
    name = "crashing"

    def run(self, subject, config=None):
        raise RuntimeError("plug-in bug")
'''


def _install_distribution(site: Path, name: str, module: str, source: str, entry_points: dict[str, str]) -> None:
    """Lay out an installed distribution (module + dist-info with entry_points.txt) in ``site``."""
    (site / f"{module}.py").write_text(source)
    info = site / f"{name.replace('-', '_')}-0.3.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 0.3.1\n")
    lines = "\n".join(f"{k} = {v}" for k, v in entry_points.items())
    (info / "entry_points.txt").write_text(f"[govaudit.auditors]\n{lines}\n")


@pytest.fixture
def plugin_site(tmp_path, monkeypatch):
    site = tmp_path / "site"
    site.mkdir()
    _install_distribution(site, "govaudit-row-coverage", "row_coverage_plugin", _PLUGIN, {
        "row_coverage": "row_coverage_plugin:RowCoverageAuditor",
        "crashing": "row_coverage_plugin:CrashingAuditor",
    })
    _install_distribution(site, "govaudit-broken", "broken_plugin", "raise ImportError('missing dependency xyz')\n",
                          {"broken": "broken_plugin:Auditor"})
    monkeypatch.syspath_prepend(str(site))
    return site


def test_registry_finds_plugins_and_reports_broken_ones(plugin_site):
    registry = load_registry()
    assert registry.get("row_coverage").package == "govaudit-row-coverage"
    assert "bias" in registry.names()
    assert "broken" in registry.failed
    assert "missing dependency xyz" in registry.failed["broken"].error
    with pytest.raises(govaudit.AuditorError, match="broken.*failed to load.*missing dependency xyz"):
        registry.get("broken")


def test_list_auditors_shows_plugins(plugin_site, capsys):
    assert main(["list-auditors"]) == 0
    out = capsys.readouterr().out
    assert "row_coverage" in out and "govaudit-row-coverage" in out
    assert "broken" in out and "failed" in out


def _spec_with(spec: Path, extra: str) -> Path:
    target = spec.parent / f"plugin_{abs(hash(extra))}.toml"
    target.write_text(spec.read_text() + dedent(extra))
    return target


def test_plugin_runs_from_a_spec(plugin_site, audit_project, capsys):
    spec = _spec_with(audit_project["fair"], """
        [auditors.row_coverage]
        min_rows = 5000
    """)
    code = main(["run", str(spec), "--quiet"])
    record = govaudit.AuditRecord.from_json((spec.parent / "reports" / "record.json").read_bytes())
    plugin_findings = record.findings_for("row_coverage")
    assert [f.check for f in plugin_findings] == ["row_coverage.rows"]
    assert plugin_findings[0].status is govaudit.Status.FAIL and plugin_findings[0].value == 4000
    assert code == 1
    info = {a.name: a for a in record.auditors}
    assert info["row_coverage"].package == "govaudit-row-coverage"
    assert info["row_coverage"].version == "0.3.1"
    assert info["row_coverage"].config == {"min_rows": 5000}


def test_plugin_config_is_validated_at_load_time(plugin_site, audit_project, capsys):
    spec = _spec_with(audit_project["fair"], """
        [auditors.row_coverage]
        min_rowz = 5
    """)
    assert main(["run", str(spec)]) == 2
    err = capsys.readouterr().err
    assert "auditors.row_coverage.min_rowz" in err and "unknown key" in err


def test_crashing_plugin_becomes_an_error_finding(plugin_site, audit_project, capsys):
    spec = _spec_with(audit_project["fair"], """
        [auditors.crashing]
    """)
    code = main(["run", str(spec), "--quiet"])
    record = govaudit.AuditRecord.from_json((spec.parent / "reports" / "record.json").read_bytes())
    [error] = record.findings_for("crashing")
    assert error.status is govaudit.Status.ERROR and "plug-in bug" in error.message
    assert record.findings_for("bias")  # the other auditor still ran
    assert code == 1  # error blocks the gate (fails closed)


def test_unknown_auditor_in_spec(audit_project, capsys):
    spec = _spec_with(audit_project["fair"], """
        [auditors.explainabilty]
    """)
    assert main(["run", str(spec)]) == 2
    err = capsys.readouterr().err
    assert "unknown auditor 'explainabilty'" in err and "bias" in err
