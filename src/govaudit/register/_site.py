"""``govaudit register build``: a static website of every audited system in a verified ledger.

The site is plain files with relative links, no script and nothing fetched from elsewhere (the CSS
is inline), so it reads the same from ``file://`` and from any static host::

    index.html, index.zh.html          every system: owner, purpose, latest verdict, date, approval
    systems/<key>.html, <key>.zh.html  one system: failed checks in plain words, its transparency card,
                                       its audits and approvals, its exports
    records/<entry>.json               each audit record and correction, byte for byte as the ledger
                                       holds it (aggregates only; its sha256 is the entry's payload_sha256)
    exports/<key>.nl.json, .uk-atrs.json, .owner-fields.json   the register exports and what is left to write
    register.json                      the machine-readable index
    ledger.jsonl                       the ledger itself, which ``govaudit ledger verify`` checks

Records hold aggregates only, with the disclosure control applied when they were made; the card
shows groups under the suppression limit as "fewer than N" and withheld rates as withheld.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from govaudit._version import __version__
from govaudit.core import Status
from govaudit.exceptions import InputDataError
from govaudit.records._ledger_entry import EntryKind
from govaudit.records._signing import PublicKey
from govaudit.register._formats import REGISTER_FORMATS, export_system
from govaudit.register._systems import AuditView, Register, RegisterSystem, entry_date, read_register
from govaudit.report._card import card_context
from govaudit.report._html_theme import PALETTE
from govaudit.report._i18n import LANGUAGES, Catalogue, _flatten, load_catalogue, tomllib
from govaudit.report._write import atomic_write_text

__all__ = ["SiteSummary", "build_site", "register_catalogue"]

_SUFFIX = {"en": "", "zh": ".zh"}
_FAILED = (Status.FAIL, Status.ERROR, Status.INCONCLUSIVE)
_RECORD_KINDS = (EntryKind.AUDIT.value, EntryKind.CORRECTION.value)

MSG_UNUSED_SPEC = ("{source}: the spec's audit name {name!r} is neither a system of the register {ledger} nor the "
                   "audit name of a system's latest audit; systems: {names}")


@dataclass(frozen=True)
class SiteSummary:
    """What :func:`build_site` wrote: the folder, the pages, the ledger's size and root."""

    out: Path
    pages: tuple[Path, ...]
    files: tuple[Path, ...]
    size: int
    root: str


@lru_cache(maxsize=None)
def register_catalogue(lang: str) -> Catalogue:
    """The report catalogue of ``lang`` with the register's own texts (``register.*``) added."""
    base = load_catalogue(lang)
    text = resources.files("govaudit.register").joinpath("locales", f"{lang}.toml").read_text(encoding="utf-8")
    return Catalogue(lang, {**base.messages, **_flatten(tomllib.loads(text))})


@lru_cache(maxsize=1)
def _environment() -> Any:
    from jinja2 import ChoiceLoader, Environment, PackageLoader, StrictUndefined

    loader = ChoiceLoader([PackageLoader("govaudit.register", "templates"), PackageLoader("govaudit.report", "templates")])
    return Environment(loader=loader, autoescape=True, undefined=StrictUndefined, keep_trailing_newline=True)


def _render(name: str, **context: Any) -> str:
    return _environment().get_template(name).render(palette=PALETTE, version=__version__, **context)


def _plain(check: str, t: Catalogue) -> str:
    from govaudit.report._summary import plain_check, plain_words

    return plain_words(check, t) or plain_check(check)


def _state(t: Catalogue, state: str) -> str:
    return t.get(f"register.state.{state}") or state


def _events(view: AuditView, t: Catalogue) -> list[str]:
    status, times = view.status, view.times
    lines = []
    for a in status.approvals:
        lines.append(t("register.approval_line", entry=a.entry, date=entry_date(times[a.entry]),
                       decision=t.get(f"register.decision.{a.decision}") or a.decision, who=a.approver or a.signer[:16],
                       independent=t("register.independent" if a.independent else "register.own_key"),
                       reason=a.reason))
        if a.withdrawn_by is not None:
            lines.append(t("register.withdrawal_line", entry=a.withdrawn_by, date=entry_date(times[a.withdrawn_by])))
    lines += [t("register.correction_line", entry=c, date=entry_date(times[c])) for c in status.corrections]
    if status.withdrawn_by is not None:
        lines.append(t("register.withdrawal_line", entry=status.withdrawn_by, date=entry_date(times[status.withdrawn_by])))
    return lines


def _system_view(system: RegisterSystem, t: Catalogue, owner_fields: Sequence[str]) -> dict[str, Any]:
    latest = system.latest
    record, status = latest.record, latest.status
    not_stated = t("register.not_stated")
    failed: list[tuple[str, str]] = []
    for f in record.findings:
        if f.status in _FAILED and not (f.status is Status.INCONCLUSIVE and f.accepted is not None):
            item = (_plain(f.check, t), t(f"status.{f.status.value}"))
            if item not in failed:
                failed.append(item)
    suffix = _SUFFIX[t.lang]
    history = [{"entry": a.entry.seq, "date": entry_date(a.entry.created_at),
                "version": (a.record.model.version if a.record.model else None) or not_stated,
                "verdict": a.status.verdict, "verdict_label": t(f"verdict.{a.status.verdict}"),
                "state_label": _state(t, a.status.state), "events": _events(a, t),
                "record_href": f"../records/{a.entry.seq}.json"} for a in system.audits]
    return {
        "name": system.name, "key": system.key, "href": f"systems/{system.key}{suffix}.html",
        "owner": record.responsible.owner or not_stated, "purpose": record.description or not_stated,
        "verdict": status.verdict, "verdict_label": t(f"verdict.{status.verdict}"),
        "date": record.created_at.date().isoformat(), "state_label": _state(t, status.state),
        "version": (record.model.version if record.model else None) or not_stated,
        "failed": failed, "history": history, "owner_fields": list(owner_fields),
        "exports": [(f"../exports/{system.key}.nl.json", t("register.export_nl")),
                    (f"../exports/{system.key}.uk-atrs.json", t("register.export_atrs")),
                    (f"../records/{latest.entry.seq}.json", t("register.record_json") + f" {latest.entry.seq}")],
    }


def _plan_key(system: RegisterSystem, plans: Mapping[str, Any]) -> str | None:
    """The key of the plan that completes ``system``: its name, else its latest audit's name."""
    for key in (system.name, system.latest.record.audit_name):
        if key in plans:
            return key
    return None


def _check_plans(register: Register, plans: Mapping[str, Any]) -> None:
    """Refuse a spec that completes no system: it would be silently ignored."""
    used = {_plan_key(s, plans) for s in register.systems}
    for key, plan in plans.items():
        if key not in used:
            source = getattr(plan, "spec_path", None) or f"the spec of {key!r}"
            names = ", ".join(repr(s.name) for s in register.systems) or "none"
            raise InputDataError(MSG_UNUSED_SPEC.format(source=source, name=key, ledger=register.path, names=names))


def _data_files(register: Register, plans: Mapping[str, Any]) -> tuple[dict[str, str], dict[str, list[str]]]:
    """Records, exports and the index, by path in the site; and each system's fields left for its owner."""
    files: dict[str, str] = {}
    # each audit and correction exactly as the ledger stores it, so its sha256 is the entry's payload_sha256
    for entry in register.entries:
        if entry.kind in _RECORD_KINDS:
            files[f"records/{entry.seq}.json"] = entry.payload.decode("utf-8")
    owner_fields: dict[str, list[str]] = {}
    index = {"ledger": {"entries": register.size, "root": register.root, "file": "ledger.jsonl"}, "systems": []}
    for system in register.systems:
        key = _plan_key(system, plans)
        plan = plans[key] if key is not None else None
        companions = {}
        for fmt in REGISTER_FORMATS:
            export = export_system(system, fmt, plan=plan)
            files[f"exports/{system.key}.{fmt}.json"] = export.to_json()
            companions[fmt] = export.companion()
            owner_fields.setdefault(system.key, []).extend(f"{fmt}: {k}" for k in export.to_write)
        files[f"exports/{system.key}.owner-fields.json"] = json.dumps(companions, indent=2, ensure_ascii=False) + "\n"
        latest = system.latest
        index["systems"].append({
            "name": system.name, "key": system.key, "latest_entry": latest.entry.seq,
            "verdict": latest.status.verdict, "state": latest.status.state,
            "date": latest.record.created_at.date().isoformat(), "page": f"systems/{system.key}.html",
            "records": [f"records/{a.entry.seq}.json" for a in system.audits],
            "corrections": [f"records/{c}.json" for a in system.audits for c in a.status.corrections],
            "exports": {fmt: f"exports/{system.key}.{fmt}.json" for fmt in REGISTER_FORMATS}})
    files["register.json"] = json.dumps(index, indent=2, ensure_ascii=False) + "\n"
    return files, owner_fields


def _ledger_jsonl(register: Register) -> str:
    """The ledger's JSON Lines export, as text (written with the rest of the site)."""
    with tempfile.TemporaryDirectory(prefix="govaudit-register-") as tmp:
        return register.ledger.export_jsonl(Path(tmp) / "ledger.jsonl").read_text(encoding="utf-8")


def _page_files(register: Register, plans: Mapping[str, Any],
                owner_fields: Mapping[str, Sequence[str]]) -> dict[str, str]:
    """Every HTML page, by path in the site, in both languages."""
    pages: dict[str, str] = {}
    signers = sorted(register.signers.items(), key=lambda kv: -kv[1])
    for lang in LANGUAGES:
        t, other = register_catalogue(lang), next(x for x in LANGUAGES if x != lang)
        common = {"t": t, "size": register.size, "root": register.root, "signers": signers,
                  "other_html_lang": register_catalogue(other).html_lang}
        views = [_system_view(s, t, owner_fields.get(s.key, ())) for s in register.systems]
        pages[f"index{_SUFFIX[lang]}.html"] = _render("index.html", title=t("register.title"), back=None,
                                                     other_lang=f"index{_SUFFIX[other]}.html", systems=views,
                                                     **common)
        for system, view in zip(register.systems, views):
            key = _plan_key(system, plans)
            transparency = plans[key].spec.transparency if key is not None else None
            card = card_context(system.latest.record, lang=lang, transparency=transparency)
            card.pop("t"), card.pop("lang"), card.pop("title")
            pages[f"systems/{system.key}{_SUFFIX[lang]}.html"] = _render(
                "system.html", title=system.name, back=f"../index{_SUFFIX[lang]}.html",
                other_lang=f"{system.key}{_SUFFIX[other]}.html", s=view, **card, **common)
    return pages


def build_site(ledger: str | os.PathLike[str], out: str | os.PathLike[str], *,
               public_keys: Sequence[PublicKey] | None = None, plans: Mapping[str, Any] | None = None) -> SiteSummary:
    """Verify ``ledger`` and write its public register into the folder ``out``, in English and Chinese.

    Every file is made in memory first and written only when all of them are ready, so a failure
    while building (a page that does not render, an export that cannot be made) writes nothing.

    Parameters
    ----------
    ledger : path
        The ledger (SQLite file).
    out : path
        The site's folder (created if needed; the files it names are replaced).
    public_keys : sequence of PublicKey, optional
        When given, every entry must be signed by one of them.
    plans : mapping of str to AuditPlan, optional
        Audit specs by system or audit name: their ``[transparency]`` texts complete the cards and
        their documentation the exports.

    Raises
    ------
    LedgerIntegrityError
        The ledger does not verify: nothing is written.
    InputDataError
        The ledger file is missing or is not a govaudit ledger, or a plan names no system of the
        ledger (the message names its spec file): nothing is written.
    """
    register = read_register(ledger, public_keys=public_keys)
    folder, plans = Path(out), dict(plans or {})
    try:
        _check_plans(register, plans)
        data, owner_fields = _data_files(register, plans)
        data["ledger.jsonl"] = _ledger_jsonl(register)
    finally:
        register.ledger.close()
    pages = _page_files(register, plans, owner_fields)
    files = tuple(atomic_write_text(folder / relative, text) for relative, text in data.items())
    written = tuple(atomic_write_text(folder / relative, text) for relative, text in pages.items())
    return SiteSummary(folder, written, files, register.size, register.root)
