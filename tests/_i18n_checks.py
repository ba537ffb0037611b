"""What the tests of the auditors' Chinese wordings (``tests/report/test_i18n_*.py``) share.

The catalogue, a finding worded in Chinese (never left in the auditor's English), the coverage of an
auditor's checks, and the expected texts of the sentences every auditor shares, formatted here from a
finding's own evidence (never by the wording under test): a p-value, and the audit-wide Holm
correction's test (``message.holm.tested`` in ``locales/zh.toml``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from govaudit.core import Finding, Status
from govaudit.report._i18n import load_catalogue, localise_message

ZH = load_catalogue("zh")
#: The outcomes of a gate judged on its evidence.
JUDGED = (Status.PASS, Status.FAIL, Status.INCONCLUSIVE)


def zh(finding: Finding) -> str:
    """The finding's Chinese message; fails if it is shown in the auditor's own words."""
    text, original = localise_message(finding, ZH)
    assert not original, (finding.check, finding.status, finding.message)
    return text


def p_text(value: float) -> str:
    """A p-value as the auditors write it: ``p < 0.001`` or ``p = 0.012``."""
    return "p < 0.001" if value < 0.001 else f"p = {value:.3f}"


def holm(block: Mapping[str, Any]) -> str:
    """The Holm-corrected test of a judged ``significance`` block, as the Chinese sentence quotes it."""
    return (f"经 Holm 校正（本次审计中以显著性判定门槛的检验共 {block['family_size']} 项；{p_text(block['p_value'])}，"
            f"校正后 {p_text(block['p_adjusted'])}）")


def assert_covered(findings: Iterable[Finding], checks: Iterable[str], gates: Iterable[str],
                   also: Iterable[tuple[str, Status]] = ()) -> set[tuple[str, Status]]:
    """Every check of the auditor appears (and no other), each gate passed, failed and inconclusive, and ``also``.

    Returns the (check, status) pairs seen.
    """
    seen = {(f.check, f.status) for f in findings}
    assert {c for c, _ in seen} == set(checks)
    for gate in gates:
        assert {(gate, s) for s in JUDGED} <= seen, gate
    assert set(also) <= seen, sorted(set(also) - seen)
    return seen
