"""Chinese pages are printed only with a font that covers Chinese; else a typed error naming the package."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from govaudit.cli import main
from govaudit.report import MissingFontError, render_card, render_html, require_cjk_font
from govaudit.report import _fonts
from govaudit.report._pdf import html_to_pdf, printable

from _factories import make_record


@pytest.fixture
def no_cjk_font(monkeypatch):
    monkeypatch.setattr(_fonts, "cjk_fonts", lambda: [])


def test_chinese_pdf_without_a_cjk_font_is_an_error_naming_the_package(no_cjk_font, tmp_path):
    target = tmp_path / "report.pdf"
    for html in (render_html(make_record(), lang="zh"), render_card(make_record(), lang="zh")):
        # any executable stands in for Chromium: the font is checked before the browser starts
        with pytest.raises(MissingFontError, match=r"apt-get install -y fonts-wqy-microhei") as caught:
            html_to_pdf(html, target, chromium=sys.executable)
        assert "fonts-noto-cjk" in str(caught.value) and "'zh-Hans'" in str(caught.value)
    assert not target.exists() and list(tmp_path.iterdir()) == []


def test_english_needs_no_cjk_font(no_cjk_font):
    require_cjk_font("en")
    with pytest.raises(MissingFontError):
        require_cjk_font("zh")
    with pytest.raises(MissingFontError):
        require_cjk_font("zh-Hans")


def test_cli_prints_one_line_and_exits_2(no_cjk_font, monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("GOVAUDIT_CHROMIUM", sys.executable)
    record = tmp_path / "record.json"
    record.write_text(make_record().to_json())
    target = tmp_path / "report.pdf"
    code = main(["report", str(record), "--format", "pdf", "--lang", "zh", "--out", str(target)])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and "fonts-wqy-microhei" in err and "Traceback" not in err
    assert not target.exists()


def test_fonts_are_found_with_fontconfig(monkeypatch):
    if shutil.which("fc-list") is None:
        pytest.skip("no fontconfig on this machine")
    found = _fonts.cjk_fonts()
    if not found:
        pytest.skip("no CJK font installed (apt-get install fonts-wqy-microhei)")
    assert all(Path(f).is_file() for f in found)
    require_cjk_font("zh")
    # without fontconfig nothing can be found, so Chinese is refused rather than printed as boxes
    monkeypatch.setattr(_fonts.shutil, "which", lambda name: None)
    assert _fonts.cjk_fonts() == []
    with pytest.raises(MissingFontError):
        require_cjk_font("zh")


def test_folded_sections_are_printed_open():
    html = render_html(make_record())
    assert "<details" in html
    opened = printable(html)
    assert opened.count("<details open") == html.count("<details") and "<details>" not in opened
