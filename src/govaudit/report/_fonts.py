"""Whether a font that draws Chinese is installed, before a Chinese page is printed or photographed.

Without one, Chromium prints every Chinese character as a box and still exits 0: the PDF looks
made and is unreadable. Rendering Chinese therefore checks first and fails with the package to
install. Fonts are found with fontconfig (``fc-list :lang=zh``), which is what Chromium uses on Linux.
"""

from __future__ import annotations

import shutil
import subprocess

from govaudit.exceptions import GovauditError

__all__ = ["CJK_FONT_PACKAGES", "MSG_NO_CJK_FONT", "MissingFontError", "cjk_fonts", "require_cjk_font"]

#: Debian packages with a font that covers simplified Chinese (either is enough).
CJK_FONT_PACKAGES = ("fonts-wqy-microhei", "fonts-noto-cjk")
MSG_NO_CJK_FONT = (
    "rendering {lang!r} needs a font that covers Chinese, and fontconfig lists none (fc-list :lang=zh); "
    "install Debian's '{package}' (or '{other}') package, e.g. apt-get install -y {package}, or render in English"
)
_LANGS_NEEDING_CJK = ("zh",)
_TIMEOUT_S = 30


class MissingFontError(GovauditError):
    """A page in a language whose script no installed font covers would render as boxes."""


def cjk_fonts() -> list[str]:
    """Font files fontconfig lists for Chinese; empty when there is none (or no fontconfig at all)."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return []
    try:
        done = subprocess.run([fc_list, ":lang=zh", "file"], capture_output=True, text=True, timeout=_TIMEOUT_S,
                              check=False)
    except (OSError, subprocess.TimeoutExpired):
        return []
    return [line.strip().rstrip(":") for line in done.stdout.splitlines() if line.strip()]


def require_cjk_font(lang: str) -> None:
    """Raise :class:`MissingFontError` when ``lang`` needs a CJK font and none is installed.

    Parameters
    ----------
    lang : str
        The page's language (``"zh"``, or a tag such as ``"zh-Hans"``); other languages pass.

    Raises
    ------
    MissingFontError
        Naming the Debian package to install.
    """
    if lang.split("-")[0].lower() not in _LANGS_NEEDING_CJK:
        return
    if not cjk_fonts():
        raise MissingFontError(MSG_NO_CJK_FONT.format(lang=lang, package=CJK_FONT_PACKAGES[0],
                                                      other=CJK_FONT_PACKAGES[1]))
