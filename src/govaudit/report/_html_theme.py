"""The HTML pages' colours and their Jinja2 environment, shared by the report and the transparency card.

The environment autoescapes everything, so every value from a record reaches a page as text.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jinja2 import Environment

__all__ = ["CONTRAST_PAIRS", "PALETTE", "render_template"]

#: Colours of the page: (foreground, background) pairs for verdicts and statuses.
PALETTE: dict[str, Any] = {
    "text": "#1b1b1b",
    "muted": "#4a4a4a",
    "background": "#ffffff",
    "panel": "#f1f3f5",
    "rule": "#c4c8cc",
    "verdict": {
        "pass": ("#ffffff", "#1e6b34"),
        "warn": ("#ffffff", "#7a4f00"),
        "fail": ("#ffffff", "#a1141d"),
        "error": ("#ffffff", "#5b135b"),
        "inconclusive": ("#ffffff", "#8a3b00"),
    },
    "status": {
        "pass": ("#14532d", "#dcf5e3"),
        "warn": ("#5c3c00", "#fff1c2"),
        "fail": ("#8a1020", "#fde2e4"),
        "error": ("#5b135b", "#f6e3f6"),
        "skipped": ("#333333", "#e9ecef"),
        "reference": ("#3b1d63", "#ece4f7"),
        "inconclusive": ("#6b2e00", "#ffe3cc"),
        "reported": ("#0b3d6b", "#e0eefb"),
        "excluded": ("#333333", "#e9ecef"),
    },
}
#: Every (foreground, background) pair of text colours the page uses, for the WCAG contrast test.
CONTRAST_PAIRS: tuple[tuple[str, str], ...] = (
    (PALETTE["text"], PALETTE["background"]),
    (PALETTE["text"], PALETTE["panel"]),
    (PALETTE["muted"], PALETTE["background"]),
    (PALETTE["muted"], PALETTE["panel"]),
    *PALETTE["verdict"].values(),
    *PALETTE["status"].values(),
)


@lru_cache(maxsize=1)
def _environment() -> Environment:
    from jinja2 import Environment, PackageLoader, StrictUndefined  # only the HTML pages need jinja2

    # autoescape everything: the templates only ever produce HTML (and the CSS holds no record data)
    return Environment(loader=PackageLoader("govaudit.report", "templates"), autoescape=True,
                       undefined=StrictUndefined, keep_trailing_newline=True)


def render_template(name: str, **context: Any) -> str:
    """Render one of the package's Jinja2 templates with autoescaping."""
    return _environment().get_template(name).render(palette=PALETTE, **context)
