"""The reports in a real browser: headless Chromium (Debian's), network disabled.

No console errors, no network request, no script runs even when labels hold markup, and axe-core
finds no WCAG 2.1 A/AA violation (contrast included). Screenshots go to ``reports/browser/``.
Skips with the reason when Chromium or Playwright is not installed (``make install`` tries to
install Debian's ``chromium``).
"""

from __future__ import annotations

import os
from importlib import metadata
from pathlib import Path

import pytest

from govaudit._extras import too_old
from govaudit.report import find_chromium, render_card, render_html

from test_html import bias_record
from test_html_security import PAYLOADS, hostile_record

REPO = Path(__file__).resolve().parents[2]
SHOTS = REPO / "reports" / "browser"
CHROMIUM = find_chromium()

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no Chromium on this machine (apt-get install chromium)")
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install govaudit[browser])")
_OLD = too_old("playwright", metadata.version("playwright"), "browser tests")
if _OLD:
    pytest.skip(_OLD, allow_module_level=True)


@pytest.fixture(scope="module")
def browser():
    args = ["--host-resolver-rules=MAP * ~NOTFOUND"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        args.append("--no-sandbox")  # Chromium refuses to run as root with its sandbox
    with sync_api.sync_playwright() as p:
        try:
            chromium = p.chromium.launch(executable_path=CHROMIUM, args=args)
        except sync_api.Error as exc:  # pragma: no cover - a broken browser install
            pytest.skip(f"Chromium at {CHROMIUM} does not start: {exc}")
        yield chromium
        chromium.close()


class Opened:
    def __init__(self, browser, html: str) -> None:
        self.context = browser.new_context(offline=True, viewport={"width": 1200, "height": 900})
        self.requests: list[str] = []
        self.console: list[tuple[str, str]] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.context.route("**/*", lambda route: route.abort())  # the network is off
        self.page = self.context.new_page()
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("console", lambda m: self.console.append((m.type, m.text)))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.set_content(html, wait_until="load")

    def close(self) -> None:
        self.context.close()


@pytest.fixture(scope="module")
def record(applications):
    return bias_record(applications)


def needs_font(lang: str) -> None:
    """Skip a page in a language no installed font draws: its screenshot would be boxes."""
    from govaudit.report import MissingFontError, require_cjk_font

    try:
        require_cjk_font(lang)
    except MissingFontError as exc:
        pytest.skip(str(exc))


def _axe(page) -> list[dict]:
    from axe_playwright_python.sync_playwright import Axe

    tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
    result = Axe().run(page, options={"runOnly": {"type": "tag", "values": tags}, "resultTypes": ["violations"]})
    return [{"id": v["id"], "nodes": [n["html"][:120] for n in v["nodes"][:3]]} for v in result.response["violations"]]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_report_opens_offline_without_errors_or_requests(browser, record, lang):
    needs_font(lang)
    opened = Opened(browser, render_html(record, lang=lang, ledger={"seq": 7}))
    try:
        page = opened.page
        assert page.evaluate("document.documentElement.lang") == ("en" if lang == "en" else "zh-Hans")
        assert page.evaluate("document.scripts.length") == 0
        page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")  # folded figures
        svgs = page.evaluate("Array.from(document.querySelectorAll('svg')).map(s => s.getBoundingClientRect().width)")
        assert len(svgs) == 9 and all(w > 200 for w in svgs)  # every plot is drawn, at a readable size
        SHOTS.mkdir(parents=True, exist_ok=True)
        shot = SHOTS / f"report_{lang}.png"
        shot.write_bytes(page.screenshot(full_page=True))  # written here: Playwright would start file-writing threads
        assert shot.stat().st_size > 10_000
        assert _axe(page) == []
        assert opened.requests == [] and opened.errors == [] and opened.dialogs == []
        assert [m for m in opened.console if m[0] in ("error", "warning")] == []
    finally:
        opened.close()


def test_card_opens_offline_and_is_accessible(browser, record):
    opened = Opened(browser, render_card(record, transparency={"decides": "Who gets the allowance.",
                                                               "appeal": "Write within 30 days."}))
    try:
        SHOTS.mkdir(parents=True, exist_ok=True)
        (SHOTS / "card_en.png").write_bytes(opened.page.screenshot(full_page=True))
        assert _axe(opened.page) == []
        assert opened.requests == [] and opened.errors == [] and opened.console == []
    finally:
        opened.close()


def test_markup_in_labels_never_runs(browser):
    record = hostile_record()
    for html in (render_html(record, ledger={"note": PAYLOADS["script"]}), render_card(record)):
        opened = Opened(browser, html)
        try:
            page = opened.page
            assert page.evaluate("typeof window.__pwned") == "undefined"
            assert page.evaluate("document.scripts.length") == 0
            assert page.evaluate("document.querySelectorAll('img, iframe, [onerror], [onload]').length") == 0
            # the labels are on the page as text
            assert PAYLOADS["script"] in page.inner_text("body")
            assert opened.dialogs == [] and opened.requests == [] and opened.errors == []
        finally:
            opened.close()


def test_the_accessibility_check_can_fail(browser):
    opened = Opened(browser, '<!DOCTYPE html><html><head><title>x</title></head><body>'
                             '<p style="color:#aaaaaa">low contrast</p><table><tr><th>a</th></tr></table></body></html>')
    try:
        found = {v["id"] for v in _axe(opened.page)}
        assert {"color-contrast", "html-has-lang"} <= found
    finally:
        opened.close()
