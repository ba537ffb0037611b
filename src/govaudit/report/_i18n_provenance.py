"""The provenance auditor's findings in the report's language (``message.provenance.*`` keys).

Each finding is worded from its value, gate and evidence, with the texts of
``locales/<lang>/provenance.toml``. A few details the auditor keeps only in its English message (who
approved a source and when, the date a retention period runs from, the smallest group of label base
rates, a declared key absent from its table) are read back from that message, and only when the
message has exactly the form the auditor writes. A mismatch the auditor names from list items (the
integrity, lineage and model-registration problems) is worded from those items. A shape that cannot
be worded faithfully (a file that cannot be read, with the reader's own English error) gives None,
and the report shows the auditor's English words. A requirements finding that names its missing
input is worded by :func:`govaudit.report._i18n.localise_message`; the auditor's own (no manifest),
made inconclusive because the audit asked for it, here with the same closing sentence.

The source checks (declared, model registered, integrity, freshness, retention, lineage) and the
shared helpers are here; the data-quality and group checks are in
:mod:`govaudit.report._i18n_provenance_data`.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from govaudit.core import Finding, Status
from govaudit.report._i18n import Catalogue

__all__ = ["message"]

_P = "message.provenance."
#: A Python ``repr`` of a string, as the auditor quotes names (``'income'``).
_REPR = r"('(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")"
#: The date a source's age is counted from (the auditor's words) -> catalogue key.
_BASES = {"extracted": "extracted", "collected until": "collected_until"}
#: Why a manifest field is needed (the auditor's words) -> catalogue key.
_FIELD_NOTES = {"third-party data": "third_party", "personal data": "personal"}


def _english_role(role: str) -> str:
    """How the auditor's English names a file role (``"training data"``)."""
    from govaudit.provenance._context import ROLE_WORDS

    return ROLE_WORDS.get(role, role)


def _role(role: Any, t: Catalogue) -> str:
    return t.get(f"{_P}role.{role}", None) or str(role)


def _int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"not a count: {value!r}")
    return int(value)


def _unrepr(text: str) -> str:
    try:
        value = ast.literal_eval(text)
    except SyntaxError as exc:
        raise ValueError(text) from exc
    if not isinstance(value, str):
        raise ValueError(text)
    return value


def _short(digest: Any) -> str:
    """A hash as the auditor abbreviates it."""
    return f"{digest[:12]}…" if digest else "none"


def _names(items: Sequence[str], t: Catalogue, limit: int = 4) -> str:
    shown = t.join([str(i) for i in items[:limit]])
    return t("report.and_more", items=shown, n=len(items) - limit) if len(items) > limit else shown


def _english_list(items: Sequence[str], limit: int = 4) -> str:
    """The auditor's English list: ``a, b, c, d and 2 more``."""
    shown = ", ".join(items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


def _read_list(text: str, t: Catalogue, word: Callable[[str], str] = str) -> str:
    """An English list read back (``a, b and 2 more``) and shown in the catalogue's language."""
    match = re.fullmatch(r"(.*) and (\d+) more", text)
    items = (match.group(1) if match else text).split(", ")
    shown = t.join([word(i) for i in items])
    return t("report.and_more", items=shown, n=int(match.group(2))) if match else shown


def _field(item: str, t: Catalogue) -> str:
    """A manifest field still to fill in; a note on why it is needed is translated."""
    match = re.fullmatch(r"(.+) \((.+)\)", item)
    if match and match.group(2) in _FIELD_NOTES:
        return t(f"{_P}field_note.{_FIELD_NOTES[match.group(2)]}", field=match.group(1))
    return item


def _outcome(finding: Finding, t: Catalogue) -> str:
    """That a gated finding's outcome stands though its value is withheld."""
    status = t(f"status.{finding.status.value}")
    if finding.threshold is None or finding.operator is None:
        return t(_P + "outcome", status=status)
    return t(_P + "outcome_gate", gate=f"{finding.operator} {finding.threshold:g}", status=status)


def _requirements(f: Finding, t: Catalogue) -> str | None:
    """No manifest, in an audit that asked for the auditor (one naming its missing input is the caller's)."""
    if f.status is not Status.INCONCLUSIVE or f.evidence or \
            not f.message.startswith("The provenance auditor needs a data manifest"):
        return None
    return t(_P + "no_manifest") + t("message.asked_for")


def _declared(f: Finding, t: Catalogue) -> str | None:
    ev = f.evidence
    if f.status is Status.SKIPPED:
        return t(_P + "no_files")
    role, file = str(ev["role"]), ev["file"]
    if "dataset" not in ev:
        return t(_P + "undeclared", role=_role(role, t), file=file)
    dataset, missing = ev["dataset"], ev["incomplete"]
    if missing:
        return t(_P + "incomplete", role=_role(role, t), file=file, dataset=dataset,
                 fields=_names([_field(str(m), t) for m in missing], t))
    # the approver and date are only in the message: read them back from its exact form
    prefix = f"The {_english_role(role)} file {file} is declared as {dataset!r} and was approved by "
    match = re.fullmatch(re.escape(prefix) + r"(.+) on (\d{4}-\d{2}-\d{2})\.", f.message, flags=re.S)
    if match is None:
        return None
    return t(_P + "declared", role=_role(role, t), file=file, dataset=dataset, by=match.group(1),
             date=match.group(2))


def _model_problem(problem: str, ev: Mapping[str, Any], t: Catalogue) -> str | None:
    found, registered = ev.get("sha256"), ev.get("registered_sha256")
    if problem == f"its sha256 ({_short(found)}) differs from the registered one ({_short(registered)})":
        return t(_P + "model_sha", found=_short(found), registered=_short(registered))
    if match := re.fullmatch(rf"it is registered as trained on (.*), not on {_REPR}", problem):
        return t(_P + "model_trained_on", tables=_read_list(match.group(1), t), training=_unrepr(match.group(2)))
    if match := re.fullmatch(rf"its training table {_REPR} is not declared", problem):
        return t(_P + "model_table_undeclared", table=_unrepr(match.group(1)))
    if problem == "its approval is not filled in":
        return t(_P + "model_approval")
    return None


def _model_registered(f: Finding, t: Catalogue) -> str | None:
    ev = f.evidence
    if f.status is Status.SKIPPED:
        return t(_P + "model_skipped")
    file = ev["file"]
    if "sha256" not in ev:
        return t(_P + "model_not_file", file=file)
    if "name" not in ev:
        return t(_P + "model_unregistered", file=file)
    if f.status is Status.PASS:
        key = "model_pass_version" if ev.get("version") else "model_pass"
        return t(_P + key, file=file, name=ev["name"], version=ev.get("version"))
    problems = [_model_problem(str(p), ev, t) for p in ev["problems"]]
    if not problems or any(p is None for p in problems):
        return None
    return t(_P + "model_mismatch", file=file, name=ev["name"],
             problems=t("meta.clause_separator").join([p for p in problems if p is not None]))


def _mismatch(problem: str, ev: Mapping[str, Any], t: Catalogue) -> str | None:
    declared, found = ev.get("declared_sha256"), ev.get("sha256")
    if problem == f"sha256 differs (declared {_short(declared)}, file {_short(found)}): the file was changed":
        return t(_P + "sha_differs", declared=_short(declared), found=_short(found))
    rows, declared_rows = ev.get("rows"), ev.get("declared_rows")
    if isinstance(rows, int) and isinstance(declared_rows, int) and \
            problem == f"row count differs (declared {declared_rows:,}, file {rows:,})":
        return t(_P + "rows_differ", declared=f"{declared_rows:,}", found=f"{rows:,}")
    for pattern, key in ((rf"declared column {_REPR} is absent", "column_absent"),
                         (rf"column {_REPR} is not declared", "column_undeclared")):
        if match := re.fullmatch(pattern + r"(?: \(and (\d+) more\))?", problem):
            more = match.group(2)
            return t(_P + key + ("_more" if more else ""), column=_unrepr(match.group(1)), n=more)
    if match := re.fullmatch(rf"column {_REPR} is declared (\w+) but holds (\w+) values", problem):
        return t(_P + "column_type", column=_unrepr(match.group(1)), declared=t(f"{_P}type.{match.group(2)}"),
                 found=t(f"{_P}type.{match.group(3)}"))
    return None  # e.g. a file that cannot be read as a table: the reader's English error


def _integrity(f: Finding, t: Catalogue) -> str | None:
    ev = f.evidence
    dataset = ev["dataset"]
    if "uri" in ev:
        return t(_P + "uri_only", dataset=dataset, uri=ev["uri"])
    file = ev["file"]
    if "sha256" not in ev:
        return t(_P + "file_missing", dataset=dataset, file=file)
    mismatches = ev["mismatches"]
    if mismatches:
        first = _mismatch(str(mismatches[0]), ev, t)
        if first is None:
            return None
        more = t(_P + "mismatch_more", n=len(mismatches) - 1) if len(mismatches) > 1 else ""
        return t(_P + "mismatch", dataset=dataset, file=file, problem=first, more=more)
    if ev.get("declared_sha256") is None:
        return t(_P + "no_sha", dataset=dataset, file=file)
    return t(_P + "integrity_pass", dataset=dataset, file=file, rows=f"{_int(ev['rows']):,}")


def _freshness(f: Finding, t: Catalogue) -> str | None:
    ev = f.evidence
    dataset = ev["dataset"]
    if "date" not in ev:
        return t(_P + "no_date", dataset=dataset)
    basis = t(f"{_P}basis.{_BASES[ev['basis']]}")
    age, limit = _int(ev["age_days"]), _int(ev["max_age_days"])
    if age < 0:
        return t(_P + "future", dataset=dataset, basis=basis, date=ev["date"], as_of=ev["as_of"], days=-age)
    return t(_P + ("stale" if age > limit else "fresh"), dataset=dataset, basis=basis, date=ev["date"],
             as_of=ev["as_of"], age=age, limit=limit)


def _retention(f: Finding, t: Catalogue) -> str | None:
    ev = f.evidence
    dataset = ev["dataset"]
    if "retention_days" not in ev:
        return t(_P + "no_period", dataset=dataset)
    days = _int(ev["retention_days"])
    if f.status is Status.PASS:
        return t(_P + "kept", dataset=dataset, days=days, expires=ev["expires"])
    for how, key in _BASES.items():  # what the date is is only in the message
        if f.message == (f"Source {dataset!r} ({how} {ev['from']}) should have been deleted by {ev['expires']}: "
                         f"its {days}-day retention period is exceeded."):
            return t(_P + "expired", dataset=dataset, basis=t(f"{_P}basis.{key}"), date=ev["from"],
                     expires=ev["expires"], days=days)
    return None


def _lineage_problem(problem: str, ev: Mapping[str, Any], t: Catalogue) -> str | None:
    for source in ev["undeclared_inputs"]:
        users = [str(edge[1]) for edge in ev["edges"] if edge[0] == source]
        if problem == (f"{_english_list(users)} {'was' if len(users) == 1 else 'were'} derived from {source!r}, "
                       "which is not declared"):
            return t(_P + "derived_from_undeclared", tables=_names(users, t), source=source)
    if match := re.fullmatch(rf"upstream source {_REPR} is not fully documented and approved \((.*)\)", problem):
        return t(_P + "upstream_unapproved", source=_unrepr(match.group(1)),
                 fields=_read_list(match.group(2), t, lambda item: _field(item, t)))
    return None


def _lineage(f: Finding, t: Catalogue) -> str | None:
    ev = f.evidence
    problems = ev["problems"]
    if not problems:
        return t(_P + "lineage_pass", n=len(ev["edges"]))
    first = _lineage_problem(str(problems[0]), ev, t)
    if first is None:
        return None
    more = t(_P + "lineage_more", n=len(problems) - 1) if len(problems) > 1 else ""
    return t(_P + "lineage_fail", problem=first, more=more)


#: Check -> its wording function (each named after its check).
_WORDINGS: dict[str, Callable[[Finding, Catalogue], str | None]] = {f"provenance.{fn.__name__[1:]}": fn for fn in (
    _requirements, _declared, _model_registered, _integrity, _freshness, _retention, _lineage)}


def message(finding: Finding, t: Catalogue) -> str | None:
    """The provenance finding's message in ``t``'s language (a :class:`govaudit.report._i18n.Wording`)."""
    wording = _WORDINGS.get(finding.check)
    if wording is None:  # the data-quality and group checks
        from govaudit.report._i18n_provenance_data import WORDINGS

        wording = WORDINGS.get(finding.check)
    return wording(finding, t) if wording is not None else None
