"""The provenance auditor's data-quality and group findings in the report's language (``message.provenance.*``).

Missing values (overall and by group), duplicates, out-of-range values, personal data,
representativeness, label base rates and leakage; the source checks and the shared helpers are in
:mod:`govaudit.report._i18n_provenance`, whose ``message`` calls these.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable

from govaudit.core import Finding, Status
from govaudit.report._i18n import Catalogue, fmt_num, fmt_share, p_text
from govaudit.report._i18n_provenance import (
    _P,
    _REPR,
    _english_role,
    _int,
    _names,
    _outcome,
    _role,
    _unrepr,
)

__all__ = ["WORDINGS"]

#: What an undeclared column looks like (the auditor's words) -> catalogue key.
_KINDS = {"e-mail address": "email", "phone number": "phone", "national ID number": "national_id",
          "person's name": "name", "postal address": "postal", "date of birth": "birth", "bank account": "bank",
          "IP address": "ip"}


def _missingness(f: Finding, t: Catalogue) -> str | None:
    ev = f.evidence
    table = _role(ev["table"], t)
    shares = {str(c): float(s) for c, s in ev["missing_share"].items()}
    limit = float(ev["max_missing_share"])
    if not shares:
        return t(_P + "missing_none", table=table)
    over = sorted((c for c, s in shares.items() if s > limit), key=lambda c: -shares[c])
    if over:
        return t(_P + "missing_over", table=table, n=len(over), limit=f"{limit:.0%}", column=over[0],
                 share=fmt_share(shares[over[0]]))
    worst = max(shares, key=lambda c: shares[c])
    return t(_P + "missing_within", table=table, complete=f"{1 - limit:.0%}", column=worst,
             share=fmt_share(shares[worst]))


def _differential_missingness(f: Finding, t: Catalogue) -> str | None:
    ev = f.evidence
    table = _role(ev["table"], t)
    if f.status is Status.SKIPPED:
        return t(_P + "diff_no_feature", table=table)
    tests = ev["tests"]
    if not tests:
        return t(_P + "diff_no_tests", table=table)
    if f.status is Status.PASS:
        return t(_P + "diff_alike", table=table, features=t.join([str(x) for x in ev["features"]]), n=len(tests))
    _, column, feature = f.groups
    if f.value is None:  # the gap and its test withheld (disclosure control)
        return t(_P + "diff_withheld", table=table, column=column, feature=feature, outcome=_outcome(f, t))
    test = next((x for x in tests if x["column"] == column and x["feature"] == feature and x.get("flagged")), None)
    if test is None:
        return None
    flagged = sum(1 for x in tests if x.get("flagged"))

    def share(group: str) -> str:
        value = test["groups"][group]["missing_share"]
        return t(_P + "diff_suppressed") if value is None else fmt_share(value)

    text = t(_P + "diff_flagged", table=table, column=column, feature=feature, high_group=test["highest"],
             high=share(test["highest"]), low_group=test["lowest"], low=share(test["lowest"]),
             p=f"{float(test['p_adjusted']):.2g}")
    return text + (t(_P + "diff_more", n=flagged - 1) if flagged > 1 else t(_P + "diff_end"))


def _duplicates(f: Finding, t: Catalogue) -> str | None:
    ev = f.evidence
    table = _role(ev["table"], t)
    repeated, share = _int(ev["repeated_rows"]), float(ev["share"])
    key, key_repeats = ev.get("primary_key"), _int(ev.get("repeated_keys") or 0)
    rows = {"n": f"{repeated:,}", "share": f"{share:.2%}"}
    if f.status is Status.WARN:
        parts = ([t(_P + "dup_rows", **rows)] if repeated else []) + \
                ([t(_P + "dup_keys", n=f"{key_repeats:,}", key=key)] if key_repeats else [])
        return t(_P + "dup_warn", table=table, parts=t(_P + "dup_and").join(parts)) if parts else None
    # a declared key missing from the table is named only in the message; so are repeats within the allowed
    # share (which a record of an earlier version words as "no repeated rows")
    within = "no repeated rows" if not repeated else "(?:no repeated rows|" + re.escape(
        f"{repeated:,} repeated row(s) ({share:.2%}), within the limit of ") + r"\d+\.\d\d%)"
    prefix = re.escape(f"The {_english_role(str(ev['table']))} has ") + within
    match = re.fullmatch(prefix + rf"(?: and its key {_REPR} is unique)?\.", f.message)
    if match is None:
        return None
    key = _unrepr(match.group(1)) if match.group(1) else None
    if repeated:
        limit = f.threshold if f.threshold is not None else ev.get("max_duplicate_share")
        return t(_P + ("dup_within_key" if key else "dup_within"), table=table, key=key, limit=f"{float(limit):.2%}",
                 **rows)
    return t(_P + ("dup_none_key" if key else "dup_none"), table=table, key=key)


def _out_of_range(f: Finding, t: Catalogue) -> str | None:
    ev = f.evidence
    table = _role(ev["table"], t)
    if f.status is Status.SKIPPED:
        return t(_P + "oor_none", table=table)
    bad = {str(c): _int(n) for c, n in ev["out_of_range"].items() if n}
    if bad:
        first = max(bad, key=lambda c: bad[c])
        return t(_P + "oor_warn", table=table, n=f"{sum(bad.values()):,}", k=len(bad), column=first,
                 count=f"{bad[first]:,}")
    return t(_P + "oor_pass", table=table, n=_int(ev["checked_columns"]))


def _personal_data(f: Finding, t: Catalogue) -> str | None:
    ev = f.evidence
    if f.status is Status.PASS:
        return t(_P + "personal_pass")
    inputs, identifiers = ev["personal_inputs"], ev["undeclared_identifiers"]
    parts = []
    if inputs:
        parts.append(t(_P + "personal_inputs", n=len(inputs), columns=_names([c["column"] for c in inputs], t, 5)))
    if identifiers:
        first = identifiers[0]
        parts.append(t(_P + "personal_identifiers", n=len(identifiers), table=_role(first["table"], t),
                       column=first["column"], kind=t(f"{_P}identifier.{_KINDS[first['looks_like']]}"),
                       basis=t(f"{_P}identifier_basis.{first['basis']}")))
    return t(_P + "personal_warn", parts=t("meta.clause_separator").join(parts)) if parts else None


def _representativeness(f: Finding, t: Catalogue) -> str | None:
    ev = f.evidence
    if not ev:
        for why, key in (("declares no reference shares", "rep_no_reference"),
                         ("has no table to compare", "rep_no_table")):
            if f.message.startswith(f"The audit {why},"):
                return t(_P + key)
        return None
    table, feature = _role(ev["table"], t), ev["feature"]
    if "n" not in ev:
        return t(_P + "rep_no_column", table=table, feature=feature)
    if ev["n"] == 0:
        return t(_P + "rep_empty", table=table, feature=feature)
    lowest, ratio, p = ev["lowest"], float(ev["lowest_ratio"]), float(ev["p_value"])
    common = {"table": table, "feature": feature, "group": lowest, "source": ev["reference_source"],
              "ratio": f"{ratio:.2f}", "statistic": f"{float(ev['statistic']):.1f}", "p": p_text(p)}
    if ratio < float(ev["min_ratio"]):
        row = next((g for g in ev["groups"] if g["group"] == lowest), None)
        if row is None:
            return None
        significance = "" if p <= float(ev["level"]) else t(_P + "rep_not_significant")
        return t(_P + "rep_short", share=fmt_share(row["share"]), reference=fmt_share(row["reference_share"]),
                 significance=significance, **common)
    return t(_P + "rep_pass", min=f"{float(ev['min_ratio']):.0%}", **common)


def _label_base_rates(f: Finding, t: Catalogue) -> str | None:
    ev = f.evidence
    if not ev:
        if f.message.startswith("No label is known"):
            return t(_P + "labels_none")
        role = next((r for r in ("training_data", "data")
                     if f.message == f"No sensitive feature of the {_english_role(r)} is known."), None)
        return t(_P + "labels_no_feature", table=_role(role, t)) if role else None
    role, feature = str(ev["table"]), ev["feature"]
    table = _role(role, t)
    if "ratio" not in ev:  # the smallest group size compared is only in the message
        match = re.fullmatch(re.escape(f"In the {_english_role(role)}, fewer than two groups of {feature} have ")
                             + r"(\d+) or more rows; base rates cannot be compared\.", f.message)
        return t(_P + "labels_few", table=table, feature=feature, n=match.group(1)) if match else None
    if ev["ratio"] is None and ev.get("test") is None:  # withheld (disclosure control)
        return t(_P + "labels_withheld", feature=feature, outcome=_outcome(f, t))
    eligible = [r for r in ev["groups"] if r.get("eligible") and r.get("rate") is not None]
    low, high = min(eligible, key=lambda r: r["rate"]), max(eligible, key=lambda r: r["rate"])
    p = (ev.get("test") or {}).get("p_value")
    defined = isinstance(p, (int, float)) and math.isfinite(p)
    text = t(_P + "labels_rates", table=table, feature=feature, low_group=low["group"], low=fmt_share(low["rate"]),
             high_group=high["group"], high=fmt_share(high["rate"]), ratio=fmt_num(ev["ratio"], 2),
             p=p_text(float(p)) if defined else t(_P + "p_undefined"))
    return text + t(_P + ("labels_learns" if f.status is Status.WARN else "labels_end"))


def _method(method: str, t: Catalogue) -> str | None:
    if match := re.fullmatch(rf"key {_REPR}", method):
        return t(_P + "method_key", key=_unrepr(match.group(1)))
    if match := re.fullmatch(r"hash of the (\d+) shared columns", method):
        return t(_P + "method_hash", n=match.group(1))
    return None


def _leakage(f: Finding, t: Catalogue) -> str | None:
    ev = f.evidence
    if not ev:
        return t(_P + "leak_none")
    method = _method(str(ev["method"]), t)
    if method is None:
        return None
    overlap, limit = _int(ev["overlapping_rows"]), _int(ev["max_overlap_rows"])
    share = f"{float(ev['share']):.2%}"
    if overlap > limit:
        return t(_P + "leak_found", n=f"{overlap:,}", share=share, method=method)
    if overlap:  # within the allowed overlap: the English says "no evaluation row"; say how many
        return t(_P + "leak_within", n=f"{overlap:,}", share=share, method=method, limit=f"{limit:,}")
    return t(_P + "leak_pass", method=method)


#: Check -> its wording function (each named after its check).
WORDINGS: dict[str, Callable[[Finding, Catalogue], str | None]] = {f"provenance.{fn.__name__[1:]}": fn for fn in (
    _missingness, _differential_missingness, _duplicates, _out_of_range, _personal_data, _representativeness,
    _label_base_rates, _leakage)}
