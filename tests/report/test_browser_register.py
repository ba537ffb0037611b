"""The public register site in headless Chromium, opened from file:// with the network off.

Every page loads without errors, runs no script, makes no request outside the site, every link
points to a file of the site, and axe-core finds no WCAG 2.1 A/AA violation. Skips with the reason
when Chromium or Playwright is not installed.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

from _register_site import build_ledger
from govaudit.register import build_site

from test_browser import CHROMIUM, _axe, browser  # noqa: F401 (fixture)

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no Chromium on this machine (apt-get install chromium)")


@pytest.fixture(scope="module")
def site(tmp_path_factory, applications):
    folder = tmp_path_factory.mktemp("register_browser")
    ledger, _ = build_ledger(folder, applications)
    return build_site(ledger, folder / "site")


def _in_site(url: str, root: Path) -> Path | None:
    parsed = urlparse(url)
    if parsed.scheme != "file":
        return None
    path = Path(unquote(parsed.path)).resolve()
    return path if root in path.parents else None


def test_every_page_loads_offline_accessibly_without_outside_requests(browser, site):
    root = site.out.resolve()
    for page_path in site.pages:
        context = browser.new_context(offline=True, viewport={"width": 1200, "height": 900})
        outside: list[str] = []
        errors: list[str] = []
        context.route(lambda url: not url.startswith("file:"), lambda route: (outside.append(route.request.url),
                                                                              route.abort()))
        page = context.new_page()
        page.on("request", lambda r: None if r.url.startswith("file:") else outside.append(r.url))
        page.on("pageerror", lambda e: errors.append(str(e)))
        try:
            page.goto(page_path.resolve().as_uri(), wait_until="load")
            name = page_path.relative_to(site.out).as_posix()
            assert page.evaluate("document.scripts.length") == 0, name
            assert page.evaluate("document.documentElement.lang") in ("en", "zh-Hans"), name
            links = page.evaluate("Array.from(document.querySelectorAll('[href], [src]'))"
                                  ".map(e => e.href || e.src)")
            assert links, name
            for url in links:
                target = _in_site(url, root)
                assert target is not None and target.is_file(), f"{name}: {url}"
            assert _axe(page) == [], name
            assert outside == [] and errors == [], name
        finally:
            context.close()


def test_a_page_that_reached_outside_would_be_seen(browser, tmp_path):
    page_file = tmp_path / "p.html"
    page_file.write_text('<!DOCTYPE html><html lang="en"><head><title>x</title>'
                         '<link rel="stylesheet" href="https://example.org/x.css"></head><body><p>x</p></body></html>')
    context = browser.new_context(offline=True)
    outside: list[str] = []
    context.route(lambda url: not url.startswith("file:"), lambda route: (outside.append(route.request.url),
                                                                          route.abort()))
    try:
        context.new_page().goto(page_file.as_uri(), wait_until="load")
        assert outside == ["https://example.org/x.css"]
    finally:
        context.close()
