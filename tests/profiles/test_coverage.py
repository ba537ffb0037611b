"""The coverage matrix, pack by pack: a run that meets it, then variants that each miss one requirement.

Each variant (missing auditor, failed gate, missing or invalid documentation, a broken time rule) must
change exactly the requirements that name the thing removed, and leave every other one met.
"""

from __future__ import annotations

from datetime import date

import pytest
from _profile_build import AS_OF, full_documentation, passing_findings

from govaudit.core import Finding, Status
from govaudit.profiles import check_documentation, coverage_matrix, list_packs, load_pack
from govaudit.profiles._documentation import DOCUMENTATION_FIELDS

LEVEL = {"canada_impact_level": 4}


def judge(pack, findings, doc=None, invalid=None, params=LEVEL, ran=("bias", "explainability", "oversight",
                                                                    "provenance", "deployment")):
    values, bad = check_documentation(doc if doc is not None else full_documentation())
    bad.update(invalid or {})
    matrix = coverage_matrix([pack], findings, parameters={k: v for k, v in params.items() if k in pack.parameters},
                             documentation=values, documentation_invalid=bad, as_of=AS_OF, run_date=AS_OF,
                             auditors_run=ran)
    return {r.id: r for r in matrix.profiles[0].requirements}


def applicable(pack):
    return [r for r in pack.requirements if pack.applies(r, LEVEL)]


@pytest.mark.parametrize("name", list_packs())
def test_a_full_audit_meets_every_applicable_requirement(name):
    pack = load_pack(name)
    rows = judge(pack, passing_findings(pack))
    for req in pack.requirements:
        expected = "met" if pack.applies(req, LEVEL) else "not applicable"
        assert rows[req.id].status == expected, (req.id, rows[req.id].reason)
    met = rows[applicable(pack)[0].id]
    assert met.evidence and all(e.status in ("pass", "present", "ok", "applied") for e in met.evidence)


def _cases(kind):
    out = []
    for name in list_packs():
        pack = load_pack(name)
        for req in applicable(pack):
            if kind in ("check", "auditor") and req.checks:
                out.append(pytest.param(name, req.id, req.checks[0], id=f"{req.id}:{req.checks[0]}"))
            if kind in ("field", "invalid") and req.documentation:
                out.append(pytest.param(name, req.id, req.documentation[0], id=f"{req.id}:{req.documentation[0]}"))
    return out


def _others_met(pack, rows, affected):
    for req in applicable(pack):
        if req.id not in affected:
            assert rows[req.id].status == "met", (req.id, rows[req.id].reason)


@pytest.mark.parametrize("name, req_id, check", _cases("check"))
def test_a_failed_gate_is_not_met_against_its_requirement(name, req_id, check):
    pack = load_pack(name)
    findings = [f.model_copy(update={"status": Status.FAIL}) if f.check == check else f for f in passing_findings(pack)]
    rows = judge(pack, findings)
    assert rows[req_id].status == "not met"
    assert check in rows[req_id].reason
    _others_met(pack, rows, {r.id for r in pack.requirements if check in r.checks})


@pytest.mark.parametrize("name, req_id, check", _cases("auditor"))
def test_a_missing_auditor_is_no_evidence_never_met(name, req_id, check):
    pack = load_pack(name)
    auditor = check.split(".")[0]
    findings = [f for f in passing_findings(pack) if f.auditor != auditor]
    rows = judge(pack, findings, ran=tuple(a for a in ("bias", "explainability", "oversight", "provenance",
                                                       "deployment") if a != auditor))
    assert rows[req_id].status == "no evidence"
    assert f"the {auditor} auditor did not run" in rows[req_id].reason
    _others_met(pack, rows, {r.id for r in pack.requirements if any(c.startswith(auditor + ".") for c in r.checks)})


@pytest.mark.parametrize("name, req_id, field", _cases("field"))
def test_a_missing_document_is_no_evidence(name, req_id, field):
    pack = load_pack(name)
    doc = full_documentation()
    del doc[field]
    rows = judge(pack, passing_findings(pack), doc=doc)
    assert rows[req_id].status == "no evidence"
    assert field in rows[req_id].reason
    affected = {r.id for r in pack.requirements if field in r.documentation}
    if field in ("log_retention_days", "launch_date", "filing_date", "audit_date"):  # also read by a time rule
        affected |= {r.id for r in pack.requirements if r.time_rules}
    _others_met(pack, rows, affected)


@pytest.mark.parametrize("name, req_id, field", _cases("invalid"))
def test_an_invalid_document_is_not_met(name, req_id, field):
    pack = load_pack(name)
    doc = full_documentation()
    doc[field] = {"not": "valid"}  # a table where text, a date, a number or yes/no is expected
    rows = judge(pack, passing_findings(pack), doc=doc)
    assert rows[req_id].status == "not met"
    assert f"documentation field {field} is invalid" in rows[req_id].reason


def test_a_skipped_check_is_not_evidence():
    pack = load_pack("eeoc-four-fifths")
    findings = [f.model_copy(update={"status": Status.SKIPPED, "message": "no sensitive features"})
                for f in passing_findings(pack)]
    rows = judge(pack, findings)
    assert {r.status for r in rows.values()} == {"no evidence"}
    assert "skipped: no sensitive features" in rows["eeoc-four-fifths/1607.4(D)/four-fifths"].reason


def test_warnings_keep_met_but_say_so():
    pack = load_pack("eeoc-four-fifths")
    findings = [f.model_copy(update={"status": Status.WARN}) for f in passing_findings(pack)]
    row = judge(pack, findings)["eeoc-four-fifths/1607.4(D)/four-fifths"]
    assert row.status == "met" and row.reason.startswith("met, with warnings")


def test_intersectional_requirement_needs_an_intersection():
    pack = load_pack("nyc-ll144")
    findings = [f.model_copy(update={"evidence": {"feature": "sex", "columns": ["sex"]}}) for f in passing_findings(pack)]
    rows = judge(pack, findings)
    assert rows["nyc-ll144/5-301/intersectional"].status == "no evidence"
    # findings by sex alone are no evidence of rates by every sex *and* race/ethnicity category
    assert rows["nyc-ll144/5-301/selection-rates"].status == "no evidence"
    assert "by race/ethnicity" in rows["nyc-ll144/5-301/selection-rates"].reason
    by_sex_and_race = findings + [f.model_copy(update={"evidence": {"feature": "race", "columns": ["race"]}})
                                  for f in findings]
    assert judge(pack, by_sex_and_race)["nyc-ll144/5-301/selection-rates"].status == "met"


@pytest.mark.parametrize("level, peer_status, human", [
    (1, "not applicable", "not applicable"), (2, "met", "not applicable"), (3, "met", "met"), (4, "met", "met")])
def test_canada_impact_level_changes_what_is_required(level, peer_status, human):
    pack = load_pack("canada-adm")
    doc = full_documentation(level)
    doc["peer_reviewers"] = ["Dr A. Expert"] if level < 4 else ["Dr A. Expert", "Dr B. Reviewer"]
    rows = judge(pack, passing_findings(pack), doc=doc, params={"canada_impact_level": level})
    one, two = rows["canada-adm/6.3/peer-review-one"], rows["canada-adm/6.3/peer-review-two"]
    assert (one.status if level < 4 else two.status) == peer_status
    assert rows["canada-adm/6.3/human-final-decision"].status == human
    assert rows["canada-adm/6.2/decision-explanation"].status == ("not applicable" if level == 1 else "met")
    if level == 1:
        assert "general explanation" in rows["canada-adm/6.2/decision-explanation"].reason
    assert rows["canada-adm/6.1/impact-assessment"].status == "met"


def test_canada_level_four_with_one_reviewer_or_no_human_is_not_met():
    pack = load_pack("canada-adm")
    doc = full_documentation(4)
    doc.update(peer_reviewers=["Dr A. Expert"], human_final_decision=False)
    rows = judge(pack, passing_findings(pack), doc=doc)
    assert rows["canada-adm/6.3/peer-review-two"].status == "not met"
    assert "1 given, at least 2" in rows["canada-adm/6.3/peer-review-two"].reason
    assert rows["canada-adm/6.3/human-final-decision"].status == "not met"


def test_canada_understated_impact_level_is_not_met():
    pack = load_pack("canada-adm")
    rows = judge(pack, passing_findings(pack), doc=full_documentation(4), params={"canada_impact_level": 2})
    row = rows["canada-adm/6.1/impact-assessment"]
    assert row.status == "not met" and "impact level 4, above the declared level 2" in row.reason


@pytest.mark.parametrize("name, req_id, change, status", [
    ("nyc-ll144", "nyc-ll144/20-871/audit-age", {"audit_date": date(2025, 3, 1)}, "not met"),
    ("nyc-ll144", "nyc-ll144/20-871/audit-age", {"audit_date": date(2025, 3, 2)}, "met"),
    ("eu-ai-act-high-risk", "eu-ai-act/art-19/retention", {"log_retention_days": 182}, "not met"),
    ("eu-ai-act-high-risk", "eu-ai-act/art-19/retention", {"logs_kept_since": date(2026, 1, 1)}, "not met"),
    ("china-algorithm-filing", "china-algorithm/art-24/filing", {"filing_date": date(2026, 1, 20)}, "not met"),
    ("china-algorithm-filing", "china-algorithm/art-24/filing", {"filing_date": date(2026, 1, 19)}, "met"),
    ("china-algorithm-filing", "china-algorithm/art-24/changes", {"change_filing_date": date(2026, 2, 17)}, "not met"),
])
def test_time_rules_are_reported_against_their_requirement(name, req_id, change, status):
    pack = load_pack(name)
    doc = full_documentation()
    doc.update(change)
    rows = judge(pack, passing_findings(pack), doc=doc)
    assert rows[req_id].status == status, rows[req_id].reason
    _others_met(pack, rows, {req_id} | ({"china-algorithm/art-24/filing"} if "filing_date" in change else set()))


def test_every_documentation_field_has_a_type_check():
    values, invalid = check_documentation({name: {"x": 1} for name in DOCUMENTATION_FIELDS})
    assert not values and set(invalid) == set(DOCUMENTATION_FIELDS)
    _, invalid = check_documentation({"intended_purpose": "   ", "log_retention_days": "six months"})
    assert set(invalid) == {"intended_purpose", "log_retention_days"}


def test_unknown_documentation_key_is_a_spec_error():
    from govaudit.exceptions import SpecError

    with pytest.raises(SpecError, match=r"\[documentation\] unknown key\(s\) \['intended_purpose_'\]"):
        check_documentation({"intended_purpose_": "x"}, source="audit.toml")


def test_findings_behind_a_requirement_are_indexed():
    pack = load_pack("eeoc-four-fifths")
    findings = [Finding(auditor="x", check="x.other", status=Status.PASS, message="m")] + passing_findings(pack)
    row = judge(pack, findings)["eeoc-four-fifths/1607.4(D)/four-fifths"]
    items = [e for e in row.evidence if e.kind == "check"]
    assert len(items) == sum(f.check == "bias.impact_ratio" for f in findings) > 1
    assert all(findings[item.finding_index].check == "bias.impact_ratio" for item in items)
