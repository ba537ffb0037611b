"""PDF output through headless Chromium's print-to-PDF; skips where there is no Chromium."""

from __future__ import annotations

import re

import pytest

from govaudit.cli import main
from govaudit.report import find_chromium, html_to_pdf, render_card, render_html
from govaudit.report._pdf import CHROMIUM_ENV, PdfError

from _factories import make_record

needs_chromium = pytest.mark.skipif(find_chromium() is None, reason="no Chromium on this machine (apt-get install chromium)")


def _pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?!s)", pdf))


@needs_chromium
def test_report_prints_to_a_pdf(tmp_path, applications):
    from test_html import bias_record

    out = html_to_pdf(render_html(bias_record(applications)), tmp_path / "sub" / "report.pdf")
    data = out.read_bytes()
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    assert _pages(data) >= 2  # A4 pages: the report is several pages long
    assert not list(out.parent.glob(".*.tmp"))  # written atomically: no temporary file left


@needs_chromium
def test_card_is_one_printed_page(tmp_path):
    out = html_to_pdf(render_card(make_record()), tmp_path / "card.pdf")
    assert _pages(out.read_bytes()) == 1


@needs_chromium
def test_report_command_writes_pdf(tmp_path, capsys):
    record = tmp_path / "record.json"
    record.write_text(make_record().to_json())
    out = tmp_path / "report.pdf"
    assert main(["report", str(record), "--format", "pdf", "--out", str(out), "--lang", "zh"]) == 0
    assert out.read_bytes().startswith(b"%PDF-")
    assert main(["card", str(record), "--pdf", "--out", str(tmp_path / "card.pdf")]) == 0


def test_without_chromium_pdf_is_a_clear_error(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv(CHROMIUM_ENV, str(tmp_path / "no-such-browser"))
    assert find_chromium() is None
    with pytest.raises(PdfError, match="PDF output needs headless Chromium"):
        html_to_pdf("<html></html>", tmp_path / "x.pdf")
    record = tmp_path / "record.json"
    record.write_text(make_record().to_json())
    assert main(["report", str(record), "--format", "pdf", "--out", str(tmp_path / "x.pdf")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "chromium" in err
    assert not (tmp_path / "x.pdf").exists()
