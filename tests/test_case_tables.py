"""Case-level outputs: returned by auditors, carried with the record object, never serialised, and
written beside the report only when the spec asks."""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Any, ClassVar

import pandas as pd
import pytest
from pydantic import BaseModel

import govaudit
from govaudit.core import AuditorResult, CaseTable, Finding, Status
from govaudit.registry import AuditorEntry, AuditorRegistry
from govaudit.report import write_reports
from govaudit.runner import run_auditors


class _Config(BaseModel):
    pass


class _CaseListingAuditor:
    """Lists the cases whose decision was unfavourable, as a case-level table."""

    name: ClassVar[str] = "caselist"
    version: ClassVar[str] = "1"
    requires: ClassVar[frozenset[str]] = frozenset({"y_pred"})
    Config: ClassVar[type[BaseModel]] = _Config

    def run(self, subject: govaudit.AuditSubject, config: Any = None) -> AuditorResult:
        adverse = subject.y_pred == 0
        ids = subject.case_ids if subject.case_ids is not None else range(len(subject.y_pred))
        table = pd.DataFrame({"case_id": pd.Series(ids)[adverse].to_numpy()})
        finding = Finding(auditor=self.name, check="caselist.adverse", status=Status.PASS,
                          value=int(adverse.sum()), message="Adverse decisions were listed.",
                          evidence={"case_file": "adverse_cases", "rows": len(table)})
        return AuditorResult((finding,), (CaseTable("adverse_cases", table, "One row per adverse decision."),))

    def get_params(self) -> dict[str, Any]:
        return {}


def _registry() -> AuditorRegistry:
    entry = AuditorEntry(name="caselist", package="tests", target="tests:_CaseListingAuditor",
                         auditor_class=_CaseListingAuditor)
    return AuditorRegistry({"caselist": entry})


def test_runner_collects_case_tables_and_keeps_findings() -> None:
    subject = govaudit.build_subject(y_pred=[1, 0, 0, 1], sensitive_features=["a", "a", "b", "b"])
    tables: list[CaseTable] = []
    findings = run_auditors(subject, [(_CaseListingAuditor(), None)], case_tables=tables)
    assert [f.value for f in findings] == [2.0]
    assert [t.name for t in tables] == ["adverse_cases"] and tables[0].table["case_id"].tolist() == [1, 2]


def test_case_tables_travel_with_the_record_but_never_into_its_json(tmp_path: Path) -> None:
    record = govaudit.audit(y_pred=[1, 0, 0, 1, 0], sensitive_features=list("aabbb"),
                            case_ids=["case-01", "case-02", "case-03", "case-04", "case-05"], auditors=["caselist"], registry=_registry())
    assert record.case_tables[0].table["case_id"].tolist() == ["case-02", "case-03", "case-05"]
    text = record.to_json()
    assert "case-0" not in text and "case_tables" not in text
    assert "case_tables" not in str(govaudit.record_json_schema())
    # default: nothing individual-level is written
    written = write_reports(record, tmp_path / "default")
    assert set(written) == {"json"} and not (tmp_path / "default" / "adverse_cases.parquet").exists()
    # asked for: the table is written as Parquet, owner-readable only
    written = write_reports(record, tmp_path / "asked", case_files=True)
    path = written["adverse_cases"]
    assert pd.read_parquet(path)["case_id"].tolist() == ["case-02", "case-03", "case-05"]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_case_ids_must_match_the_rows() -> None:
    with pytest.raises(govaudit.InputDataError, match="case_ids has 2 rows but the data has 3"):
        govaudit.audit(y_pred=[1, 0, 1], sensitive_features=list("aab"), case_ids=["x", "y"],
                       auditors=["caselist"], registry=_registry())


def test_spec_case_files_and_case_id_column(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pd.DataFrame({"case": ["k1", "k2", "k3"], "decision": [1, 0, 1], "group": ["a", "b", "b"]}).to_csv(
        tmp_path / "decisions.csv", index=False)
    (tmp_path / "audit.toml").write_text(
        '[audit]\nname = "caselist_demo"\n[data]\npath = "decisions.csv"\nprediction = "decision"\n'
        'sensitive_features = ["group"]\ncase_id = "case"\n[output]\ndir = "out"\ncase_files = true\n'
        "[auditors.caselist]\n")
    plan = govaudit.load_spec(tmp_path / "audit.toml", registry=_registry())
    record = govaudit.run_plan(plan, registry=_registry())
    written = write_reports(record, plan.output_dir, case_files=plan.spec.output.case_files)
    assert pd.read_parquet(written["adverse_cases"])["case_id"].tolist() == ["k2"]


def test_spec_case_id_column_must_identify_rows(tmp_path: Path) -> None:
    pd.DataFrame({"case": ["k1", "k1"], "decision": [1, 0], "group": ["a", "b"]}).to_csv(
        tmp_path / "decisions.csv", index=False)
    (tmp_path / "audit.toml").write_text(
        '[audit]\nname = "x"\n[data]\npath = "decisions.csv"\nprediction = "decision"\n'
        'sensitive_features = ["group"]\ncase_id = "case"\n[auditors.caselist]\n')
    plan = govaudit.load_spec(tmp_path / "audit.toml", registry=_registry())
    with pytest.raises(govaudit.InputDataError, match=r"'case' \(\[data\] case_id\) must identify each row"):
        govaudit.run_plan(plan, registry=_registry())


def test_a_decision_log_alone_makes_a_subject(tmp_path: Path) -> None:
    pd.DataFrame({"case_id": ["a", "b"], "final_decision": [1, 0]}).to_parquet(tmp_path / "log.parquet")
    (tmp_path / "audit.toml").write_text(
        '[audit]\nname = "log_only"\n[decision_log]\npath = "log.parquet"\n[auditors.caselist]\n')
    plan = govaudit.load_spec(tmp_path / "audit.toml", registry=_registry())
    record = govaudit.run_plan(plan, registry=_registry())
    (finding,) = record.findings
    # the caselist auditor was asked for but cannot run without decisions: inconclusive, so the run blocks
    assert finding.status is Status.INCONCLUSIVE and finding.evidence["missing"] == ["y_pred"]
    assert [d.role for d in record.data] == ["decision_log"] and record.data[0].rows == 2
