"""Guess whether a column holds direct identifiers, from its name and from the shape of its values.

Used to warn about undeclared personal data and to mark guesses in drafted manifests. Only the kind
of match and the share of sampled values that matched are ever reported, never a value.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["IdentifierGuess", "guess_identifier", "guess_personal_name", "guess_sensitive_name"]

#: Column-name patterns of direct identifiers and contact details, matched as the last word(s) of a
#: normalised name ("applicant_email", "home_phone_number"), so "ip_range_count" is not an IP address.
_SUFFIX = r"(_(number|no|nr|id|address))?$"
_NAME_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(r"(^|_)(" + words + ")" + _SUFFIX)) for kind, words in (
        ("e-mail address", r"e_?mail|mail"),
        ("phone number", r"phone|telephone|tel|mobile|msisdn|cell"),
        ("national ID number", r"ssn|nino|bsn|national_id|national_insurance|social_security|personal_number|"
                               r"personnummer|tax_id|tin|passport|id_card|identity|citizen_id|nin|pesel|dni|nif"),
        ("person's name", r"first_?name|last_?name|surname|given_name|family_name|full_?name|forename|name"),
        ("postal address", r"address|street|postcode|post_code|zip|zip_code"),
        ("date of birth", r"dob|date_of_birth|birth_?date|birthday"),
        ("bank account", r"iban|bank_account|account|card"),
        ("IP address", r"ip|ip_address"),
    )
)

#: Value patterns (full match on the stripped value), most specific first.
_VALUE_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("e-mail address", re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}")),
    ("national ID number", re.compile(
        r"\d{3}-\d{2}-\d{4}"                      # US SSN
        r"|[A-CEGHJ-PR-TW-Z]{2}\d{6}[A-D]"          # UK National Insurance number
        r"|\d{6}[-+]\d{4}"                         # Nordic personal identity numbers
        r"|\d{2}[01]\d[0-3]\d{6}")),               # birth-date-prefixed 11-digit numbers (e.g. PESEL)
    ("bank account", re.compile(r"[A-Z]{2}\d{2}[A-Z0-9]{11,30}")),  # IBAN
    ("IP address", re.compile(r"(\d{1,3}\.){3}\d{1,3}")),
    ("phone number", re.compile(r"\+?\d{1,3}?[ .\-]?\(?\d{2,4}\)?([ .\-]?\d{2,4}){2,3}")),
)

#: Column-name patterns of characteristics that are usually personal (though not identifying alone).
_PERSONAL_NAMES = re.compile(r"(^|_)(age|sex|gender|birth|income|salary|disability|health|religion|"
                             r"ethnicity|ethnic|race|nationality|language|marital|household)($|_)")
#: Protected characteristics and special categories (EU AI Act Art. 10(5), GDPR Art. 9).
_SENSITIVE_NAMES = re.compile(r"(^|_)(age|age_band|sex|gender|disability|health|religion|ethnicity|ethnic|"
                              r"race|nationality|sexual_orientation|political|union|marital)($|_)")


@dataclass(frozen=True)
class IdentifierGuess:
    """Why a column looks like a direct identifier.

    Attributes
    ----------
    kind : str
        What it looks like, e.g. ``"e-mail address"``.
    basis : str
        ``"name"`` (the column's name) or ``"values"`` (the shape of sampled values).
    share : float or None
        For a value match, the share of sampled non-missing values that matched.
    """

    kind: str
    basis: str
    share: float | None = None


def _normalise(name: str) -> str:
    snake = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", str(name))
    return re.sub(r"[^a-z0-9]+", "_", snake.lower()).strip("_")


def guess_identifier(name: str, values: Iterable[object] = (), *, min_share: float = 0.5) -> IdentifierGuess | None:
    """Whether a column looks like a direct identifier, by its name or by its values.

    Parameters
    ----------
    name : str
        The column's name.
    values : iterable
        A sample of its values; non-strings and missing values are ignored.
    min_share : float
        Share of sampled string values that must match one value pattern.

    Returns
    -------
    IdentifierGuess or None
    """
    normalised = _normalise(name)
    for kind, pattern in _NAME_PATTERNS:
        if pattern.search(normalised):
            return IdentifierGuess(kind, "name")
    strings = [v.strip() for v in values if isinstance(v, str) and v.strip()]
    if not strings:
        return None
    for kind, pattern in _VALUE_PATTERNS:
        share = sum(1 for v in strings if pattern.fullmatch(v)) / len(strings)
        if share >= min_share:
            return IdentifierGuess(kind, "values", share)
    return None


def guess_personal_name(name: str) -> bool:
    """Whether a column's name suggests data about a person (age, income, sex ...)."""
    return bool(_PERSONAL_NAMES.search(_normalise(name)))


def guess_sensitive_name(name: str) -> bool:
    """Whether a column's name suggests a protected characteristic or special category."""
    return bool(_SENSITIVE_NAMES.search(_normalise(name)))
