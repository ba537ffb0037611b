"""Profiles in a spec: defaults filled in, tightening free, loosening only with a justification."""

from __future__ import annotations

from textwrap import dedent

import pytest
from _profile_build import ll144_spec, ll144_table

from govaudit.api import run_plan
from govaudit.exceptions import SpecError
from govaudit.spec import load_spec


@pytest.fixture()
def folder(tmp_path):
    ll144_table().to_csv(tmp_path / "applicants.csv", index=False)
    return tmp_path


def plan_for(folder, text):
    (folder / "audit.toml").write_text(text)
    return load_spec(folder / "audit.toml")


def test_profile_defaults_fill_in_the_auditor_config(folder):
    plan = plan_for(folder, ll144_spec(profiles='["nyc-ll144", "eeoc-four-fifths"]'))
    config = plan.auditor_configs["bias"]
    assert config.small_category_rule == "ll144"
    assert config.gates["impact_ratio"].threshold == 0.8
    assert plan.profiles.settings["bias.gates.impact_ratio.min"] == 0.8


def test_tightening_needs_no_justification(folder):
    plan = plan_for(folder, ll144_spec(profiles='["eeoc-four-fifths"]',
                                       bias='gates = { impact_ratio = { min = 0.9 } }'))
    assert plan.auditor_configs["bias"].gates["impact_ratio"].threshold == 0.9
    assert plan.profiles.loosened == ()


@pytest.mark.parametrize("bias", ['gates = { impact_ratio = { min = 0.7 } }',
                                  'gates = { impact_ratio = { max = 1.5 } }'])
def test_loosening_without_justification_names_the_gate(folder, bias):
    with pytest.raises(SpecError, match=r"\[auditors.bias.gates.impact_ratio.min\].*loosens profile "
                                        r"eeoc-four-fifths's default 0.8.*\[\[loosened\]\]"):
        plan_for(folder, ll144_spec(profiles='["eeoc-four-fifths"]', bias=bias))


def test_loosening_with_justification_goes_into_the_record(folder):
    text = ll144_spec(profiles='["eeoc-four-fifths"]', bias='gates = { impact_ratio = { min = 0.75 } }') + dedent("""
        [[loosened]]
        setting = "bias.gates.impact_ratio.min"
        justification = "Pilot phase agreed with the oversight board: 0.75 with monthly review."
        approved_by = "Oversight Board, decision 2026/14"
        """)
    record = run_plan(plan_for(folder, text))
    (loose,) = record.coverage_matrix.loosened
    assert (loose.setting, loose.default, loose.value, loose.profile) == (
        "bias.gates.impact_ratio.min", 0.8, 0.75, "eeoc-four-fifths")
    assert "monthly review" in loose.justification and "2026/14" in record.to_json()


def test_a_short_or_unused_justification_is_an_error(folder):
    short = ll144_spec(profiles='["eeoc-four-fifths"]') + '\n[[loosened]]\nsetting = "bias.x"\njustification = "because"\n'
    with pytest.raises(SpecError, match="justification"):
        plan_for(folder, short)
    unused = ll144_spec(profiles='["eeoc-four-fifths"]') + dedent("""
        [[loosened]]
        setting = "bias.gates.impact_ratio.min"
        justification = "A long enough justification that loosens nothing at all."
        """)
    with pytest.raises(SpecError, match="loosens no profile default"):
        plan_for(folder, unused)


def test_equal_setting_changed_is_loosening(folder):
    with pytest.raises(SpecError, match=r"bias.small_category_rule.*'none'"):
        plan_for(folder, ll144_spec(bias='small_category_rule = "none"'))


@pytest.mark.parametrize("profiles, extra, match", [
    ('["nyc"]', "", "unknown profile 'nyc'"),
    ('["canada-adm"]', "", r"canada_impact_level is required"),
    ('["canada-adm"]', "[profile_parameters]\ncanada_impact_level = 5", "between 1 and 4"),
    ('["canada-adm"]', '[profile_parameters]\ncanada_impact_level = "III"', "must be an integer"),
    ('["nyc-ll144"]', "[profile_parameters]\ncanada_impact_level = 3", "unknown parameter 'canada_impact_level'"),
])
def test_bad_profile_keys_are_spec_errors(folder, profiles, extra, match):
    text = ll144_spec(profiles=profiles)
    text = text.replace("\n[audit]", f"\n{extra}\n[audit]", 1) if extra.startswith("[") else text
    with pytest.raises(SpecError, match=match):
        plan_for(folder, text)


def test_documentation_side_file_and_invalid_field(folder):
    (folder / "doc.toml").write_text(dedent("""
        data_source = "Applicants 2025."
        distribution_date = "not a date"
        website = "https://example.gov"
        independent_reviewer = "Independent Audit LLP"
        conflict_of_interest_statement = "None."
        """))
    text = ll144_spec(documentation="", extra='documentation = "doc.toml"')
    record = run_plan(plan_for(folder, text))
    rows = {r.id: r for r in record.coverage_matrix.profiles[0].requirements}
    assert rows["nyc-ll144/5-303/published-summary"].status == "not met"
    assert "distribution_date is invalid" in rows["nyc-ll144/5-303/published-summary"].reason
    assert rows["nyc-ll144/20-871/independent-auditor"].status == "met"
    assert "distribution_date" in record.coverage_matrix.documentation_invalid


def test_missing_side_file_is_a_spec_error(folder):
    with pytest.raises(SpecError, match="documentation file not found"):
        plan_for(folder, ll144_spec(documentation="", extra='documentation = "missing.toml"'))


def test_auditor_not_in_spec_is_no_evidence(folder):
    record = run_plan(plan_for(folder, ll144_spec(profiles='["eu-ai-act-high-risk"]')))
    rows = {r.id: r for r in record.coverage_matrix.profiles[0].requirements}
    assert rows["eu-ai-act/art-14/4"].status == "no evidence"
    assert "the oversight auditor did not run" in rows["eu-ai-act/art-14/4"].reason
    # the intersections miss the profile's four-fifths gate: a failed gate outweighs missing documents
    assert rows["eu-ai-act/art-9/8"].status == "not met"
    assert "bias.impact_ratio" in rows["eu-ai-act/art-9/8"].reason
    assert rows["eu-ai-act/art-27/fria"].status == "no evidence"
    assert "oversight" not in {a.name for a in record.auditors}  # a profile never adds an auditor


def test_spec_without_profiles_has_no_matrix(folder):
    text = ll144_spec(profiles="[]", documentation="")
    record = run_plan(plan_for(folder, text))
    assert record.coverage_matrix is None


def test_sample_profile_spec_validates():
    from pathlib import Path

    spec = Path(__file__).resolve().parents[2] / "audits" / "profile_benefits.toml"
    plan = load_spec(spec)
    assert [p.name for p in plan.profiles.packs] == ["eu-ai-act-high-risk", "canada-adm", "governance-principles"]
    assert plan.profiles.parameters == {"canada_impact_level": 3}
    assert not plan.profiles.documentation_invalid and "intended_purpose" in plan.profiles.documentation


def test_decision_log_period_feeds_the_retention_rule():
    from datetime import date

    import pandas as pd

    from govaudit.profiles import coverage_for_plan, load_pack
    from govaudit.profiles._defaults import ProfilePlan

    plan = ProfilePlan(packs=(load_pack("eu-ai-act-high-risk"),), documentation={"log_retention_days": 365})
    log = pd.DataFrame({"decided_at": pd.to_datetime(["2026-05-20T10:00:00Z", "2026-06-20T10:00:00Z"])})
    matrix = coverage_for_plan(plan, [], auditors_run=[], decision_log=log, run_date=date(2026, 6, 30))
    row = matrix.requirement("eu-ai-act/art-19/retention")
    # the log reaches back only to 2026-05-20 and no start of use is declared: six months are not held
    assert matrix.documentation["logs_kept_since"] == "2026-05-20"
    assert row.status == "not met" and "after 2025-12-29" in row.reason
    old = pd.DataFrame({"decided_at": pd.to_datetime(["2025-11-02T10:00:00Z"])})
    matrix = coverage_for_plan(plan, [], auditors_run=[], decision_log=old, run_date=date(2026, 6, 30))
    assert matrix.requirement("eu-ai-act/art-19/retention").status == "met"


def test_record_with_matrix_goes_into_the_ledger(folder):
    from govaudit.records import Ledger, SigningKey

    record = run_plan(plan_for(folder, ll144_spec()))
    with Ledger(folder / "ledger.sqlite", create=True) as ledger:
        entry = ledger.append(record, SigningKey.generate())
        stored = ledger.entry(entry.seq).record
    assert stored.coverage_matrix == record.coverage_matrix
