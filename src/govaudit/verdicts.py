"""From the auditors' findings to the findings a verdict rests on: fail closed, and judge them together.

Three rules, applied by the runner to every run:

- an auditor the audit asked for that could not run for want of an input is ``inconclusive``, not
  ``skipped``: a release gate asked to look at something it could not see must not pass;
- every significance-gated finding of the whole audit is judged together with Holm's correction
  (:func:`govaudit.metrics.judge_significance`), so the chance that a clean system fails any gate
  stays at the tests' level however many groups and features are compared;
- an ``inconclusive`` finding the spec accepts (``[[accepted_inconclusive]]``, with a written
  justification) carries the justification and no longer blocks the release.
"""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict, Field

from govaudit.core import Finding, Severity, Status
from govaudit.metrics import judge_significance

__all__ = ["AcceptedInconclusive", "accept_inconclusive", "fail_closed", "settle_findings"]


class AcceptedInconclusive(BaseModel):
    """``[[accepted_inconclusive]]``: a gate the spec accepts as undecided, and why (recorded with it).

    ``check`` names the check (``bias.impact_ratio``); ``feature`` and ``group``, when given, narrow
    it to findings about that sensitive feature (``evidence.feature``) or group.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    check: str = Field(pattern=r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")
    feature: str | None = None
    group: str | None = None
    justification: str = Field(min_length=20, description="Why the gate may stay undecided, in writing.")
    approved_by: str | None = None

    def covers(self, finding: Finding) -> bool:
        """Whether this acceptance applies to ``finding``."""
        return (finding.status is Status.INCONCLUSIVE and finding.check == self.check
                and (self.feature is None or finding.evidence.get("feature") == self.feature)
                and (self.group is None or self.group in finding.groups))


def fail_closed(findings: Sequence[Finding]) -> list[Finding]:
    """An asked-for auditor skipped for a missing input (``<name>.requirements``) becomes inconclusive."""
    out = []
    for f in findings:
        if f.status is Status.SKIPPED and f.check == f"{f.auditor}.requirements":
            f = f.model_copy(update={
                "status": Status.INCONCLUSIVE, "severity": Severity.MEDIUM,
                "message": f.message.rstrip(".") + ": the audit asked for it, so nothing it checks can be "
                           "claimed and the release is blocked until its input is given."})
        out.append(f)
    return out


def accept_inconclusive(findings: Sequence[Finding], accepted: Sequence[AcceptedInconclusive]) -> list[Finding]:
    """Attach each acceptance's justification to the inconclusive findings it covers."""
    out = []
    for f in findings:
        match = next((a for a in accepted if a.covers(f)), None)
        if match is not None:
            who = f" (approved by {match.approved_by})" if match.approved_by else ""
            f = f.model_copy(update={"accepted": match.justification + who})
        out.append(f)
    return out


def settle_findings(findings: Sequence[Finding], accepted: Sequence[AcceptedInconclusive] = ()) -> list[Finding]:
    """The three rules above, in order: the findings a record and its verdict are built from."""
    return accept_inconclusive(judge_significance(fail_closed(findings)), accepted)
