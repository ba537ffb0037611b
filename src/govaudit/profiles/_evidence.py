"""Judge one check a requirement names: its findings against the evidence rule the pack gives it.

A finding is *live* unless it was skipped. A ``fail`` or ``error`` finding makes the requirement not
met. An ``inconclusive`` finding the spec did not accept means the check could not be judged (no
evidence); one the spec accepted counts and is named in the reason, like a warning. A live finding
*counts* when its status is among the rule's ``statuses`` and its evidence states the rule's
``keys``. The rule then asks for ``min_findings`` counted findings, one by each named feature alone,
and the intersections it names; whatever is missing is said in words, with the features the run did
audit.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import permutations
from typing import Any

from govaudit.core import Finding, Status
from govaudit.profiles._matrix import EvidenceItem
from govaudit.profiles._pack import EvidenceRule, Pack, column_parameter

__all__ = ["Features", "Tally", "breakdown", "judge_check"]

Columns = tuple[str, ...]


def _short(text: str, limit: int = 160) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _words(items: Sequence[str], last: str = "and") -> str:
    items = list(items)
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} {last} {items[-1]}"


@dataclass
class Tally:
    """What the judge finds for one requirement: evidence, and what makes it not met, unproven or qualified."""

    evidence: list[EvidenceItem] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # not met
    gaps: list[str] = field(default_factory=list)  # no evidence
    warnings: list[str] = field(default_factory=list)  # met, said in the reason
    accepted: list[str] = field(default_factory=list)  # met, said in the reason


@dataclass(frozen=True)
class Features:
    """A pack's sensitive features, with the columns the spec's parameters map to them."""

    pack: Pack
    parameters: dict[str, Any]

    def accepts(self, name: str, column: str) -> bool:
        """Whether ``column`` carries feature ``name``."""
        return column.casefold() in {c.casefold() for c in self.pack.feature_columns(name, self.parameters)}

    def label(self, name: str) -> str:
        """How reasons name the feature."""
        return self.pack.features[name].label

    def hint(self, name: str) -> str:
        """Where a finding by the feature comes from."""
        return (f"a column named {_words(self.pack.features[name].columns, 'or')}, or the one set by "
                f"{column_parameter(name)} in [profile_parameters]")


def breakdown(f: Finding) -> Columns:
    """The columns a finding is about: one for a feature, several for an intersection, none otherwise."""
    columns = f.evidence.get("columns")
    if isinstance(columns, list) and columns and all(isinstance(c, str) for c in columns):
        return tuple(columns)
    feature = f.evidence.get("feature")
    return tuple(feature.split(" & ")) if isinstance(feature, str) and feature else ()


@dataclass(frozen=True)
class _Wanted:
    """One breakdown a rule asks for: words for the reason, a test of a finding's columns, a hint."""

    words: str
    test: Callable[[Columns], bool]
    hint: str | None = None
    crossed: bool = False


def _crosses(columns: Columns, names: Sequence[str], feats: Features) -> bool:
    """Whether ``columns`` are the intersection of exactly the features ``names``, one column each."""
    return len(columns) == len(names) and any(all(feats.accepts(n, c) for n, c in zip(names, order))
                                              for order in permutations(columns))


def _includes(columns: Columns, names: Sequence[str], feats: Features) -> bool:
    """Whether ``columns`` are an intersection that includes every feature in ``names``."""
    return len(columns) > 1 and all(any(feats.accepts(n, c) for c in columns) for n in names)


def _wanted(check: str, rule: EvidenceRule, feats: Features, live: Sequence[Finding]) -> list[_Wanted]:
    out = [_Wanted(f"by {feats.label(n)}", lambda c, n=n: len(c) == 1 and feats.accepts(n, c[0]), feats.hint(n))
           for n in rule.features]
    add = "add [auditors.bias] intersections" if check.startswith("bias.") else None
    if rule.intersection:
        names = rule.intersection
        alone = [next((c[0] for c in map(breakdown, live) if len(c) == 1 and feats.accepts(n, c[0])), None)
                 for n in names]
        exact = f"{add} = [[{', '.join(json.dumps(c) for c in alone)}]]" if add and all(alone) else add
        out.append(_Wanted(f"for the intersection of {_words([feats.label(n) for n in names])}",
                           lambda c, names=names: _crosses(c, names, feats), exact, crossed=True))
    if rule.intersection_with:
        names = rule.intersection_with
        out.append(_Wanted(f"for an intersection of {_words([feats.label(n) for n in names])} with another feature",
                           lambda c, names=names: _includes(c, names, feats), add, crossed=True))
    if rule.intersectional:
        out.append(_Wanted("for an intersection of two or more features", lambda c: len(c) > 1, add, crossed=True))
    return out


_UNJUDGED = "it could not be judged"


def _why_not(f: Finding, rule: EvidenceRule) -> str | None:
    """Why a live finding does not count as evidence (None: it counts)."""
    if f.status is Status.INCONCLUSIVE and f.accepted is None:
        return _UNJUDGED
    if f.status.value not in rule.statuses:
        return f"its status is {f.status.value}, and only {_words(rule.statuses, 'or')} count here"
    missing = [k for k in rule.keys if f.evidence.get(k) is None]
    return f"it does not state {_words(missing)}" if missing else None


def _audited(live: Sequence[Finding], crossed: bool) -> str:
    columns = list(dict.fromkeys(map(breakdown, live)))
    alone = [c[0] for c in columns if len(c) == 1]
    joined = [" & ".join(c) for c in columns if len(c) > 1]
    parts = [(f"the audited feature{'s are' if len(alone) > 1 else ' is'} {', '.join(alone)}" if alone
              else "no feature was audited alone")]
    if joined:
        parts.append(f"the audited intersection{'s are' if len(joined) > 1 else ' is'} {', '.join(joined)}")
    elif crossed:
        parts.append("no intersection was audited")
    return "; ".join(parts)


def _rule_gaps(check: str, rule: EvidenceRule, feats: Features, live: Sequence[Finding]) -> list[str]:
    counted = [f for f in live if _why_not(f, rule) is None]
    reasons = [why for why in (_why_not(f, rule) for f in live) if why and why != _UNJUDGED]  # unjudged: said already
    gaps = []
    if not counted and reasons:
        gaps.append(f"no {check} finding counts as evidence: {reasons[0]}")
    elif counted and len(counted) < rule.min_findings:
        gaps.append(f"{len(counted)} {check} finding(s) count as evidence; at least {rule.min_findings} are needed")
    missing: list[_Wanted] = []
    for want in _wanted(check, rule, feats, live):
        if any(want.test(breakdown(f)) for f in counted):
            continue
        given = [_why_not(f, rule) for f in live if want.test(breakdown(f))]
        if not given:
            missing.append(want)
        elif counted and _UNJUDGED not in given:
            gaps.append(f"the {check} finding {want.words} does not count as evidence: {given[0]}")
    if missing:
        said = " or ".join(w.words + (f" ({w.hint})" if w.hint else "") for w in missing)
        gaps.append(f"no {check} finding {said}; {_audited(live, any(w.crossed for w in missing))}")
    return gaps


def judge_check(check: str, rule: EvidenceRule, findings: Sequence[Finding], feats: Features,
                auditors_run: frozenset[str] | None, tally: Tally) -> None:
    """Add what one named check's findings show to ``tally``."""
    hits = [(i, f) for i, f in enumerate(findings) if f.check == check]
    for i, f in hits:
        detail = _short(f.message) + (f" (accepted: {_short(f.accepted, 80)})" if f.accepted else "")
        tally.evidence.append(EvidenceItem(kind="check", name=check, status=f.status.value, detail=detail,
                                           finding_index=i))
    live = [f for _, f in hits if f.status is not Status.SKIPPED]
    if not live:
        auditor = check.split(".", 1)[0]
        if auditors_run is not None and auditor not in auditors_run:
            tally.gaps.append(f"the {auditor} auditor did not run ({check})")
        elif hits:
            tally.gaps.append(f"{check} was skipped: {_short(hits[0][1].message, 100)}")
        else:
            tally.gaps.append(f"no {check} finding (its gate or input is not configured)")
        return
    bad = [f for f in live if f.status in (Status.FAIL, Status.ERROR)]
    if bad:
        tally.problems.append(f"{check}: {len(bad)} finding(s) {'/'.join(sorted({f.status.value for f in bad}))}")
    unjudged = [f for f in live if f.status is Status.INCONCLUSIVE and f.accepted is None]
    if unjudged:
        tally.gaps.append(f"{check} could not be judged: {len(unjudged)} inconclusive finding(s) not accepted in "
                          f"the spec ({_short(unjudged[0].message, 100)})")
    accepted = [f for f in live if f.status is Status.INCONCLUSIVE and f.accepted is not None]
    if accepted:
        tally.accepted.append(f"{check}: {len(accepted)} accepted ({_short(accepted[0].accepted or '', 80)})")
    warned = [f for f in live if f.status is Status.WARN]
    if warned:
        tally.warnings.append(f"{check}: {len(warned)} warning(s)")
    tally.gaps.extend(_rule_gaps(check, rule, feats, live))
