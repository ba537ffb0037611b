"""Keep an audit's false alarms rare: Holm's correction across every significance-gated test.

An audit runs many tests (every group against the reference, on every feature and intersection, and
every override and appeal comparison). Tested one by one at 5 %, a clean system fails one of them by
chance in most runs. A gate whose failure needs statistical evidence therefore records its test in a
``significance`` block of its evidence; :func:`judge_significance` adjusts the p-values of all such
blocks together with Holm's step-down method (which bounds the probability of any false alarm across
the family at the test level, whatever the dependence between the tests) and sets each finding's
status from the adjusted evidence:

- the measured value meets the gate: ``pass``;
- it misses the gate and the adjusted test is significant: ``fail``;
- it misses the gate but the adjusted test is not significant: ``inconclusive`` (the gap may be
  chance; it blocks a release until more evidence is gathered or the spec accepts it).

Each auditor applies it to its own findings, so that it is right when used alone; the runner applies
it again to every finding of the audit, so that the family is the whole audit. Judging depends only on
the block (raw p-value, level, the claim), so applying it twice gives the same result.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from govaudit.core import Finding, Severity, Status

__all__ = ["METHOD", "gate_status", "holm_adjusted", "judge_significance", "significance_block"]

METHOD = "holm"
_KEY = "significance"


def holm_adjusted(p_values: Sequence[float]) -> np.ndarray:
    """Holm's step-down adjusted p-values (monotone, capped at 1; NaN stays NaN and is not counted).

    Examples
    --------
    >>> holm_adjusted([0.01, 0.04, 0.03]).round(2).tolist()
    [0.03, 0.06, 0.06]
    """
    p = np.asarray(p_values, dtype=float)
    out = np.full(p.shape, np.nan)
    finite = np.flatnonzero(~np.isnan(p))
    m = finite.size
    if m == 0:
        return out
    order = finite[np.argsort(p[finite], kind="stable")]
    scaled = p[order] * (m - np.arange(m))
    out[order] = np.minimum(np.maximum.accumulate(scaled), 1.0)
    return out


def significance_block(*, claim: str, p_value: float, level: float, beyond_limit: bool) -> dict[str, Any]:
    """The evidence a significance-gated finding carries for :func:`judge_significance`.

    Parameters
    ----------
    claim : str
        What was measured and how it compares with the gate, as the start of the finding's message
        (no final full stop), e.g. ``"... 0.74 times that of 'b' (0.55); this misses the gate >= 0.8"``.
    p_value : float
        Raw two-sided p-value of the test behind the gate (NaN when the test is undefined).
    level : float
        Level of the test.
    beyond_limit : bool
        Whether the measured value misses the gate.
    """
    return {"claim": claim, "p_value": p_value, "level": level, "beyond_limit": bool(beyond_limit)}


def gate_status(evidence: dict[str, Any], *, passes: bool, claim: str, p_value: float,
                require_significance: bool, level: float) -> Status:
    """The status of a gate finding before the audit-wide correction; adds its significance block.

    Parameters
    ----------
    evidence : dict
        The finding's evidence; with ``require_significance`` it gains the block that
        :func:`judge_significance` reads.
    passes : bool
        Whether the measured value meets the gate.
    claim, p_value, level
        As for :func:`significance_block`.
    require_significance : bool
        Whether a missed gate fails only when its test is significant after Holm's correction.

    Returns
    -------
    Status
        ``pass`` when the gate is met; otherwise ``inconclusive`` to be settled by
        :func:`judge_significance` when significance is required, else ``fail``.
    """
    if not require_significance:
        return Status.PASS if passes else Status.FAIL
    evidence["significance"] = significance_block(claim=claim, p_value=p_value, level=level, beyond_limit=not passes)
    return Status.PASS if passes else Status.INCONCLUSIVE


def _p(value: float) -> str:
    return "p < 0.001" if value < 0.001 else f"p = {value:.3f}"


def _judged(finding: Finding, adjusted: float, family: int) -> Finding:
    block = dict(finding.evidence[_KEY])
    raw = float("nan") if block["p_value"] is None else block["p_value"]  # evidence writes NaN as null
    significant = bool(adjusted == adjusted and adjusted <= block["level"])
    if raw == raw:
        tested = (f"after Holm's correction for the audit's {family} significance-gated test(s) "
                  f"({_p(raw)}, adjusted {_p(adjusted)})")
    else:
        tested = "(the test is undefined for these groups)"
    if not block["beyond_limit"]:
        status = Status.PASS
        sentence = f"; the gap is {'' if significant else 'not '}statistically significant {tested}."
    elif significant:
        status = Status.FAIL
        sentence = f", and the gap is statistically significant {tested}."
    else:
        status = Status.INCONCLUSIVE
        sentence = (f", but the gap is not statistically significant {tested}, so the gate cannot be judged "
                    "on this evidence.")
    block.update(p_adjusted=adjusted if adjusted == adjusted else None, significant=significant,
                 correction=METHOD, family_size=family)
    severity = Severity.HIGH if status is Status.FAIL else (Severity.MEDIUM if block["beyond_limit"] else finding.severity)
    return finding.model_copy(update={"status": status, "severity": severity, "message": block["claim"] + sentence,
                                      "evidence": {**finding.evidence, _KEY: block}})


def judge_significance(findings: Sequence[Finding]) -> list[Finding]:
    """Set the status of every significance-gated finding from Holm-adjusted p-values over all of them.

    Findings without a ``significance`` block are returned unchanged, as are skipped and errored ones.
    """
    findings = list(findings)
    family = [i for i, f in enumerate(findings)
              if isinstance(f.evidence.get(_KEY), dict) and f.status not in (Status.SKIPPED, Status.ERROR)]
    if not family:
        return findings
    raw = [findings[i].evidence[_KEY]["p_value"] for i in family]
    adjusted = holm_adjusted([np.nan if p is None else p for p in raw])
    size = int(np.sum(~np.isnan(adjusted)))
    for i, adj in zip(family, adjusted):
        findings[i] = _judged(findings[i], float(adj), size)
    return findings
