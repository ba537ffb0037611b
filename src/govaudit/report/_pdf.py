"""PDF output: the HTML report printed by headless Chromium (Debian's ``chromium`` package).

The page has no script and no external resource; Chromium is still started with every host
unresolvable, so that printing cannot reach the network. Folded sections (``<details>``) are
printed open, since paper cannot be clicked; a Chinese page is printed only when a font that
covers Chinese is installed (else :class:`~govaudit.report._fonts.MissingFontError`).
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from govaudit.exceptions import GovauditError
from govaudit.report._fonts import require_cjk_font

__all__ = ["CHROMIUM_ENV", "MSG_NO_CHROMIUM", "MSG_PRINT_FAILED", "PdfError", "find_chromium", "html_to_pdf", "printable"]

#: Environment variable naming the Chromium executable to use.
CHROMIUM_ENV = "GOVAUDIT_CHROMIUM"
_CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
MSG_NO_CHROMIUM = (
    "PDF output needs headless Chromium, and none was found (looked for {names} on PATH and {env}); "
    "install Debian's 'chromium' package, or write HTML with --format html and print it from a browser"
)
MSG_PRINT_FAILED = "Chromium could not print {path} to PDF (exit {code}): {detail}"
_TIMEOUT_S = 120
_HTML_LANG = re.compile(r"<html\b[^>]*?\blang=\"([^\"]+)\"", re.I)
_CLOSED_DETAILS = re.compile(r"<details(?![^>]*\bopen\b)")


class PdfError(GovauditError):
    """PDF output is not possible here (no Chromium) or printing failed."""


def find_chromium() -> str | None:
    """The Chromium executable: ``$GOVAUDIT_CHROMIUM`` if set, else the first one found on PATH."""
    configured = os.environ.get(CHROMIUM_ENV)
    if configured:
        return shutil.which(configured) or (configured if Path(configured).is_file() else None)
    for name in _CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


def printable(html: str) -> str:
    """The page with every folded section open: what is folded on screen is printed in full."""
    return _CLOSED_DETAILS.sub("<details open", html)


def html_to_pdf(html: str, path: Path, *, chromium: str | None = None) -> Path:
    """Print ``html`` to a PDF file at ``path`` with headless Chromium (written atomically).

    Parameters
    ----------
    html : str
        A self-contained page, e.g. from :func:`govaudit.report.render_html`.
    path : Path
        Where the PDF goes; its folder is created if missing.
    chromium : str, optional
        The browser executable (default: :func:`find_chromium`).

    Returns
    -------
    Path

    Raises
    ------
    PdfError
        No Chromium was found, or it failed to print.
    MissingFontError
        The page is Chinese and no installed font covers Chinese (it would print as boxes).
    """
    executable = chromium or find_chromium()
    if executable is None:
        raise PdfError(MSG_NO_CHROMIUM.format(names=", ".join(_CANDIDATES), env=f"${CHROMIUM_ENV}"))
    lang = _HTML_LANG.search(html)
    if lang is not None:
        require_cjk_font(lang.group(1))
    html = printable(html)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="govaudit-pdf-") as work:
        page = Path(work) / "report.html"
        page.write_text(html, encoding="utf-8")
        fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        os.close(fd)
        tmp = Path(tmp_name)
        args = [
            executable, "--headless", "--disable-gpu", "--no-first-run", "--no-default-browser-check",
            "--disable-extensions", "--disable-background-networking", "--disable-sync",
            f"--user-data-dir={Path(work) / 'profile'}",
            "--host-resolver-rules=MAP * ~NOTFOUND",  # no network, even if a page asked for it
            "--no-pdf-header-footer", f"--print-to-pdf={tmp}", page.as_uri(),
        ]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            args.insert(1, "--no-sandbox")  # Chromium refuses to start as root with its sandbox
        try:
            done = subprocess.run(args, capture_output=True, text=True, timeout=_TIMEOUT_S, check=False)
            if done.returncode != 0 or tmp.stat().st_size == 0:
                detail = " ".join((done.stderr or "").strip().splitlines()[-1:]) or "no output"
                raise PdfError(MSG_PRINT_FAILED.format(path=path, code=done.returncode, detail=detail))
            os.chmod(tmp, 0o644)
            os.replace(tmp, path)
        except subprocess.TimeoutExpired:
            raise PdfError(MSG_PRINT_FAILED.format(path=path, code="timeout", detail=f"no answer in {_TIMEOUT_S} s")) from None
        finally:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
    return path
