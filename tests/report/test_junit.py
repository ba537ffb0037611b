import xml.etree.ElementTree as ET

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govaudit.core import Finding, Status
from govaudit.records import AuditorInfo
from govaudit.report import render_junit

from _factories import RECORD_ID, make_record

# Attributes and children the common JUnit XML schema (Jenkins / Ant, as read by GitLab, GitHub
# and Azure test reporters) allows; ``properties`` inside ``testcase`` is the widely read pytest
# extension.
_ALLOWED = {
    "testsuites": ({"name", "time", "tests", "failures", "errors", "skipped", "disabled"}, {"testsuite"}),
    "testsuite": (
        {"name", "tests", "failures", "errors", "skipped", "disabled", "time", "timestamp", "hostname", "id", "package"},
        {"properties", "testcase", "system-out", "system-err"},
    ),
    "properties": (set(), {"property"}),
    "property": ({"name", "value"}, set()),
    "testcase": (
        {"name", "classname", "time", "assertions", "status"},
        {"properties", "skipped", "error", "failure", "system-out", "system-err"},
    ),
    "failure": ({"message", "type"}, set()),
    "error": ({"message", "type"}, set()),
    "skipped": ({"message"}, set()),
    "system-out": (set(), set()),
    "system-err": (set(), set()),
}
_REQUIRED = {
    "testsuite": {"name", "tests"},
    "testcase": {"name", "classname"},
    "property": {"name", "value"},
}
_INTEGER_ATTRS = {"tests", "failures", "errors", "skipped", "disabled"}


def _parse(record):
    return ET.fromstring(render_junit(record).encode("utf-8"))


def _assert_conforms(element):
    attrs, children = _ALLOWED[element.tag]
    assert set(element.attrib) <= attrs, (element.tag, element.attrib)
    assert _REQUIRED.get(element.tag, set()) <= set(element.attrib), element.tag
    for name in _INTEGER_ATTRS & set(element.attrib):
        assert int(element.attrib[name]) >= 0
    if "time" in element.attrib:
        assert float(element.attrib["time"]) >= 0
    for child in element:
        assert child.tag in children, (element.tag, child.tag)
        _assert_conforms(child)


def _suites(root):
    return {s.get("name"): s for s in root.findall("testsuite")}


def _cases(root):
    return {c.get("name"): c for c in root.iter("testcase")}


def _props(element):
    return {p.get("name"): p.get("value") for p in element.findall("properties/property")}


def test_document_starts_with_an_xml_declaration():
    text = render_junit(make_record())
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>')


def test_structure_matches_the_common_junit_schema():
    root = _parse(make_record())
    assert root.tag == "testsuites"
    _assert_conforms(root)


def test_one_suite_per_auditor_in_record_order():
    root = _parse(make_record())
    assert [s.get("name") for s in root.findall("testsuite")] == [
        "govaudit.bias", "govaudit.provenance", "govaudit.oversight",
    ]


def test_totals_on_root():
    root = _parse(make_record())
    assert root.attrib["tests"] == "6"
    assert root.attrib["failures"] == "1"
    assert root.attrib["errors"] == "1"
    assert root.attrib["skipped"] == "1"
    assert "Benefits eligibility screening" in root.attrib["name"]


@pytest.mark.parametrize(
    ("suite", "expected"),
    [
        ("govaudit.bias", {"tests": 3, "failures": 1, "errors": 0, "skipped": 0}),
        ("govaudit.provenance", {"tests": 2, "failures": 0, "errors": 0, "skipped": 1}),
        ("govaudit.oversight", {"tests": 1, "failures": 0, "errors": 1, "skipped": 0}),
    ],
)
def test_suite_counts(suite, expected):
    element = _suites(_parse(make_record()))[suite]
    assert {k: int(element.attrib[k]) for k in expected} == expected
    cases = element.findall("testcase")
    assert len(cases) == expected["tests"]
    assert sum(len(c.findall("failure")) for c in cases) == expected["failures"]
    assert sum(len(c.findall("error")) for c in cases) == expected["errors"]
    assert sum(len(c.findall("skipped")) for c in cases) == expected["skipped"]


def test_suites_carry_record_id_and_verdict():
    for suite in _parse(make_record()).findall("testsuite"):
        props = _props(suite)
        assert props["record_id"] == RECORD_ID
        assert props["verdict"] == "error"
        assert props["audit_name"] == "Benefits eligibility screening"
        assert suite.get("timestamp", "").startswith("2025-03-14T09:26:53")


def test_testcase_names_and_classnames():
    cases = _cases(_parse(make_record()))
    assert set(cases) == {
        "bias.group_metrics[channel]",
        "bias.impact_ratio[paper]",
        "bias.tpr_difference[paper, online]",
        "provenance.hash_matches",
        "provenance.freshness",
        "oversight.review_coverage",
    }
    assert cases["bias.impact_ratio[paper]"].get("classname") == "govaudit.bias"
    assert cases["oversight.review_coverage"].get("classname") == "govaudit.oversight"


def test_fail_becomes_failure_with_value_threshold_and_operator():
    case = _cases(_parse(make_record()))["bias.impact_ratio[paper]"]
    failure = case.find("failure")
    assert failure is not None
    assert failure.get("type") == "bias.impact_ratio"
    assert failure.get("message").startswith("Paper applicants are approved at 62%")
    assert "value: 0.62" in failure.text
    assert "threshold: >= 0.8" in failure.text
    assert "NYC LL144 §5-301" in failure.text


def test_error_becomes_error():
    case = _cases(_parse(make_record()))["oversight.review_coverage"]
    error = case.find("error")
    assert error is not None and error.get("type") == "oversight.review_coverage"
    assert "column 'reviewed' is missing" in error.get("message")
    assert case.find("failure") is None


def test_skipped_becomes_skipped_with_message():
    case = _cases(_parse(make_record()))["provenance.freshness"]
    assert case.find("skipped").get("message").startswith("No collection period")


def test_warn_passes_with_status_property_and_system_out():
    case = _cases(_parse(make_record()))["bias.tpr_difference[paper, online]"]
    assert case.find("failure") is None and case.find("error") is None and case.find("skipped") is None
    assert _props(case) == {"status": "warn"}
    out = case.find("system-out").text
    assert out.startswith("WARN: Eligible paper applicants")
    assert out.count("Eligible paper applicants") == 1


def test_pass_is_an_empty_testcase():
    case = _cases(_parse(make_record()))["provenance.hash_matches"]
    assert list(case) == []


def test_auditor_without_findings_gets_an_empty_suite():
    record = make_record(findings=[], auditors=(AuditorInfo(name="bias", version="1", package="govaudit"),))
    root = _parse(record)
    assert root.attrib["tests"] == "0"
    assert _suites(root)["govaudit.bias"].attrib["tests"] == "0"
    _assert_conforms(root)


def test_auditor_missing_from_record_auditors_still_gets_a_suite():
    finding = Finding(auditor="third_party", check="third_party.check", status=Status.PASS, message="ok")
    root = _parse(make_record(findings=[finding], auditors=()))
    assert list(_suites(root)) == ["govaudit.third_party"]


def test_special_characters_are_escaped_and_control_characters_removed():
    finding = Finding(
        auditor="bias", check="bias.x", status=Status.FAIL, groups=('<65 & "rural">',),
        message="Rates differ <a lot> & more\x00\x1b.",
    )
    text = render_junit(make_record(findings=[finding]))
    root = ET.fromstring(text.encode("utf-8"))
    case = root.find("testsuite/testcase")
    assert case.get("name") == 'bias.x[<65 & "rural">]'
    assert case.find("failure").get("message").startswith("Rates differ <a lot> & more")
    assert "\x00" not in text and "\x1b" not in text


def test_render_junit_refuses_other_objects():
    with pytest.raises(TypeError, match="AuditRecord"):
        render_junit({"findings": []})


_STATUSES = st.sampled_from(list(Status))
_AUDITORS = st.sampled_from(["bias", "provenance", "oversight"])


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(_AUDITORS, _STATUSES), max_size=25))
def test_counts_match_findings_for_any_mix(pairs):
    findings = [
        Finding(auditor=a, check=f"{a}.check_{i}", status=s, message=f"finding {i}") for i, (a, s) in enumerate(pairs)
    ]
    root = _parse(make_record(findings=findings))
    _assert_conforms(root)
    statuses = [s for _, s in pairs]
    assert int(root.attrib["tests"]) == len(pairs)
    blocking = (Status.FAIL, Status.INCONCLUSIVE)  # an unaccepted inconclusive gate blocks like a failure
    assert int(root.attrib["failures"]) == sum(statuses.count(s) for s in blocking)
    assert int(root.attrib["errors"]) == statuses.count(Status.ERROR)
    assert int(root.attrib["skipped"]) == statuses.count(Status.SKIPPED)
    for suite in root.findall("testsuite"):
        auditor = suite.get("name").removeprefix("govaudit.")
        mine = [s for a, s in pairs if a == auditor]
        assert int(suite.get("tests")) == len(mine) == len(suite.findall("testcase"))
        assert int(suite.get("failures")) == sum(mine.count(s) for s in blocking)
        assert int(suite.get("errors")) == mine.count(Status.ERROR)
        assert int(suite.get("skipped")) == mine.count(Status.SKIPPED)


def test_strict_shows_warnings_as_failures_and_reported_as_passed():
    findings = [Finding(auditor="bias", check="bias.small_groups", status=Status.WARN, message="small group 'x'"),
                Finding(auditor="bias", check="bias.group_metrics", status=Status.REPORTED, message="rates"),
                Finding(auditor="bias", check="bias.impact_ratio", status=Status.INCONCLUSIVE, message="undecided",
                        accepted="too few applicants this quarter; re-audited in Q3")]
    record = make_record(findings=findings)
    lenient, strict = (ET.fromstring(render_junit(record, strict=s).encode("utf-8")) for s in (False, True))
    assert lenient.attrib["failures"] == "0"  # the accepted inconclusive gate does not block
    assert strict.attrib["failures"] == "1"
    failed = [c.get("name") for c in strict.iter("testcase") if c.find("failure") is not None]
    assert len(failed) == 1 and "small_groups" in failed[0]
    reported = [c for c in lenient.iter("testcase") if "group_metrics" in c.get("name")][0]
    assert reported.find("failure") is None and reported.find("skipped") is None
    assert {p.get("name"): p.get("value") for p in reported.iter("property")}["status"] == "reported"
