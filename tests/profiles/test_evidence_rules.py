"""Evidence rules: every shipped requirement is met with the evidence it names, and never without it.

For each requirement of each pack, a record with every piece of its evidence meets it; each variant
that removes one piece (a check's findings, a breakdown by a feature or an intersection, an evidence
key, a gated status, a document, a date) must not. Then the statuses that do and do not count, the
reasons given, the column mapping of a spec, and the pack schema of the rules.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from _profile_build import AS_OF, finding_by, full_documentation, ll144_spec, ll144_table, passing_findings

from govaudit.core import Status
from govaudit.exceptions import SpecError
from govaudit.profiles import check_documentation, coverage_matrix, list_packs, load_pack, pack_json_schema, parse_pack
from govaudit.profiles._coverage import recompute

AUDITORS = ("bias", "explainability", "oversight", "provenance", "deployment")

#: How to take away what a time rule needs (a date it reads, or a date that breaks it).
_BREAK_TIME_RULE = {
    "audit_age_one_year": ("audit_date", AS_OF - timedelta(days=400)),
    "log_retention_six_months": ("log_retention_days", None),
    "filing_within_10_working_days": ("filing_date", None),
    "change_filing_within_10_working_days": ("change_filing_date", None),
}


def _parameters_for(pack, req):
    """Parameters under which ``req`` applies (its first listed value), Canada's level 4 otherwise."""
    params = {"canada_impact_level": 4} if "canada_impact_level" in pack.parameters else {}
    params.update({k: v[0] for k, v in req.applies_when.items()})
    return params


def status_of(pack, req, findings, doc=None, parameters=None):
    values, invalid = check_documentation(doc if doc is not None else full_documentation())
    matrix = coverage_matrix([pack], findings, parameters=parameters or _parameters_for(pack, req),
                             documentation=values, documentation_invalid=invalid, as_of=AS_OF, run_date=AS_OF,
                             auditors_run=AUDITORS)
    return matrix.requirement(req.id)


def _columns(f):
    return tuple(f.evidence.get("columns") or ())


def _lacking(pack, req):
    """(what is missing, findings, documentation) for each piece of evidence ``req`` names, taken away alone."""
    findings, doc = passing_findings(pack), full_documentation()
    for check in req.checks:
        rule = req.rule(check)
        yield f"{check} findings", [f for f in findings if f.check != check], doc
        for name in rule.features:
            accepted = {c.casefold() for c in pack.features[name].columns}
            yield f"{check} by {name}", [f for f in findings if not (
                f.check == check and len(_columns(f)) == 1 and _columns(f)[0].casefold() in accepted)], doc
        if rule.intersection or rule.intersection_with or rule.intersectional:
            yield f"{check} intersections", [f for f in findings if f.check != check or len(_columns(f)) < 2], doc
        for key in rule.keys:
            stripped = [f.model_copy(update={"evidence": {k: v for k, v in f.evidence.items() if k != key}})
                        if f.check == check else f for f in findings]
            yield f"{check} stating {key}", stripped, doc
        if "reported" not in rule.statuses:
            yield f"{check} gated", [f.model_copy(update={"status": Status.REPORTED}) if f.check == check else f
                                     for f in findings], doc
        if rule.min_findings > 1:
            yield f"{check} x{rule.min_findings}", [f for f in findings if f.check != check] + [
                f for f in findings if f.check == check][: rule.min_findings - 1], doc
    for name in req.documentation:
        yield f"document {name}", findings, {k: v for k, v in doc.items() if k != name}
    for rule_name in req.time_rules:
        key, value = _BREAK_TIME_RULE[rule_name]
        broken = {k: v for k, v in doc.items() if k != key}
        if value is not None:
            broken[key] = value
        yield f"time rule {rule_name}", findings, broken


def _every_requirement(only=lambda req: True):
    return [pytest.param(name, req.id, id=req.id)
            for name in list_packs() for req in load_pack(name).requirements if only(req)]


@pytest.mark.parametrize("name, req_id", _every_requirement())
def test_a_requirement_is_met_only_with_every_piece_of_its_evidence(name, req_id):
    pack = load_pack(name)
    req = next(r for r in pack.requirements if r.id == req_id)
    row = status_of(pack, req, passing_findings(pack))
    assert row.status == "met", row.reason
    variants = list(_lacking(pack, req))
    assert variants  # every requirement names some evidence
    for missing, findings, doc in variants:
        row = status_of(pack, req, findings, doc)
        assert row.status in ("no evidence", "not met"), (missing, row.reason)


@pytest.mark.parametrize("name, req_id", _every_requirement(lambda req: any(r.features for r in req.evidence.values())))
def test_a_missing_breakdown_is_named_in_the_reason(name, req_id):
    pack = load_pack(name)
    req = next(r for r in pack.requirements if r.id == req_id)
    for check, rule in req.evidence.items():
        for feature in rule.features:
            accepted = {c.casefold() for c in pack.features[feature].columns}
            findings = [f for f in passing_findings(pack) if not (
                f.check == check and len(_columns(f)) == 1 and _columns(f)[0].casefold() in accepted)]
            row = status_of(pack, req, findings)
            assert row.status == "no evidence"
            assert f"no {check} finding by {pack.features[feature].label}" in row.reason, row.reason
            assert "the audited feature" in row.reason or "no feature was audited alone" in row.reason


# -- the reproduction: sex and age_band only ------------------------------------------------------
def _run(folder, table, text):
    from govaudit.api import run_plan
    from govaudit.spec import load_spec

    table.to_csv(folder / "applicants.csv", index=False)
    (folder / "audit.toml").write_text(text)
    return run_plan(load_spec(folder / "audit.toml"))


def test_sex_and_age_band_are_no_evidence_for_race_ethnicity(tmp_path):
    table = ll144_table().rename(columns={"race": "age_band"})
    text = ll144_spec(bias='intersections = [["sex", "age_band"]]').replace('["sex", "race"]', '["sex", "age_band"]')
    matrix = _run(tmp_path, table, text).coverage_matrix
    rates = matrix.requirement("nyc-ll144/5-301/selection-rates")
    assert rates.status == "no evidence"
    assert "no bias.group_metrics finding by race/ethnicity" in rates.reason
    assert "the audited features are sex, age_band" in rates.reason
    crossed = matrix.requirement("nyc-ll144/5-301/intersectional")
    assert crossed.status == "no evidence"
    assert "for the intersection of sex and race/ethnicity" in crossed.reason
    assert "the audited intersection is sex & age_band" in crossed.reason
    assert matrix.requirement("nyc-ll144/5-301/unknown-and-small").status == "no evidence"


def test_sex_and_race_meet_the_ll144_breakdowns(tmp_path):
    matrix = _run(tmp_path, ll144_table(), ll144_spec()).coverage_matrix
    for req_id in ("selection-rates", "intersectional", "unknown-and-small"):
        row = matrix.requirement(f"nyc-ll144/5-301/{req_id}")
        assert row.status == "met", row.reason


def test_without_the_intersection_the_bias_auditor_setting_is_named(tmp_path):
    matrix = _run(tmp_path, ll144_table(), ll144_spec(bias="")).coverage_matrix
    row = matrix.requirement("nyc-ll144/5-301/intersectional")
    assert row.status == "no evidence"
    assert 'add [auditors.bias] intersections = [["sex", "race"]]' in row.reason
    assert matrix.requirement("nyc-ll144/5-301/selection-rates").status == "met"


def test_a_spec_maps_its_own_column_to_a_feature(tmp_path):
    table = ll144_table().rename(columns={"race": "ethnic_origin"})
    text = ll144_spec(bias='intersections = [["sex", "ethnic_origin"]]').replace('["sex", "race"]',
                                                                                 '["sex", "ethnic_origin"]')
    unmapped = _run(tmp_path, table, text)
    row = unmapped.coverage_matrix.requirement("nyc-ll144/5-301/selection-rates")
    assert row.status == "no evidence" and "race_ethnicity_column in [profile_parameters]" in row.reason
    mapped = _run(tmp_path, table, text.replace("\n[audit]", '\n[profile_parameters]\nrace_ethnicity_column = '
                                                           '"ethnic_origin"\n[audit]', 1))
    for req_id in ("selection-rates", "intersectional", "unknown-and-small"):
        assert mapped.coverage_matrix.requirement(f"nyc-ll144/5-301/{req_id}").status == "met", req_id
    assert mapped.coverage_matrix.profiles[0].parameters == {"race_ethnicity_column": "ethnic_origin"}
    again = recompute(mapped, as_of=mapped.created_at.date())  # the mapping is kept in the record
    assert again.requirement("nyc-ll144/5-301/selection-rates").status == "met"


def test_a_mapped_column_must_be_text(tmp_path):
    text = ll144_spec().replace("\n[audit]", "\n[profile_parameters]\nrace_ethnicity_column = 3\n[audit]", 1)
    with pytest.raises(SpecError, match="race_ethnicity_column must be a string"):
        _run(tmp_path, ll144_table(), text)


def test_column_names_match_without_regard_to_case():
    pack = load_pack("nyc-ll144")
    req = next(r for r in pack.requirements if r.id == "nyc-ll144/5-301/selection-rates")
    findings = [finding_by("bias.group_metrics", ("Sex",)), finding_by("bias.group_metrics", ("RACE",))]
    assert status_of(pack, req, findings).status == "met"


# -- statuses: reported, inconclusive, accepted ----------------------------------------------------
def _eeoc(name):
    pack = load_pack("eeoc-four-fifths")
    return pack, next(r for r in pack.requirements if r.id.endswith(name))


def _ratios_first(pack):
    """The pack's passing findings, impact ratios first."""
    return sorted(passing_findings(pack), key=lambda f: f.check != "bias.impact_ratio")


def test_reported_counts_like_pass_unless_the_rule_asks_for_a_gate():
    pack, significance = _eeoc("significance")
    reported = [f.model_copy(update={"status": Status.REPORTED}) for f in passing_findings(pack)]
    assert status_of(pack, significance, reported).status == "met"
    _, four_fifths = _eeoc("four-fifths")
    row = status_of(pack, four_fifths, reported)
    assert row.status == "no evidence"
    assert "its status is reported, and only pass, warn or inconclusive count here" in row.reason


def test_an_unaccepted_inconclusive_finding_could_not_be_judged():
    pack, four_fifths = _eeoc("four-fifths")
    findings = _ratios_first(pack)
    findings[0] = findings[0].model_copy(update={"status": Status.INCONCLUSIVE, "message": "The ratio is undefined."})
    row = status_of(pack, four_fifths, findings)
    assert row.status == "no evidence"
    assert "bias.impact_ratio could not be judged: 1 inconclusive finding(s) not accepted" in row.reason
    assert "The ratio is undefined." in row.reason


def test_an_accepted_inconclusive_finding_is_met_and_named():
    pack, four_fifths = _eeoc("four-fifths")
    accepted = [f.model_copy(update={"status": Status.INCONCLUSIVE, "accepted": "Too few hires this quarter; "
                                                                               "re-audit in Q3."})
                if f.check == "bias.impact_ratio" else f for f in passing_findings(pack)]
    row = status_of(pack, four_fifths, accepted)
    assert row.status == "met"
    assert row.reason.startswith("met, with accepted inconclusive gates: bias.impact_ratio:")
    assert "re-audit in Q3" in row.reason
    assert all("accepted: Too few hires" in e.detail for e in row.evidence if e.kind == "check")


def test_warnings_and_accepted_gates_are_both_named():
    pack, four_fifths = _eeoc("four-fifths")
    findings = _ratios_first(pack)
    findings[0] = findings[0].model_copy(update={"status": Status.WARN})
    findings[1] = findings[1].model_copy(update={"status": Status.INCONCLUSIVE, "accepted": "Justified in writing."})
    row = status_of(pack, four_fifths, findings)
    assert row.status == "met"
    assert row.reason.startswith("met, with warnings: bias.impact_ratio: 1 warning(s); with accepted inconclusive")


def test_a_finding_lacking_a_key_is_named():
    pack = load_pack("nyc-ll144")
    req = next(r for r in pack.requirements if r.id == "nyc-ll144/5-301/unknown-and-small")
    findings = [finding_by("bias.group_metrics", ("sex",), unknown_count=3), finding_by("bias.group_metrics", ("race",))]
    row = status_of(pack, req, findings)
    assert row.status == "no evidence"
    assert "the bias.group_metrics finding by race/ethnicity does not count as evidence: it does not state " \
           "unknown_count" in row.reason


def test_a_failed_gate_outweighs_a_missing_feature():
    pack, four_fifths = _eeoc("four-fifths")
    row = status_of(pack, four_fifths, [finding_by("bias.impact_ratio", ("sex",), Status.FAIL)])
    assert row.status == "not met" and "bias.impact_ratio: 1 finding(s) fail" in row.reason


# -- the rule vocabulary in the pack schema ---------------------------------------------------------
_PACK = '''
name = "x"
title = "t"
source = "s"
version = "1"
effective_date = 2024-01-01
[features.sex]
label = "sex"
columns = ["sex"]
[[requirements]]
id = "x/1"
summary = "s."
reference = "r"
checks = ["bias.group_metrics"]
'''


@pytest.mark.parametrize("extra, match", [
    ('evidence."bias.impact_ratio" = { min_findings = 2 }', r"evidence rules for check\(s\) \['bias.impact_ratio'\]"),
    ('evidence."bias.group_metrics" = { features = ["race"] }', r"feature\(s\) \['race'\] not declared"),
    ('evidence."bias.group_metrics" = { intersection = ["sex"] }', "two or more distinct features"),
    ('evidence."bias.group_metrics" = { statuses = ["fail"] }', "statuses"),
    ('evidence."bias.group_metrics" = { min_findings = 0 }', "min_findings"),
    ('evidence."bias.group_metrics" = { feature = ["sex"] }', "feature"),
])
def test_a_bad_evidence_rule_is_a_clear_error(extra, match):
    with pytest.raises(SpecError, match=match):
        parse_pack(_PACK + extra, source="x.toml")


def test_a_feature_gives_its_column_parameter():
    pack = parse_pack(_PACK + 'evidence."bias.group_metrics" = { features = ["sex"] }')
    param = pack.parameters["sex_column"]
    assert param.type == "str" and not param.required and "sex" in param.description
    assert pack.feature_columns("sex", {"sex_column": "geschlecht"}) == ("sex", "geschlecht")


def test_the_pack_schema_documents_the_rules():
    defs = pack_json_schema()["$defs"]
    rule = defs["EvidenceRule"]
    assert set(rule["properties"]) == {"min_findings", "statuses", "keys", "features", "intersection",
                                       "intersection_with", "intersectional"}
    assert all(p.get("description") for p in rule["properties"].values())
    assert "counts when" in rule["description"] and "columns" in defs["FeatureConcept"]["properties"]


def test_the_docs_list_every_shipped_evidence_rule():
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "docs" / "profiles.md").read_text(encoding="utf-8")
    ruled = [r.id for name in list_packs() for r in load_pack(name).requirements if r.evidence]
    assert ruled and all(f"| `{req_id}` |" in text for req_id in ruled), ruled
