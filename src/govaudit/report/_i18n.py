"""Message catalogues: every fixed text of the HTML report, the card and the Markdown summary.

Catalogues are TOML files shipped as package data (``report/locales/<lang>.toml``); nested tables
are flattened to dotted keys (``[status] pass = ...`` -> ``status.pass``). A missing key is an error,
never a silent fallback, so an untranslated string cannot slip into a rendered page.

English findings are worded by the auditors themselves (``Finding.message``). Other languages word
the findings they know from the evidence (the catalogue's ``message`` table) and show any other
auditor's message as its original text, labelled as such. The sentences every auditor shares are worded
here once: the runner's (a skipped auditor, one asked for and made inconclusive, one that crashed), the
audit-wide Holm correction's (:func:`judged_sentence`), and the numbers, p-values and gate bands the
auditors' modules (``_i18n_<auditor>.py``, each a :class:`Wording`) quote.
"""

from __future__ import annotations

import math
import string
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any, Protocol

from govaudit.core import Finding, Status
from govaudit.exceptions import InputDataError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

__all__ = [
    "LANGUAGES",
    "MSG_MISSING_KEY",
    "MSG_UNKNOWN_LANGUAGE",
    "UNDEFINED",
    "Catalogue",
    "Wording",
    "finite",
    "fmt_band",
    "fmt_bound",
    "fmt_ci",
    "fmt_num",
    "fmt_share",
    "judged_sentence",
    "load_catalogue",
    "localise_message",
    "p_text",
    "placeholders",
    "quoted_number",
]

#: Languages with a catalogue.
LANGUAGES: tuple[str, ...] = ("en", "zh")
#: How an undefined (null) number is shown; never as 0.
UNDEFINED = "—"
MSG_UNKNOWN_LANGUAGE = "unknown report language {lang!r}; expected one of: {known}"
MSG_MISSING_KEY = "message catalogue {lang!r} has no entry {key!r}"


def _flatten(table: Mapping[str, Any], prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            out.update(_flatten(value, name + "."))
        else:
            out[name] = str(value)
    return out


@dataclass(frozen=True)
class Catalogue:
    """The fixed texts of one language; call it with a key (and fields) to get a text.

    Attributes
    ----------
    lang : str
        Language code, e.g. ``"zh"``.
    messages : dict of str to str
        Dotted key -> text with ``{field}`` placeholders.
    """

    lang: str
    messages: Mapping[str, str]

    def __call__(self, key: str, /, **fields: Any) -> str:
        """The text for ``key`` with ``fields`` filled in; ``KeyError`` if the catalogue lacks it."""
        try:
            text = self.messages[key]
        except KeyError:
            raise KeyError(MSG_MISSING_KEY.format(lang=self.lang, key=key)) from None
        return text.format(**fields) if fields else text

    def has(self, key: str) -> bool:
        """Whether the catalogue has ``key``."""
        return key in self.messages

    def get(self, key: str, default: str | None = None, /, **fields: Any) -> str | None:
        """Like calling the catalogue, but ``default`` when the key is absent (for optional texts)."""
        return self(key, **fields) if key in self.messages else default

    @property
    def html_lang(self) -> str:
        """The BCP 47 tag for ``<html lang>``."""
        return self("meta.html_lang")

    def join(self, items: Sequence[str]) -> str:
        """Items joined with the language's list separator."""
        return self("meta.list_separator").join(items)


@lru_cache(maxsize=None)
def load_catalogue(lang: str = "en") -> Catalogue:
    """Load the message catalogue of ``lang``.

    Parameters
    ----------
    lang : {"en", "zh"}

    Returns
    -------
    Catalogue

    Raises
    ------
    InputDataError
        If there is no catalogue for ``lang``.
    """
    if lang not in LANGUAGES:
        raise InputDataError(MSG_UNKNOWN_LANGUAGE.format(lang=lang, known=", ".join(LANGUAGES)))
    locales = resources.files("govaudit.report").joinpath("locales")
    messages = _flatten(tomllib.loads(locales.joinpath(f"{lang}.toml").read_text(encoding="utf-8")))
    # one more file per auditor's finding wordings: locales/<lang>/<auditor>.toml
    folder = locales.joinpath(lang)
    parts = sorted((p for p in folder.iterdir() if p.name.endswith(".toml")), key=lambda p: p.name) \
        if folder.is_dir() else []
    for part in parts:
        extra = _flatten(tomllib.loads(part.read_text(encoding="utf-8")))
        twice = sorted(set(extra) & set(messages))
        if twice:
            raise ValueError(f"message catalogue {lang!r}: {part.name} repeats {twice[0]!r}")
        messages.update(extra)
    return Catalogue(lang, messages)


def placeholders(text: str) -> set[str]:
    """The ``{field}`` names a catalogue text uses."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


# --------------------------------------------------------------------------- numbers


def finite(value: Any) -> float | None:
    """``value`` as a finite float; None when it is missing, not a number (a bool is not), NaN or infinite."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def fmt_num(value: Any, digits: int = 3) -> str:
    """A number for people: undefined (``None``) is an em dash, never 0."""
    v = finite(value)
    if v is None:
        return UNDEFINED
    if v.is_integer() and abs(v) >= 1000:
        return f"{int(v):,}"
    if v != 0 and abs(v) < 10 ** (-digits):
        return f"{v:.2e}"
    return f"{v:.{digits}f}"


def fmt_share(value: Any) -> str:
    """A share as a percentage with one decimal."""
    v = finite(value)
    return UNDEFINED if v is None else f"{v * 100:.1f}%"


def fmt_ci(interval: Any) -> str:
    """``0.410–0.590``, or an em dash when the interval is missing or undefined."""
    if isinstance(interval, Sequence) and not isinstance(interval, str) and len(interval) == 2:
        low, high = finite(interval[0]), finite(interval[1])
        if low is not None and high is not None:
            return f"{fmt_num(low)}–{fmt_num(high)}"
    return UNDEFINED


def quoted_number(text: str) -> str:
    """A number quoted from an auditor's English (``11.7 %``) as the report shows it (``11.7%``, or an em dash)."""
    return UNDEFINED if text == "undefined" else text.replace(" %", "%")


_SYMBOLS = {">=": "≥", "<=": "≤"}


def fmt_bound(operator: str, threshold: float) -> str:
    """A one-sided gate as ``≥ 0.8`` or ``≤ 1.25`` (``>`` and ``<`` as they are)."""
    return f"{_SYMBOLS.get(operator, operator)} {threshold:g}"


def fmt_band(gate: Mapping[str, Any], within: str, t: Catalogue, *, ascii: bool = False) -> str:
    """A ratio band (``min``, ``max``): both bounds by the catalogue text ``within``, one as ``≥ 0.8``.

    With ``ascii`` one bound is written ``>= 0.8`` or ``<= 1.25``. ``ValueError`` for a band without bounds.
    """
    low, high = finite(gate.get("min")), finite(gate.get("max"))
    if low is not None and high is not None:
        return t(within, min=f"{low:g}", max=f"{high:g}")
    if low is not None:
        operator, bound = ">=", low
    elif high is not None:
        operator, bound = "<=", high
    else:
        raise ValueError("a gate without bounds")
    return f"{operator} {bound:g}" if ascii else fmt_bound(operator, bound)


# --------------------------------------------------------------------------- finding messages


class Wording(Protocol):
    """How an auditor's module words its findings: ``govaudit.report._i18n_<auditor>.message``."""

    def __call__(self, finding: Finding, t: Catalogue, /) -> str | None:
        """``finding`` (of the module's auditor) in ``t``'s language, with its ``message.<auditor>.*`` texts.

        Returns the message worded from the finding's value, gate and evidence, with the numbers of the
        auditor's English message; or None for a check or shape the module cannot word faithfully. It may
        raise ``KeyError``, ``TypeError``, ``ValueError`` or ``IndexError`` on evidence without its check's
        shape. Either way the caller then shows ``finding.message``, labelled as the original wording.
        """


def p_text(value: float) -> str:
    """A p-value as the auditors write it: ``p < 0.001`` or ``p = 0.012``."""
    return "p < 0.001" if value < 0.001 else f"p = {value:.3f}"


def judged_sentence(block: Mapping[str, Any], t: Catalogue) -> str | None:
    """What the audit-wide correction says of a significance-gated finding, in ``t``'s language.

    ``block`` is the finding's ``significance`` evidence after Holm's correction (see
    :func:`govaudit.metrics.judge_significance`); None before it was judged.
    """
    if "family_size" not in block or "beyond_limit" not in block:
        return None
    raw, adjusted = finite(block.get("p_value")), finite(block.get("p_adjusted"))
    if raw is None or adjusted is None:
        tested = t("message.holm.untestable")
    else:
        tested = t("message.holm.tested", family=block["family_size"], p=p_text(raw), p_adjusted=p_text(adjusted))
    if not block["beyond_limit"]:
        key = "pass_significant" if block.get("significant") else "pass_not_significant"
    else:
        key = "fail" if block.get("significant") else "inconclusive"
    return t(f"message.holm.{key}", tested=tested)


@lru_cache(maxsize=None)
def _wording(auditor: str) -> Wording | None:
    """The function that words ``auditor``'s findings from their evidence, or None.

    Besides the bias auditor's (here), each is ``message`` in ``govaudit.report._i18n_<auditor>``,
    with its texts in ``locales/<lang>/<auditor>.toml``.
    """
    if not auditor.isidentifier():
        return None
    from importlib import import_module
    from importlib.util import find_spec

    name = f"govaudit.report._i18n_{auditor}"
    if find_spec(name) is None:
        return None
    return getattr(import_module(name), "message", None)


def localise_message(finding: Finding, t: Catalogue) -> tuple[str, bool]:
    """The finding's one-sentence message in the catalogue's language.

    Returns
    -------
    (str, bool)
        The message, and whether it is the auditor's original wording (not translated).
    """
    if t.lang == "en":
        return finding.message, False
    name = finding.auditor
    ev = finding.evidence
    text: str | None = None
    if finding.check == f"{name}.requirements" and finding.status in (Status.SKIPPED, Status.INCONCLUSIVE):
        missing = ev.get("missing")
        if isinstance(missing, list) and missing:
            text = t("message.skipped_missing", auditor=name, missing=t.join([str(m) for m in missing]))
            if finding.status is Status.INCONCLUSIVE:  # asked for by the audit (govaudit.verdicts.fail_closed)
                text += t("message.asked_for")
    elif finding.check == f"{name}.run" and finding.status is Status.ERROR:
        text = t("message.crashed", auditor=name, exception=ev.get("exception", ""))
    if text is None and finding.check.startswith(f"{name}.") and (wording := _wording(name)) is not None:
        try:
            text = wording(finding, t)
        except (TypeError, ValueError, KeyError, IndexError):  # unexpected evidence: the auditor's words instead
            text = None
    if text is None:
        return finding.message, True
    return text, False
