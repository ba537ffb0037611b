"""The register site from a small ledger: every page and file, links that resolve, what each page says,
small groups kept suppressed, and a tampered ledger refused (nothing written)."""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
from html.parser import HTMLParser
from pathlib import Path

import pytest

from _register_site import SMALL_GROUP, build_ledger
from govaudit.cli import main
from govaudit.exceptions import LedgerEntryError
from govaudit.records import AuditRecord, verify_ledger_file
from govaudit.register import build_site, read_register
from govaudit.register._site import register_catalogue
from govaudit.report._i18n import placeholders


class Links(HTMLParser):
    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []
        self.text: list[str] = []
        self.tags: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.urls += [v for k, v in attrs if k in ("href", "src", "action", "srcset", "data") and v]

    def handle_data(self, data):
        self.text.append(data)


@pytest.fixture(scope="module")
def ledger(tmp_path_factory, applications):
    return build_ledger(tmp_path_factory.mktemp("register"), applications)


@pytest.fixture(scope="module")
def site(ledger, tmp_path_factory):
    path, _ = ledger
    return build_site(path, tmp_path_factory.mktemp("site") / "site")


def _page(site, name: str) -> Links:
    return Links((site.out / name).read_text(encoding="utf-8"))


def test_every_page_and_file_is_written(site, ledger):
    out, (_, seqs) = site.out, ledger
    pages = {p.relative_to(out).as_posix() for p in site.pages}
    assert pages == {"index.html", "index.zh.html", "systems/allowance-screen.html", "systems/allowance-screen.zh.html",
                     "systems/eligibility-gbm.html", "systems/eligibility-gbm.zh.html"}
    for seq in (seqs["first"], seqs["other"], seqs["second"]):
        record = AuditRecord.from_json((out / "records" / f"{seq}.json").read_text(encoding="utf-8"))
        assert record.record_id
    for key in ("allowance-screen", "eligibility-gbm"):
        for fmt in ("nl", "uk-atrs", "owner-fields"):
            assert json.loads((out / "exports" / f"{key}.{fmt}.json").read_text(encoding="utf-8"))
    index = json.loads((out / "register.json").read_text(encoding="utf-8"))
    assert [s["name"] for s in index["systems"]] == ["allowance_screen", "eligibility-gbm"]
    assert index["ledger"]["entries"] == 5 == site.size


def test_the_published_ledger_verifies_to_the_root_the_pages_show(site):
    report = verify_ledger_file(site.out / "ledger.jsonl")
    assert report.entries == 5 and report.root == site.root
    for page in ("index.html", "systems/allowance-screen.zh.html"):
        text = (site.out / page).read_text(encoding="utf-8")
        assert f"govaudit ledger verify ledger.jsonl --since-size 5 --since-root {site.root}" in text


def test_every_link_resolves_to_a_file_of_the_site(site):
    checked = 0
    for page in site.pages:
        links = Links(page.read_text(encoding="utf-8"))
        assert "script" not in links.tags and "img" not in links.tags and "link" not in links.tags
        for url in links.urls:
            assert not re.match(r"^[a-z][a-z0-9+.-]*:", url), f"{page.name}: {url} is not a relative link"
            target = (page.parent / url.split("#")[0]).resolve()
            assert target.is_file() and site.out.resolve() in target.parents, f"{page.name}: {url}"
            checked += 1
    assert checked > 30


def test_each_page_links_the_other_language(site):
    assert "index.zh.html" in _page(site, "index.html").urls
    assert "index.html" in _page(site, "index.zh.html").urls
    assert "allowance-screen.html" in _page(site, "systems/allowance-screen.zh.html").urls


def test_system_page_shows_latest_verdict_history_approvals_and_failed_checks(site, ledger):
    _, seqs = ledger
    register = read_register(ledger[0])
    try:
        latest = register.systems[0].latest
    finally:
        register.ledger.close()
    assert latest.entry.seq == seqs["second"] and latest.status.state == "released"
    t = register_catalogue("en")
    text = " ".join(" ".join(_page(site, "systems/allowance-screen.html").text).split())
    assert t("register.state.released") in text and "Gaps explained by need." in text
    assert f"../records/{seqs['first']}.json" in _page(site, "systems/allowance-screen.html").urls
    failed = [f for f in latest.record.findings if f.status.value in ("fail", "error", "inconclusive")]
    assert failed, "the biased sample fails a gate"
    for f in failed:
        assert t(f"plain.{f.check}") in text
    zh = register_catalogue("zh")
    text_zh = " ".join(_page(site, "systems/allowance-screen.zh.html").text)
    assert zh(f"plain.{failed[0].check}") in text_zh and zh("register.state.released") in text_zh
    other = " ".join(" ".join(_page(site, "systems/eligibility-gbm.html").text).split())
    assert t("register.state.withdrawn") in other and "withdrawn" in other


def test_small_groups_stay_suppressed(site, ledger):
    _, seqs = ledger
    record = json.loads((site.out / "records" / f"{seqs['second']}.json").read_text(encoding="utf-8"))
    rows = [r for f in record["findings"] if f["check"] == "bias.group_metrics" and f["evidence"]["feature"] == "channel"
            for r in f["evidence"]["groups"] if r["group"] == SMALL_GROUP]
    assert rows and rows[0].get("selection_rate") is None  # the record itself withholds it
    text = " ".join(_page(site, "systems/allowance-screen.html").text)
    assert register_catalogue("en")("card.fewer_than", n=10) in text


def test_every_fixed_text_is_in_both_languages():
    en, zh = (register_catalogue(lang) for lang in ("en", "zh"))
    keys = {k for k in en.messages if k.startswith("register.")}
    assert keys == {k for k in zh.messages if k.startswith("register.")}
    for key in keys:
        assert placeholders(en.messages[key]) == placeholders(zh.messages[key]), key


def _tamper(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("DROP TRIGGER entries_append_only_update")
    conn.execute("UPDATE entries SET payload = replace(payload, 'allowance', 'allowancX') WHERE seq = 1")
    conn.commit()
    conn.close()


def test_a_tampered_ledger_is_refused_and_nothing_is_written(ledger, tmp_path, capsys):
    copy = tmp_path / "ledger.sqlite"
    shutil.copy(ledger[0], copy)
    _tamper(copy)
    with pytest.raises(LedgerEntryError, match="refusing to publish a register") as caught:
        build_site(copy, tmp_path / "site")
    assert caught.value.entry == 1
    assert main(["register", "build", str(copy), "--out", str(tmp_path / "site")]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "entry 1" in err and "Traceback" not in err
    assert not (tmp_path / "site").exists()


def test_build_command_writes_the_site(ledger, tmp_path, capsys):
    assert main(["register", "build", str(ledger[0]), "--out", str(tmp_path / "site")]) == 0
    assert "register written" in capsys.readouterr().out
    assert (tmp_path / "site" / "index.zh.html").is_file()


def test_a_missing_ledger_is_bad_input(tmp_path, capsys):
    assert main(["register", "build", str(tmp_path / "none.sqlite"), "--out", str(tmp_path / "site")]) == 2
    assert len(capsys.readouterr().err.strip().splitlines()) == 1


def test_a_spec_completes_its_system_s_card_and_exports(ledger, tmp_path, capsys):
    (tmp_path / "decisions.csv").write_text("region,decision\n" + "north,1\nsouth,0\n" * 40)
    spec = tmp_path / "audit.toml"
    spec.write_text('[audit]\nname = "allowance_screen"\n[data]\npath = "decisions.csv"\nprediction = "decision"\n'
                    'sensitive_features = ["region"]\n[auditors.bias]\nn_resamples = 0\n[transparency]\nappeal = "Write to the appeals board within 6 weeks."\n'
                    'contact = "register@example.gov"\n')
    out = tmp_path / "site"
    assert main(["register", "build", str(ledger[0]), "--out", str(out), "--spec", str(spec)]) == 0
    assert "Write to the appeals board within 6 weeks." in (out / "systems" / "allowance-screen.html").read_text()
    nl = json.loads((out / "exports" / "allowance-screen.nl.json").read_text(encoding="utf-8"))
    assert nl["contact"] == "register@example.gov"
    other = json.loads((out / "exports" / "eligibility-gbm.nl.json").read_text(encoding="utf-8"))
    assert other["contact"] == "[to be written by the owner]"
