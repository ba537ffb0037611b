"""The AIA level check names where the level in force comes from, and the report knows its "mismatch" status."""

from __future__ import annotations

from _profile_build import AS_OF, full_documentation, passing_findings

from govaudit.profiles import check_documentation, coverage_matrix, load_pack
from govaudit.profiles._aia_level import DECLARED, LEVEL
from govaudit.report._coverage_view import _PROBLEMS
from govaudit.report._i18n import load_catalogue


def _impact_row(params: dict) -> object:
    pack = load_pack("canada-adm")
    values, bad = check_documentation(full_documentation(4))
    matrix = coverage_matrix([pack], passing_findings(pack), parameters=params, documentation=values,
                             documentation_invalid=bad, as_of=AS_OF, run_date=AS_OF,
                             auditors_run=("bias", "explainability", "oversight", "provenance", "deployment"))
    return next(r for r in matrix.profiles[0].requirements if r.id == "canada-adm/6.1/impact-assessment")


def test_level_computed_from_the_aia_answers_is_not_called_declared():
    # the spec declared 3; the AIA answers gave 2 (in force); the documented scores give 4
    row = _impact_row({LEVEL: 2, DECLARED: 3})
    assert row.status == "not met"
    assert "above the level the AIA answers give 2" in row.reason
    assert "above the declared level" not in row.reason
    assert "the spec declares impact level 3" in row.reason
    assert any(e.status == "mismatch" for e in row.evidence)


def test_mismatch_is_a_problem_worded_in_both_languages():
    assert "mismatch" in _PROBLEMS
    assert load_catalogue("en")("coverage.evidence_status.mismatch") == "mismatch"
    assert load_catalogue("zh")("coverage.evidence_status.mismatch") == "不一致"
