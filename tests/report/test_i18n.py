"""Message catalogues: complete, consistent, and a Chinese page with no English fixed text left."""

from __future__ import annotations

import html as htmlmod
import re
from pathlib import Path

import numpy as np
import pytest

import govaudit
from govaudit.core import Finding, Principle, Status
from govaudit.exceptions import InputDataError
from govaudit.report import render_card, render_html, render_markdown
from govaudit.report._i18n import LANGUAGES, load_catalogue, localise_message, placeholders

from _factories import make_record

PACKAGE = Path(govaudit.__file__).parent / "report"
EN, ZH = load_catalogue("en"), load_catalogue("zh")


def test_every_language_has_every_english_key_with_the_same_fields():
    for lang in LANGUAGES:
        other = load_catalogue(lang)
        assert set(EN.messages) <= set(other.messages), sorted(set(EN.messages) - set(other.messages))
        for key, text in EN.messages.items():
            assert placeholders(other.messages[key]) == placeholders(text), key
    # beyond English, only the finding wordings (English findings are the auditors' own words)
    assert {k for k in set(ZH.messages) - set(EN.messages) if not k.startswith("message.")} == set()


def test_keys_named_in_templates_and_code_exist():
    sources = [p.read_text() for p in (PACKAGE / "templates").glob("*.html")]
    sources += [p.read_text() for p in PACKAGE.glob("_*.py")] + [(PACKAGE.parent / "cli" / "_report.py").read_text()]
    literal = {k for s in sources for k in re.findall(r"""\bt\(\s*["']([a-z_][a-z0-9_.\-]*)["']""", s)}
    prefixes = {k for s in sources for k in re.findall(r"""\bt\(\s*f["']([a-z_][a-z0-9_.\-]*\.)\{""", s)}
    assert len(literal) > 80 and prefixes
    for lang in LANGUAGES:
        messages = load_catalogue(lang).messages
        # English findings are the auditors' own words: only other languages need the message table
        needed = {k for k in literal if lang != "en" or not k.startswith("message.")}
        assert needed <= set(messages), (lang, sorted(needed - set(messages)))
        for prefix in {p for p in prefixes if lang != "en" or not p.startswith("message.")}:
            assert any(k.startswith(prefix) for k in messages), (lang, prefix)


def test_principles_in_chinese():
    expected = {Principle.PEOPLE_ORIENTED: "以人为本", Principle.TRANSPARENCY: "公开透明",
                Principle.SHARED_RISK: "风险共担", Principle.SUSTAINABILITY: "可持续发展",
                Principle.FAIRNESS: "公平公正"}
    assert {p: ZH(f"principle.{p.value}") for p in Principle} == expected
    html = render_html(make_record(), lang="zh")
    for name in expected.values():
        assert name in html


def test_unknown_language_is_a_clear_error():
    with pytest.raises(InputDataError, match="unknown report language 'fr'; expected one of: en, zh"):
        render_html(make_record(), lang="fr")


def _mixed_record(frame) -> govaudit.AuditRecord:
    rng = np.random.default_rng(1)
    decisions = (frame["eligible"].to_numpy() ^ (rng.random(len(frame)) < 0.1)).astype(int)
    real = govaudit.audit(y_true=frame["eligible"], y_pred=decisions, sensitive_features=frame[["channel", "sex"]],
                          name="zh_check", auditors={"bias": {"n_resamples": 50, "require_significance": True,
                                                              "gates": {"impact_ratio": {"min": 0.8},
                                                                        "equal_opportunity_difference": {"max": 0.1}}}})
    extra = [
        Finding(auditor="oversight", check="oversight.requirements", status=Status.SKIPPED,
                evidence={"missing": ["decision_log"]}, message="The oversight auditor was skipped: no decision_log."),
        Finding(auditor="provenance", check="provenance.run", status=Status.ERROR, evidence={"exception": "ValueError"},
                message="The provenance auditor crashed: ValueError: bad"),
    ]
    return make_record(list(real.findings) + extra, auditors=real.auditors)


def _strings(value, out: set[str]) -> set[str]:
    if isinstance(value, dict):
        for k, v in value.items():
            out.add(str(k))
            _strings(v, out)
    elif isinstance(value, (list, tuple)):
        for v in value:
            _strings(v, out)
    elif isinstance(value, str):
        out.add(value)
    return out


def _visible_text(page: str, data: set[str]) -> str:
    page = re.sub(r"<style[^>]*>.*?</style>", " ", page, flags=re.S)
    text = htmlmod.unescape(re.sub(r"<[^>]+>", " ", page))
    for s in sorted((s for s in data if len(s) >= 2), key=len, reverse=True):  # the record's own text is data
        text = text.replace(s, " ")
    return text


def _english_phrases() -> dict[str, set[str]]:
    """English fixed phrases per key, leaving out words a Chinese text keeps as they are (names, symbols)."""
    phrases = {}
    for key, text in EN.messages.items():
        if key.startswith("meta."):
            continue
        zh = ZH.messages[key]
        words = set()
        for fragment in re.split(r"\{[^}]*\}", text):
            for phrase in re.findall(r"[A-Za-z][A-Za-z'-]*(?:\s+[A-Za-z][A-Za-z'-]*)*", fragment):
                if len(phrase) >= 3 and phrase.lower() not in zh.lower():
                    words.add(phrase)
        phrases[key] = words
    return phrases


def test_chinese_pages_have_no_english_fixed_text(applications):
    record = _mixed_record(applications)
    data = _strings(record.model_dump(mode="json"), set()) | {"govaudit"}
    pages = {
        "report": render_html(record, lang="zh", ledger={"seq": 3}),
        "card": render_card(record, lang="zh", transparency={"decides": "是否发放补贴"}),
        "markdown": render_markdown(record, lang="zh"),
    }
    phrases = _english_phrases()
    for name, page in pages.items():
        text = _visible_text(page, data)
        left = sorted({p for ps in phrases.values() for p in ps
                       if re.search(rf"(?<![A-Za-z]){re.escape(p)}(?![A-Za-z])", text, re.I)})
        assert not left, (name, left)
    # and the same check finds English in an English page, so it can fail
    english = _visible_text(render_html(record, lang="en"), data)
    assert any(re.search(rf"(?<![A-Za-z]){re.escape(p)}(?![A-Za-z])", english) for p in phrases["report.summary_heading"])


def test_every_bias_and_runner_finding_is_worded_in_chinese(applications):
    record = _mixed_record(applications)
    for finding in record.findings:
        text, original = localise_message(finding, ZH)
        assert not original, finding.check
        assert re.search(r"[\u4e00-\u9fff]", text) and text != finding.message
    impact = next(f for f in record.findings if f.check == "bias.impact_ratio")
    text, _ = localise_message(impact, ZH)
    assert f"{impact.value:.2f} 倍" in text and impact.evidence["group"] in text


def test_an_unknown_auditors_message_is_shown_as_its_original_words():
    finding = Finding(auditor="acme", check="acme.thing", status=Status.PASS, message="All good.")
    assert localise_message(finding, ZH) == ("All good.", True)
    assert localise_message(finding, EN) == ("All good.", False)
    html = render_html(make_record([finding]), lang="zh")
    assert "All good." in html and "审计器原文" in html


def test_a_wording_file_that_repeats_a_key_is_refused(tmp_path, monkeypatch):
    from govaudit.report import _i18n

    locales = tmp_path / "locales"
    (locales / "zh").mkdir(parents=True)
    (locales / "zh.toml").write_text('[message]\nx = "一"\n', encoding="utf-8")
    (locales / "zh" / "a.toml").write_text('[message.a]\ny = "二"\n', encoding="utf-8")
    monkeypatch.setattr(_i18n.resources, "files", lambda package: tmp_path)
    _i18n.load_catalogue.cache_clear()
    try:
        assert _i18n.load_catalogue("zh").messages == {"message.x": "一", "message.a.y": "二"}
        _i18n.load_catalogue.cache_clear()
        (locales / "zh" / "b.toml").write_text('[message]\nx = "三"\n', encoding="utf-8")
        with pytest.raises(ValueError, match=r"b.toml repeats 'message.x'"):
            _i18n.load_catalogue("zh")
    finally:
        _i18n.load_catalogue.cache_clear()
