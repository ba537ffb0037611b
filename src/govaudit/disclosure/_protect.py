"""protect_findings: read every published table, suppress, rewrite the findings, summarise."""

from __future__ import annotations

from collections.abc import Sequence

from govaudit.core import Finding
from govaudit.disclosure import _amounts, _bias, _control, _multiclass, _oversight, _provenance, _ranking
from govaudit.disclosure._complement import link, protect_universe
from govaudit.disclosure._report import DisclosureReport, TableDisclosure
from govaudit.disclosure._tables import (COMPLEMENTARY, LINKED, PRIMARY, PUBLISHED, Cell, Table, add_remainders,
                                         split_label)

__all__ = ["DEFAULT_THRESHOLD", "METHOD", "protect_findings"]

#: the auditors' default ``suppress_below``
DEFAULT_THRESHOLD = 10
_ADAPTERS = (_bias, _oversight, _provenance, _control, _amounts, _ranking, _multiclass)
METHOD = (
    "threshold rule: every group with fewer than {threshold} people has its numerators (rates, intervals, "
    "events) withheld; complementary suppression: further groups are withheld, fewest people first and groups "
    "outside comparisons before compared ones, until no withheld numerator of a group under the threshold is a "
    "linear combination of published numbers (groups, margins of intersections, totals), as checked by exact "
    "rational elimination over every table of the record that counts the same people, and no computable sum "
    "of withheld numerators is 0 or all of its people; ratios, gaps, tests and bootstrap intervals that depend "
    "on a withheld group are withheld with it"
)


def protect_findings(findings: Sequence[Finding], *,
                     threshold: int = DEFAULT_THRESHOLD) -> tuple[list[Finding], DisclosureReport]:
    """Withhold every number that identifies a small group's outcomes, across all of a record's tables.

    Primary suppression withholds the numerators of groups with fewer than ``threshold`` people;
    complementary suppression withholds more groups until none of those numerators can be worked
    out by adding and subtracting published numbers (see :mod:`govaudit.disclosure` for the
    equations and why this suffices). Group sizes stay published, except sizes that count an
    outcome (refused cases, decided appeals) of a withheld group.

    Parameters
    ----------
    findings : sequence of Finding
        All findings of one audit run (tables of different auditors constrain each other).
    threshold : int, default 10
        Smallest group whose numbers may be published. 0 adds no primary suppression; rates an
        auditor already withheld stay withheld, and are still protected.

    Returns
    -------
    findings : list of Finding
        The same findings in the same order, with withheld values set to None (intervals to
        ``[None, None]``) and messages that quoted them reworded; statuses are unchanged.
    report : DisclosureReport
        What was withheld, table by table, and the method; for the record's ``disclosure_control``.

    Examples
    --------
    >>> from govaudit.disclosure import protect_findings
    >>> findings, report = protect_findings(bias_report.findings, threshold=10)  # doctest: +SKIP
    >>> report.secondary  # doctest: +SKIP
    1
    """
    if threshold < 0:
        raise ValueError(f"threshold must be 0 or more; got {threshold}")
    findings = list(findings)
    tables = [t for i, f in enumerate(findings) for adapter in _ADAPTERS for t in adapter.read(i, f, threshold)]
    _assign_parts(tables)
    add_remainders(tables, threshold)
    lost: list[tuple[Cell, str]] = []
    for universe in _universes(tables):
        members = [t for t in tables if t.universe == universe]
        parent = _oversight.LINKS.get(universe)
        if parent is not None:
            link([t for t in tables if t.universe == parent], members)
        alone, pinned = protect_universe(members)
        lost += [(c, "it is everybody counted, so it equals the total") for c in alone]
        lost += [(c, "a published total or margin of 0% or 100% gives its outcome") for c in pinned]
    by_key = {t.key: t for t in tables}
    out, withheld = [], []
    for i, finding in enumerate(findings):
        done = next((r for a in _ADAPTERS if (r := a.rewrite(i, finding, by_key, threshold)) is not None), None)
        out.append(finding if done is None else done[0])
        withheld += [] if done is None else done[1]
    report = DisclosureReport(method=METHOD.format(threshold=threshold), threshold=threshold,
                              tables=tuple(s for t in tables if (s := _summary(t)) is not None),
                              withheld=tuple(withheld),
                              unprotectable=tuple(f"{c.table.check} {c.table.feature} {c.label}: {why}"
                                                  for c, why in lost if c.table is not None))
    return out, report


def _assign_parts(tables: Sequence[Table]) -> None:
    """Each group's label per column; a table whose labels cannot be split is withheld whole."""
    known: dict[str, set[str]] = {}
    for t in tables:
        if len(t.columns) == 1:
            known.setdefault(t.columns[0], set()).update(c.label for c in t.cells)
    for t in tables:
        for c in t.cells:
            c.parts = split_label(c.label, t.columns, known)
        if any(c.parts is None for c in t.cells):
            for c in t.cells:  # cannot be tied to its margins, so nothing of it is published
                c.parts = None
                if c.state == PUBLISHED:
                    c.state = COMPLEMENTARY


def _universes(tables: Sequence[Table]) -> list[tuple[str, ...]]:
    """Every universe once, parents of links first."""
    seen = list(dict.fromkeys(t.universe for t in tables))
    first = [u for u in _oversight.UNIVERSE_ORDER if u in seen]
    return first + [u for u in seen if u not in first]


def _summary(table: Table) -> TableDisclosure | None:
    if table.shadow:  # its withheld cells are those of the table it shadows
        return None
    listed = [c for c in table.cells if c.listed]
    hidden = [c for c in table.cells if c.unknown]
    if not hidden:
        return None
    primary = sum(c.listed and c.state == PRIMARY for c in hidden)
    secondary = sum(c.state in (COMPLEMENTARY, LINKED) for c in hidden)
    unpublished = len(hidden) - primary - secondary
    return TableDisclosure(check=table.check, feature=table.feature, measure=table.measure, cells=len(listed),
                           primary=primary, secondary=secondary, unpublished=unpublished,
                           counts_withheld=sum(c.withheld for c in listed) if table.counts_sensitive else 0)
