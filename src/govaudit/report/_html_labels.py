"""Labels in words, never keys: checks, auditors and evidence fields as a reader sees them.

The catalogue names the built-in checks and fields (``check.<auditor>.<name>``, ``field.<key>``); a
check or field it does not know (a new auditor's, or a new evidence key) is shown in words made from
its key (``false_match_rate`` -> "False match rate"), so no raw key reaches a reader.
"""

from __future__ import annotations

import re

from govaudit.report._i18n import Catalogue

__all__ = ["auditor_label", "check_label", "field_label", "words"]

_SPLIT = re.compile(r"[_\s]+")
#: Abbreviations kept in capitals when a key is turned into words.
_UPPER = {"ci": "CI", "fpr": "FPR", "fnr": "FNR", "tpr": "TPR", "tnr": "TNR", "npv": "NPV", "fdr": "FDR",
          "auc": "AUC", "id": "ID", "sha256": "SHA-256", "ppr": "PPR", "lr": "LR", "p": "p", "n": "n",
          "eu": "EU", "ai": "AI", "aia": "AIA", "tp": "TP", "fp": "FP", "tn": "TN", "fn": "FN", "pp": "PP",
          "pn": "PN", "ppv": "PPV", "roc": "ROC", "ece": "ECE"}
#: Keys that are an abbreviation as a whole (``for``: false omission rate) but a word inside a longer key.
_WHOLE = {"for": "FOR"}


def words(key: str) -> str:
    """``snake_case`` (or ``dotted.snake``) as words with a capital first letter: ``lr_plus`` -> "LR plus"."""
    if str(key).lower() in _WHOLE:
        return _WHOLE[str(key).lower()]
    parts = [p for p in _SPLIT.split(str(key).replace(".", " ")) if p]
    if not parts:
        return str(key)
    shown = [_UPPER.get(p.lower(), p) for p in parts]
    first = shown[0]
    shown[0] = first if first in _UPPER.values() else first[:1].upper() + first[1:]
    return " ".join(shown)


def field_label(key: str, t: Catalogue) -> str:
    """An evidence field's label: the catalogue's words for ``field.<key>``, else words from the key.

    In a dotted key the last part may be a data label (a column, a month, a reviewer), shown as written:
    ``out_of_range.monthly_income`` -> "Out of range: monthly_income".
    """
    name = "field." + key.replace(".", "_")
    if t.has(name):
        return t(name)
    if "." in key:
        parent, leaf = key.rsplit(".", 1)
        known = t.get(f"field.{leaf}") or t.get(f"metric.{leaf}")
        return f"{field_label(parent, t)}: {known or leaf}"
    return t.get(f"metric.{key}") or _against_reference(key, t) or words(key)


def _against_reference(key: str, t: Catalogue) -> str | None:
    """``fpr_ratio`` -> "False positive rate: ratio to the reference" when the rate has words of its own."""
    for suffix, template in (("_ratio", "metric.ratio_of"), ("_difference", "metric.difference_of")):
        base = key.removesuffix(suffix)
        if base != key and t.has(f"metric.{base}") and t.has(template):
            return t(template, metric=t(f"metric.{base}"))
    return None


def check_label(check: str, t: Catalogue) -> str:
    """A check in words: ``bias.impact_ratio`` -> "Impact ratio"; unknown checks from their key."""
    if t.has(f"check.{check}"):
        return t(f"check.{check}")
    name = check.split(".", 1)[-1]
    if name == "run":
        return t("check.run")
    if t.has(f"metric.{name}"):
        return t(f"metric.{name}")
    return _against_reference(name, t) or words(name)


def auditor_label(name: str, t: Catalogue) -> str:
    """An auditor's heading: the catalogue's name for a built-in one, else "Auditor: <name>"."""
    key = f"auditor.{name}"
    return t(key) if t.has(key) else t("auditor.other", name=name)
