"""The bias auditor's published tables: group metrics, scoring rates, small groups, ratios, disparities.

``bias.group_metrics`` and ``bias.scoring_rates`` hold the tables (one row per group, with the
count always shown); the other findings quote numbers of the same groups, so they are rewritten
from the same cells. The score findings (``bias.score_calibration``, ``bias.score_discrimination``,
``bias.fairness_tradeoff``) publish the same people's observed outcomes per group (``label_pos``,
observed rates, prevalence, confusion rates): each withholds exactly the groups the grouping's
tables withhold, so the record-wide complementary suppression covers them too.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from govaudit.core import Finding
from govaudit.disclosure._edit import (WHY, blank_row, cell_note, copy_evidence, judged_block, numerator, outcome,
                                      read_state, rewritten, withhold_ci)
from govaudit.disclosure._tables import COMPLEMENTARY, PUBLISHED, Cell, Table

__all__ = ["read", "rewrite"]

#: rows whose rates enter ratios, disparities and tests (the others are excluded or warned about)
_COMPARED = frozenset({"pass", "fail", "reference", "inconclusive"})
_TABLES = {"bias.group_metrics": ("selection", "selection_rate"), "bias.scoring_rates": ("scoring", "scoring_rate")}
_RATIOS = {"bias.impact_ratio": "selection", "bias.scoring_impact_ratio": "scoring"}
_DISPARITIES = frozenset({"bias.demographic_parity_difference", "bias.demographic_parity_ratio",
                          "bias.equalized_odds_difference", "bias.equalized_odds_ratio",
                          "bias.equal_opportunity_difference"})
_KEEP = ("group", "count", "share", "status", "note")
#: decisions (and observed outcomes) of the evaluation rows; their scores form another universe
UNIVERSES = {"selection": ("data", "outcomes"), "scoring": ("data", "scores")}
#: confusion cells a group table publishes besides its rates: each adds up over groups to a total,
#: like the number selected, so each is protected as a numerator of its own universe
_CONFUSION = ("tp", "fp", "fn", "tn")
_CONTRAST = ("_ratio", "_difference")
#: findings that list the groups of a grouping with their observed outcomes, read from the scores
_SCORE_TABLES = frozenset({"bias.score_calibration", "bias.score_discrimination", "bias.fairness_tradeoff"})
#: score gates: ``evidence["groups"]`` names the groups their value is measured on
_SCORE_GATES = frozenset({"bias.score_ece", "bias.score_auc_difference", "bias.score_ks",
                          "bias.score_calibration_in_the_large_difference"})
#: what the range of a rewritten score table's message quotes
_SPANS = {"bias.score_calibration": {"ece": "expected calibration error",
                                     "calibration_in_the_large": "calibration-in-the-large"},
          "bias.score_discrimination": {"auc": "AUC"},
          "bias.fairness_tradeoff": {"prevalence": "share with the observed outcome", "fpr": "false positive rate",
                                     "fnr": "false negative rate", "precision": "precision",
                                     "npv": "negative predictive value"}}
_SCORE_KEEP = _KEEP + ("compared",)


def _is_contrast(key: str) -> bool:
    """A row's ratio to or difference from the reference group (or its interval)."""
    return key.removesuffix("_ci").endswith(_CONTRAST)


def read(index: int, finding: Finding, threshold: int) -> list[Table]:
    """The table of a group-metrics or scoring-rates finding (none for other findings)."""
    spec = _TABLES.get(finding.check)
    ev = finding.evidence
    rows = ev.get("groups")
    if spec is None or not isinstance(rows, list):
        return []
    feature = str(ev.get("feature", ""))
    references = {str(v) for v in (ev.get("references") or {}).values() if v is not None} | {ev.get("reference")}
    columns = tuple(str(c) for c in ev.get("columns") or (feature,))
    measures = [spec[1]] + [c for c in _CONFUSION if any(isinstance(r.get(c), int) for r in rows)]
    tables = []
    for measure in measures:
        cells = []
        for row in rows:
            count = int(row.get("count") or 0)
            state = read_state(row, not row.get("suppressed"), count, threshold)
            value = row.get(measure) if measure in _CONFUSION else numerator(row.get(measure), count)
            cells.append(Cell(label=str(row.get("group")), count=count, parts=None, state=state,
                              value=value if state == PUBLISHED else None,
                              compared=row.get("status") in _COMPARED, reference=row.get("group") in references))
        universe = UNIVERSES[spec[0]] + (() if measure == spec[1] else (measure,))
        key = ("bias", spec[0], feature) + (() if measure == spec[1] else (measure,))
        tables.append(Table(universe=universe, check=finding.check, feature=feature, measure=measure,
                            columns=columns, cells=cells, finding=index, key=key, shadow=measure != spec[1]))
    return tables


def rewrite(index: int, finding: Finding, tables: Mapping[Any, Table],
            threshold: int) -> tuple[Finding, list[str]] | None:
    """The finding with everything withheld that would reveal a withheld group's numbers."""
    ev = finding.evidence
    feature = str(ev.get("feature", ""))

    def table_of(kind: str) -> Table | None:
        key = ("bias", kind, feature)
        found = tables.get(key)
        return None if found is None else _merged(found, [tables.get(key + (c,)) for c in _CONFUSION])

    if finding.check in _TABLES:
        table = table_of(_TABLES[finding.check][0])
        return _table(finding, table, threshold) if table is not None else None
    if finding.check == "bias.small_groups":
        table = table_of("selection") or table_of("scoring")
        return _small_groups(finding, table) if table is not None else None
    if finding.check in _RATIOS and "group" in ev:
        table = table_of(_RATIOS[finding.check])
        return _ratio(finding, table) if table is not None else None
    if finding.check in _DISPARITIES:
        table = table_of("selection")
        return _disparity(finding, table) if table is not None else None
    if finding.check.startswith("bias.") and isinstance(ev.get("components"), list) and "group" in ev:
        table = table_of("selection")
        return _contrast(finding, table) if table is not None else None
    if finding.check in _SCORE_TABLES | _SCORE_GATES:
        # the observed outcomes these findings quote are cells of the selection table (label_pos, prevalence);
        # without decisions, the scoring table's groups (the same people, counted alike) stand in
        found = [t for t in (table_of("selection") or table_of("scoring"),) if t is not None]
        if not found:
            return None
        if finding.check in _SCORE_GATES:
            return _score_gate(finding, found)
        return _score_table(finding, found, threshold) if isinstance(ev.get("groups"), list) else None
    return None


def _merged(table: Table, others: list[Table | None]) -> Table:
    """The group table with a cell withheld wherever any of its numerators (rate, confusion cells) is."""
    for other in others:
        if other is None:
            continue
        for cell, twin in zip(table.cells, other.cells):
            if twin.withheld and not cell.withheld:
                cell.state = twin.state
    return table


def _compared_withheld(table: Table) -> bool:
    return any(c.compared and c.withheld for c in table.cells)


def _table(finding: Finding, table: Table, threshold: int) -> tuple[Finding, list[str]]:
    ev = copy_evidence(finding)
    rate = table.measure
    notes: list[str] = []
    rows = []
    for cell, row in zip(table.cells, ev["groups"]):
        if cell.withheld and not row.get("suppressed"):
            row = {**blank_row(row, _KEEP), "suppressed": True, "suppression": cell.state,
                   "note": cell_note(cell, threshold)}
        rows.append(row)
    ev["groups"] = rows
    coupled = table.any_withheld()  # the bootstrap resamples every group with one random stream
    if any(c.reference and c.withheld for c in table.cells):
        for row in rows:
            for key in [k for k in row if k.startswith("impact_ratio") or _is_contrast(k)]:
                row[key] = [None, None] if key.endswith("_ci") else None
        notes.append("impact ratios, ratios and differences (a reference group withheld)")
    elif coupled and sum(withhold_ci(row, k) for row in rows for k in list(row)
                         if k == "impact_ratio_ci" or (k.endswith("_ci") and _is_contrast(k))):
        notes.append("impact ratio, ratio and difference intervals (bootstrap over every group)")
    disparities = ev.get("disparities") if isinstance(ev.get("disparities"), dict) else {}
    if disparities and _compared_withheld(table):
        ev["disparities"] = {k: {"value": None, "ci": [None, None]} for k in disparities}
        notes.append("disparities")
    elif disparities and coupled and sum(withhold_ci(d, "ci") for d in disparities.values() if isinstance(d, dict)):
        notes.append("disparity intervals (bootstrap over every group)")
    message = finding.message
    if _compared_withheld(table):
        message = _range_message(table, rows, rate, ev)
    return rewritten(finding, ev, message=message), [f"{finding.check} {table.feature}: {n}" for n in notes]


def _range_message(table: Table, rows: list[dict[str, Any]], rate: str, ev: Mapping[str, Any]) -> str:
    shown = [r for c, r in zip(table.cells, rows) if c.compared and not c.withheld and isinstance(r.get(rate), float)]
    what = "selection rates" if rate == "selection_rate" else "shares scoring above the median"
    withheld = sum(c.compared and c.withheld for c in table.cells)
    if len(shown) > 1:
        lo, hi = min(shown, key=lambda r: r[rate]), max(shown, key=lambda r: r[rate])
        text = (f"By {table.feature}, the {what} shown range from {lo[rate]:.3f} ({lo['group']}) to "
                f"{hi[rate]:.3f} ({hi['group']})")
    elif shown:
        text = f"By {table.feature}, of the {what} compared only {shown[0]['group']}'s is shown ({shown[0][rate]:.3f})"
    else:
        text = f"By {table.feature}, no group's {what} can be shown"
    text += f"; {withheld} compared group(s) have their rates withheld {WHY}."
    unknown = ev.get("unknown_count")
    if isinstance(unknown, int) and unknown:
        text += f" {unknown} people have an unknown {table.feature}."
    return text


def _small_groups(finding: Finding, table: Table) -> tuple[Finding, list[str]]:
    ev = copy_evidence(finding)
    for row in ev.get("groups", []):
        cell = table.cell(str(row.get("group")))
        if cell is not None and cell.withheld:
            row["selection_rate"] = None
    return rewritten(finding, ev), []


def _ratio(finding: Finding, table: Table) -> tuple[Finding, list[str]]:
    ev = copy_evidence(finding)
    group, ref = table.cell(str(ev.get("group"))), table.cell(str(ev.get("reference")))
    where = f"{finding.check} {table.feature} {ev.get('group')}"
    if (group is not None and group.withheld) or (ref is not None and ref.withheld):
        if group is not None and group.withheld:
            ev["rate"] = None
        if ref is not None and ref.withheld:
            ev["reference_rate"] = None
        ev["ci"] = [None, None]
        if isinstance(ev.get("test"), dict):
            ev["test"].update(statistic=None, p_value=None, shortfall=None)
        message = (f"The impact ratio of {ev.get('group')!r} against {ev.get('reference')!r} ({table.feature}) is "
                   f"withheld {WHY}; {outcome(finding)}.")
        return rewritten(finding, ev, value=None, message=message), [f"{where}: impact ratio, rates, interval, test"]
    if table.any_withheld() and withhold_ci(ev, "ci"):
        return rewritten(finding, ev), [f"{where}: interval (bootstrap over every group)"]
    return rewritten(finding, ev), []


def _contrast(finding: Finding, table: Table) -> tuple[Finding, list[str]]:
    """A gate on one group's ratio to, or difference from, a reference group (or a combination of them)."""
    ev = copy_evidence(finding)
    labels = [str(ev.get("group"))] + [str(c.get("reference")) for c in ev["components"] if isinstance(c, dict)]
    where = f"{finding.check} {table.feature} {ev.get('group')}"
    if any((cell := table.cell(label)) is not None and cell.withheld for label in labels + [str(ev.get("reference"))]):
        for holder in [ev] + [c for c in ev["components"] if isinstance(c, dict)]:
            holder.update(value=None, rate=None, reference_rate=None, ci=[None, None])
            if isinstance(holder.get("test"), dict):
                holder["test"].update(statistic=None, p_value=None)
        message = (f"The {ev.get('metric')} of {ev.get('group')!r} against {ev.get('reference')!r} "
                   f"({table.feature}) is withheld {WHY}; {outcome(finding)}.")
        return rewritten(finding, ev, value=None, message=message), [f"{where}: values, rates, intervals, tests"]
    if table.any_withheld() and sum(withhold_ci(h, "ci") for h in [ev] + list(ev["components"])):
        return rewritten(finding, ev), [f"{where}: interval (bootstrap over every group)"]
    return rewritten(finding, ev), []


def _disparity(finding: Finding, table: Table) -> tuple[Finding, list[str]]:
    ev = copy_evidence(finding)
    where = f"{finding.check} {table.feature}"
    if finding.value is not None and _compared_withheld(table):
        ev["ci"] = [None, None]
        if isinstance(ev.get("test"), dict):
            ev["test"].update(statistic=None, p_value=None)
        words = finding.check.split(".", 1)[1].replace("_", " ")
        message = f"By {table.feature}, the {words} is withheld {WHY}; {outcome(finding)}."
        return rewritten(finding, ev, value=None, message=message), [f"{where}: value, interval, test"]
    if table.any_withheld() and withhold_ci(ev, "ci"):
        return rewritten(finding, ev), [f"{where}: interval (bootstrap over every group)"]
    return rewritten(finding, ev), []


def _hiding(label: str, tables: list[Table]) -> Cell | None:
    """The cell that withholds group ``label`` in the grouping's tables (None when every table shows it).

    A group no table lists is withheld too (its numbers cannot be checked against the others): the
    cell returned is then a stand-in for the note.
    """
    cells = [t.cell(label) for t in tables]
    hiding = next((c for c in cells if c is not None and c.withheld), None)
    if hiding is None and all(c is None for c in cells):
        return Cell(label=label, count=0, parts=None, state=COMPLEMENTARY)
    return hiding


def _score_table(finding: Finding, tables: list[Table], threshold: int) -> tuple[Finding, list[str]]:
    """A score table (calibration, discrimination, trade-off) with the grouping's withheld groups blanked."""
    ev = copy_evidence(finding)
    rows, hidden, blanked = [], set(), 0
    for row in ev["groups"]:
        cell = None if row.get("suppressed") else _hiding(str(row.get("group")), tables)
        if cell is not None:  # a row the auditor suppressed already keeps its note
            blanked += _is_compared(row)
            row = {**blank_row(row, _SCORE_KEEP), "suppressed": True, "suppression": cell.state,
                   "note": cell_note(cell, threshold) if cell.count else f"rates withheld {WHY}"}
        if row.get("suppressed"):
            hidden.add(str(row.get("group")))
        rows.append(row)
    ev["groups"] = rows
    for b in ev.get("bins") or []:  # a withheld group's calibration curve adds up to its observed outcomes
        if str(b.get("group")) in hidden and not b.get("suppressed"):
            b.update(blank_row(b, ("group", "bin", "bin_low", "bin_high")), suppressed=True)
    feature = str(ev.get("feature", ""))
    notes = []
    # a test across the groups compared is a function of a withheld group's outcomes: it goes with them
    tests = ev.get("tests") if isinstance(ev.get("tests"), dict) else {}
    if (any(_is_compared(r) and r.get("suppressed") for r in rows)
            and any(isinstance(v, dict) and v.get("p_value") is not None for v in tests.values())):
        ev["tests"] = {k: {"p_value": None, "p_adjusted": None} for k in tests}
        notes.append(f"{finding.check} {feature}: tests across the groups compared")
    if not blanked:  # the auditor's message quotes only the rows it showed
        return rewritten(finding, ev), notes
    message = _score_message(finding, feature, rows, blanked)
    return rewritten(finding, ev, message=message), notes + [f"{finding.check} {feature}: {blanked} compared group(s)"]


def _is_compared(row: dict[str, Any]) -> bool:
    return row.get("status") == "compared" or row.get("compared") is True


def _score_message(finding: Finding, feature: str, rows: list[dict[str, Any]], withheld: int) -> str:
    """The message of a score table once compared groups are withheld: ranges over the groups shown."""
    shown = [r for r in rows if _is_compared(r) and not r.get("suppressed")]
    spans = []
    for key, words in _SPANS[finding.check].items():
        defined = [r for r in shown if isinstance(r.get(key), (int, float))]
        if defined:
            lo, hi = min(defined, key=lambda r: r[key]), max(defined, key=lambda r: r[key])
            spans.append(f"the {words} from {lo[key]:.3f} ({lo['group']}) to {hi[key]:.3f} ({hi['group']})")
    text = f"By {feature}, {withheld} compared group(s) have their numbers withheld {WHY}"
    text += f"; among the groups shown, {', '.join(spans)}." if spans else "; no compared group's numbers are shown."
    ev = finding.evidence
    if finding.check == "bias.fairness_tradeoff" and sum(map(_is_compared, rows)) > 1:
        # the tests' outcomes stand, as a gate's status does
        text += (f" Across all groups compared, base rates {_differ(ev.get('base_rates_differ'))}, error rates "
                 f"{_differ(ev.get('error_rate_imbalance'))} and predictive values "
                 f"{_differ(ev.get('predictive_imbalance'))} significantly.")
    return text


def _differ(flag: Any) -> str:
    return "differ" if flag else "do not differ"


def _score_gate(finding: Finding, tables: list[Table]) -> tuple[Finding, list[str]] | None:
    """A score gate measured on a withheld group: its value goes, its outcome stands."""
    groups = [str(g) for g in finding.evidence.get("groups") or []]
    if finding.value is None or not any(_hiding(g, tables) is not None for g in groups):
        return None
    ev = {k: finding.evidence[k] for k in ("feature", "groups") if k in finding.evidence}
    if "significance" in finding.evidence:
        ev["significance"] = judged_block(finding.evidence["significance"])
    feature = str(finding.evidence.get("feature", ""))
    message = (f"By {feature}, the {finding.check.removeprefix('bias.').replace('_', ' ')} of "
               f"{', '.join(repr(g) for g in groups)} is withheld {WHY}; {outcome(finding)}.")
    return rewritten(finding, ev, value=None, message=message), [f"{finding.check} {feature}: value, test"]
