"""JUnit XML rendering, so a CI pipeline's test view lists every check.

Mapping (one ``<testsuite>`` per auditor, one ``<testcase>`` per finding):

======== =====================================================================
status   JUnit
======== =====================================================================
pass     a passing test case
warn     a passing test case with ``<properties>`` status=warn and a
         ``<system-out>WARN: ...</system-out>``
fail     ``<failure message=... type=<check>>`` with value, operator, threshold
error    ``<error message=... type=<check>>``
skipped  ``<skipped message=...>``
======== =====================================================================
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable

from govaudit.core import Finding, Status
from govaudit.records._record import AuditRecord
from govaudit.report._json import ensure_record

__all__ = ["render_junit", "suite_name", "testcase_name"]

# Characters XML 1.0 does not allow at all; ElementTree would write them and produce a broken file.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(text: str) -> str:
    return _XML_INVALID.sub("\ufffd", text)


def suite_name(auditor: str) -> str:
    """Name of the JUnit test suite (and test-case class) for ``auditor``."""
    return f"govaudit.{auditor}"


def testcase_name(finding: Finding) -> str:
    """``check[group, group]``; ``check[feature]`` for a whole feature; else just ``check``.

    Test names must be unique within a suite for CI test views to keep them apart.
    """
    if finding.groups:
        return f"{finding.check}[{', '.join(finding.groups)}]"
    feature = finding.evidence.get("feature")
    if isinstance(feature, str) and feature:
        return f"{finding.check}[{feature}]"
    return finding.check


def _number(value: float | None) -> str:
    return "undefined" if value is None else repr(value)


def _details(finding: Finding, *, message: bool = True) -> str:
    lines = [finding.message] if message else []
    lines.append(f"value: {_number(finding.value)}")
    if finding.threshold is not None or finding.operator is not None:
        op = f"{finding.operator} " if finding.operator else ""
        lines.append(f"threshold: {op}{_number(finding.threshold)}")
    lines.append(f"severity: {finding.severity.value}")
    if finding.groups:
        lines.append(f"groups: {', '.join(finding.groups)}")
    if finding.references:
        lines.append(f"references: {'; '.join(finding.references)}")
    return "\n".join(lines)


def _properties(parent: ET.Element, items: Iterable[tuple[str, str]]) -> ET.Element:
    props = ET.SubElement(parent, "properties")
    for name, value in items:
        ET.SubElement(props, "property", {"name": name, "value": _clean(value)})
    return props


def _blocks(finding: Finding, strict: bool) -> bool:
    """Whether the finding blocks the release, as the gate decides (``--strict`` blocks warnings too)."""
    return finding.blocking or (strict and finding.status is Status.WARN)


def _testcase(suite: ET.Element, finding: Finding, strict: bool) -> None:
    case = ET.SubElement(
        suite,
        "testcase",
        {
            "classname": suite_name(finding.auditor),
            "name": _clean(testcase_name(finding)),
            "time": "0",
        },
    )
    message = _clean(finding.message)
    if finding.status in (Status.WARN, Status.INCONCLUSIVE, Status.REPORTED):
        _properties(case, [("status", finding.status.value)]
                    + ([("accepted", finding.accepted)] if finding.accepted else []))
    if finding.status is Status.ERROR:
        error = ET.SubElement(case, "error", {"message": message, "type": finding.check})
        error.text = _clean(_details(finding))
    elif _blocks(finding, strict):
        failure = ET.SubElement(case, "failure", {"message": message, "type": finding.check})
        failure.text = _clean(_details(finding))
    elif finding.status is Status.SKIPPED:
        ET.SubElement(case, "skipped", {"message": message})
    elif finding.status in (Status.WARN, Status.INCONCLUSIVE, Status.REPORTED):
        out = ET.SubElement(case, "system-out")
        out.text = _clean(f"{finding.status.value.upper()}: {finding.message}\n{_details(finding, message=False)}")


def _counts(findings: Iterable[Finding], strict: bool) -> dict[str, int]:
    findings = list(findings)
    return {
        "tests": len(findings),
        "failures": sum(1 for f in findings if f.status is not Status.ERROR and _blocks(f, strict)),
        "errors": sum(1 for f in findings if f.status is Status.ERROR),
        "skipped": sum(1 for f in findings if f.status is Status.SKIPPED),
    }


def _auditor_order(record: AuditRecord) -> list[str]:
    names = [a.name for a in record.auditors]
    for f in record.findings:
        if f.auditor not in names:
            names.append(f.auditor)
    return list(dict.fromkeys(names))


def render_junit(record: AuditRecord, *, strict: bool = False) -> str:
    """The record as JUnit XML (UTF-8 text with an XML declaration).

    Parameters
    ----------
    record : AuditRecord
        The record to render.
    strict : bool, default False
        As ``govaudit run --strict``: warnings block the release, so they are failures here too.

    Returns
    -------
    str
        ``<testsuites>`` holding one ``<testsuite name="govaudit.<auditor>">`` per auditor (in the
        order the record lists them) and one ``<testcase>`` per finding. Each suite carries the
        record id, verdict and audit name as ``<properties>``.

    Raises
    ------
    TypeError
        If ``record`` is not an :class:`AuditRecord`.
    """
    record = ensure_record(record)
    versions = {a.name: a.version for a in record.auditors}
    timestamp = record.created_at.isoformat()

    total = _counts(record.findings, strict)
    root = ET.Element(
        "testsuites",
        {
            "name": _clean(f"govaudit: {record.audit_name}"),
            **{k: str(v) for k, v in total.items()},
            "time": "0",
        },
    )
    for auditor in _auditor_order(record):
        findings = record.findings_for(auditor)
        suite = ET.SubElement(
            root,
            "testsuite",
            {
                "name": suite_name(auditor),
                **{k: str(v) for k, v in _counts(findings, strict).items()},
                "time": "0",
                "timestamp": timestamp,
            },
        )
        props = [
            ("record_id", record.record_id),
            ("verdict", record.verdict.value),
            ("audit_name", record.audit_name),
            ("govaudit_version", record.govaudit_version),
        ]
        if auditor in versions:
            props.append(("auditor_version", versions[auditor]))
        _properties(suite, props)
        for finding in findings:
            _testcase(suite, finding, strict)

    ET.indent(root, space="  ")
    body = ET.tostring(root, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{body}\n'
