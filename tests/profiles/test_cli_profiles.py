"""The command line: coverage, export, profiles; and the other exports' contents."""

from __future__ import annotations

import json

import pytest
from _profile_build import ll144_spec, ll144_table

from govaudit.cli import main


@pytest.fixture(scope="module")
def run_folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cli")
    ll144_table().to_csv(folder / "applicants.csv", index=False)
    (folder / "audit.toml").write_text(ll144_spec(profiles='["nyc-ll144", "uk-atrs", "china-algorithm-filing"]'))
    # exit 1: some intersections miss the four-fifths gate; the record is written all the same
    assert main(["run", str(folder / "audit.toml"), "-q"]) == 1
    return folder


def record_path(folder):
    return folder / "reports" / "record.json"


def test_coverage_prints_the_matrix(run_folder, capsys):
    assert main(["coverage", str(record_path(run_folder))]) == 0
    out = capsys.readouterr().out
    assert "nyc-ll144/20-871/audit-age" in out and "not a statement of legal compliance" in out
    assert "uk-atrs/tier-2/owner" in out and "no evidence" in out


def test_coverage_as_of_rejudges_the_time_rules(run_folder, capsys):
    assert main(["coverage", str(record_path(run_folder)), "--as-of", "2099-01-01", "--json"]) == 0
    matrix = json.loads(capsys.readouterr().out)
    row = next(r for p in matrix["profiles"] for r in p["requirements"] if r["id"] == "nyc-ll144/20-871/audit-age")
    assert row["status"] == "not met"
    assert main(["coverage", str(record_path(run_folder)), "--as-of", "soon"]) == 2
    assert "--as-of must be a date" in capsys.readouterr().err


def test_coverage_of_a_record_without_profiles(tmp_path, capsys):
    ll144_table().to_csv(tmp_path / "applicants.csv", index=False)
    (tmp_path / "audit.toml").write_text(ll144_spec(profiles="[]", documentation=""))
    assert main(["run", str(tmp_path / "audit.toml"), "-q"]) in (0, 1)
    assert main(["coverage", str(tmp_path / "reports" / "record.json")]) == 2
    assert "no coverage matrix" in capsys.readouterr().err


def test_export_ll144_to_file(run_folder, tmp_path, capsys):
    out = tmp_path / "summary.json"
    assert main(["export", "ll144-summary", str(record_path(run_folder)), "--out", str(out)]) == 0
    summary = json.loads(out.read_text())
    assert summary["tool"] == "hiring_screen" and len(summary["selection_rates"]) == 3


def test_export_atrs_is_the_template_record_with_placeholders(run_folder, capsys):
    assert main(["export", "atrs", str(record_path(run_folder)), "--spec", str(run_folder / "audit.toml")]) == 0
    atrs = json.loads(capsys.readouterr().out)
    assert atrs["tier_1"]["name"] == "hiring_screen"
    assert atrs["tier_1"]["website_url"] == "https://example.gov/hiring/aedt"
    owner = atrs["tier_2"]["owner_and_responsibility"]
    assert owner["organisation_or_department"] == "City Personnel Office"
    assert owner["team"] == "[to be written by the owner]"  # required by the template, unknown to the audit
    assert "Failed:" in atrs["tier_2"]["risks_mitigations_and_impact_assessments"]["risks_and_mitigations"]


def test_export_china_filing_is_in_chinese(run_folder, capsys):
    assert main(["export", "china-filing", str(record_path(run_folder))]) == 0
    filing = json.loads(capsys.readouterr().out)
    assert filing["备案信息"]["算法名称"] == "hiring_screen"
    assert "服务形式" in filing["未填写字段"]
    assert filing["安全自评估"]["公平性（不歧视）评估"][0]["检查项"].startswith("bias.")
    assert {r["状态"] for r in filing["安全自评估"]["要求覆盖情况"]} <= {"有证据满足", "未满足", "无证据", "不适用"}


def test_export_annex_iv_fills_evidence_sections(run_folder, capsys):
    assert main(["export", "annex-iv", str(record_path(run_folder))]) == 0
    text = capsys.readouterr().out
    assert text.startswith("# Technical documentation (EU AI Act, Annex IV): hiring_screen")
    section = text.split("### 2(g)")[1].split("##")[0]
    assert "`bias.impact_ratio`" in section and "`bias.group_metrics`" in section
    assert "_To be completed by the provider._" in text


def test_unknown_export_kind(run_folder, capsys):
    assert main(["export", "ll145", str(record_path(run_folder))]) == 2
    assert "unknown export 'll145'" in capsys.readouterr().err


def test_profiles_list_and_show(capsys):
    assert main(["profiles", "list"]) == 0
    assert "canada-adm" in capsys.readouterr().out
    assert main(["profiles", "show", "canada-adm"]) == 0
    out = capsys.readouterr().out
    assert "canada_impact_level" in out and "canada-adm/6.3/human-final-decision" in out
    assert main(["profiles", "show", "nope"]) == 2


def test_profiles_show_states_each_evidence_rule(capsys):
    from govaudit.profiles import load_pack

    assert main(["profiles", "show", "nyc-ll144"]) == 0
    out = capsys.readouterr().out
    pack = load_pack("nyc-ll144")
    rules = [(check, rule) for r in pack.requirements for check, rule in r.evidence.items()]
    assert rules and out.count("evidence from ") == len(rules)
    assert "stating unknown_count" in out and "intersection sex × race/ethnicity" in out


def test_schema_profile(capsys):
    assert main(["schema", "profile"]) == 0
    assert "requirements" in json.loads(capsys.readouterr().out)["properties"]
