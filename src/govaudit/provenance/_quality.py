"""Data-quality checks on the tables the audit used: missingness (overall and by group), duplicates,
values outside the declared schema, and personal data."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from govaudit.provenance._context import ROLE_WORDS, Context, finding
from govaudit.core import Finding, Principle, Status
from govaudit.provenance._personal import guess_identifier

__all__ = ["differential_missingness", "duplicates", "holm", "missingness", "missingness_test", "out_of_range",
           "personal_data"]

_REF_COMPLETE = "EU AI Act Art. 10(3)"
_REF_GAPS = "EU AI Act Art. 10(2)(h)"
_REF_BIAS = "EU AI Act Art. 10(2)(f)"
_REF_NIST = "NIST AI RMF MEASURE 2.11"
_REF_PURPOSE = "EU AI Act Art. 10(2)(b)"
_REF_MINIMISE = "GDPR Art. 5(1)(c)"
_QUALITY = (Principle.TRANSPARENCY, Principle.FAIRNESS)
_FAIR = (Principle.FAIRNESS,)
_PEOPLE = (Principle.PEOPLE_ORIENTED, Principle.TRANSPARENCY)


def missingness(ctx: Context) -> list[Finding]:
    """Share of missing values per column of each table; a column above ``max_missing_share`` warns."""
    out = []
    limit = ctx.config.max_missing_share
    for role, table in ctx.tables().items():
        words = ROLE_WORDS[role]
        shares = table.isna().mean()
        with_missing = {str(c): float(s) for c, s in shares.items() if s > 0}
        worst = max(with_missing, key=with_missing.get) if with_missing else None
        over = sorted((c for c, s in with_missing.items() if s > limit), key=lambda c: -with_missing[c])
        evidence = {"table": role, "rows": len(table), "columns": table.shape[1], "missing_share": with_missing,
                    "max_missing_share": limit, "complete_rows_share": float((~table.isna().any(axis=1)).mean())}
        if over:
            msg = (f"In the {words}, {len(over)} column(s) miss more than {limit:.0%} of values; worst is "
                   f"{over[0]!r} with {with_missing[over[0]]:.1%} missing.")
            status = Status.WARN
        elif worst is not None:
            msg = (f"In the {words}, every column is at least {1 - limit:.0%} complete (most missing: {worst!r}, "
                   f"{with_missing[worst]:.1%}).")
            status = Status.PASS
        else:
            msg, status = f"The {words} has no missing values.", Status.PASS
        out.append(finding("missingness", status, msg, value=with_missing.get(worst, 0.0) if worst else 0.0,
                           threshold=limit, operator="<=", groups=(role,), evidence=evidence,
                           principles=_QUALITY, references=(_REF_COMPLETE, _REF_GAPS)))
    return out


def missingness_test(missing: np.ndarray, groups: np.ndarray) -> tuple[str, float, float]:
    """Test that the missing share is the same in every group.

    Parameters
    ----------
    missing : array of bool
        Whether each row's value is missing.
    groups : array
        Each row's group (no missing groups).

    Returns
    -------
    (method, statistic, p_value)
        Pearson's chi-square test of independence of the groups-by-missing table (no continuity
        correction, so that for two groups it equals the squared two-proportion z), or Fisher's
        exact test for a 2x2 table with an expected count under 5.
    """
    from scipy.stats import chi2_contingency, fisher_exact  # scipy.stats is slow to import: only when a check runs

    table = pd.crosstab(groups, missing).reindex(columns=[False, True], fill_value=0).to_numpy()
    table = table[table.sum(axis=1) > 0]
    if table.shape[0] < 2 or table[:, 1].sum() == 0 or table[:, 0].sum() == 0:
        return "undefined: no variation", float("nan"), float("nan")
    expected = table.sum(axis=1, keepdims=True) * table.sum(axis=0, keepdims=True) / table.sum()
    if table.shape[0] == 2 and expected.min() < 5:
        statistic, p = fisher_exact(table)
        return "fisher exact", float(statistic), float(p)
    result = chi2_contingency(table, correction=False)
    return "chi-square", float(result.statistic), float(result.pvalue)


def holm(p_values: list[float]) -> list[float]:
    """Holm-Bonferroni adjusted p-values (NaN stays NaN), controlling the family-wise error rate."""
    p = np.asarray(p_values, dtype=float)
    adjusted = np.full_like(p, np.nan)
    valid = np.flatnonzero(~np.isnan(p))
    order = valid[np.argsort(p[valid])]
    m = len(order)
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p[i]))
        adjusted[i] = running
    return adjusted.tolist()


def _differential_tests(table: pd.DataFrame, sensitive: list[str], suppress_below: int) -> list[dict[str, Any]]:
    tests = []
    missing_cols = [c for c in table.columns if table[c].isna().any()]
    for feature in sensitive:
        known = table[feature].notna().to_numpy()
        groups = table[feature].to_numpy()[known].astype(str)
        for column in missing_cols:
            if column == feature:
                continue
            missing = table[column].isna().to_numpy()[known]
            shares = pd.Series(missing).groupby(groups).agg(["mean", "size"])
            method, statistic, p = missingness_test(missing, groups)
            tests.append({
                "column": str(column), "feature": feature, "method": method, "statistic": statistic, "p_value": p,
                # disclosure control: a tiny group's share could reveal one person's gap
                "groups": {str(g): {"count": int(r["size"]),
                                    "missing_share": float(r["mean"]) if r["size"] >= suppress_below else None}
                           for g, r in shares.iterrows()},
                "gap": float(shares["mean"].max() - shares["mean"].min()),
                "highest": str(shares["mean"].idxmax()), "lowest": str(shares["mean"].idxmin()),
            })
    return tests


def _share_text(share: float | None) -> str:
    return "a suppressed share (small group)" if share is None else f"{share:.1%}"


def differential_missingness(ctx: Context) -> list[Finding]:
    """Missingness that differs by sensitive group (a known source of bias), with a significance test."""
    out = []
    cfg = ctx.config
    refs = (_REF_BIAS, _REF_GAPS, _REF_NIST)
    for role, table in ctx.tables().items():
        words = ROLE_WORDS[role]
        sensitive = ctx.sensitive_columns(role, table)
        if not sensitive:
            out.append(finding("differential_missingness", Status.SKIPPED, f"No sensitive feature of the {words} "
                               "is known, so missingness by group cannot be checked.", groups=(role,),
                               evidence={"table": role}, principles=_FAIR, references=refs))
            continue
        tests = _differential_tests(table, sensitive, cfg.suppress_below)
        for test, adjusted in zip(tests, holm([t["p_value"] for t in tests])):
            test["p_adjusted"] = adjusted
            test["significant"] = bool(adjusted == adjusted and adjusted <= cfg.significance_level)
            test["flagged"] = test["significant"] and test["gap"] >= cfg.min_missing_gap
        flagged = sorted((t for t in tests if t["flagged"]), key=lambda t: -t["gap"])
        evidence = {"table": role, "features": sensitive, "tests": tests, "correction": "holm",
                    "level": cfg.significance_level, "min_gap": cfg.min_missing_gap}
        if not tests:
            out.append(finding("differential_missingness", Status.PASS, f"The {words} has no missing values outside "
                               "the sensitive features, so no group misses more data than another.",
                               groups=(role,), evidence=evidence, principles=_FAIR, references=refs))
            continue
        if flagged:
            t = flagged[0]
            hi, lo = (_share_text(t["groups"][t[k]]["missing_share"]) for k in ("highest", "lowest"))
            msg = (f"In the {words}, {t['column']!r} is missing for {hi} of {t['highest']!r} "
                   f"but {lo} of {t['lowest']!r} ({t['feature']}); the difference is "
                   f"statistically significant (adjusted p = {t['p_adjusted']:.2g})"
                   + (f", and {len(flagged) - 1} more column/feature pair(s) differ." if len(flagged) > 1 else "."))
            out.append(finding("differential_missingness", Status.WARN, msg, value=t["gap"],
                               threshold=cfg.min_missing_gap, operator="<=",
                               groups=(role, t["column"], t["feature"]), evidence=evidence, principles=_FAIR,
                               references=refs))
        else:
            out.append(finding("differential_missingness", Status.PASS, f"In the {words}, missing values are spread "
                               f"alike across the groups of {', '.join(sensitive)} ({len(tests)} test(s)).",
                               groups=(role,), evidence=evidence, principles=_FAIR, references=refs))
    return out


def _row_hashes(table: pd.DataFrame) -> pd.Series:
    return pd.util.hash_pandas_object(table, index=False)


def duplicates(ctx: Context) -> list[Finding]:
    """Exactly repeated rows, and repeated values of the declared primary key."""
    out = []
    limit = ctx.config.max_duplicate_share
    for role, table in ctx.tables().items():
        words = ROLE_WORDS[role]
        repeated = int(_row_hashes(table).duplicated().sum())
        share = repeated / len(table) if len(table) else 0.0
        evidence: dict[str, Any] = {"table": role, "rows": len(table), "repeated_rows": repeated, "share": share}
        spec = ctx.dataset_for(role)
        key = spec.primary_key if spec is not None else None
        key_repeats = 0
        if key is not None and key in table.columns:
            key_repeats = int(table[key].duplicated().sum())
            evidence.update(primary_key=key, repeated_keys=key_repeats)
        if share > limit or key_repeats:
            parts = []
            if repeated:
                parts.append(f"{repeated:,} row(s) ({share:.2%}) repeat an earlier row exactly")
            if key_repeats:
                parts.append(f"{key_repeats:,} value(s) of the key {key!r} repeat")
            out.append(finding("duplicates", Status.WARN, f"In the {words}, {' and '.join(parts)}.", value=share,
                               threshold=limit, operator="<=", groups=(role,), evidence=evidence,
                               principles=_QUALITY, references=(_REF_COMPLETE,)))
        else:
            rows = "no repeated rows" if not repeated else \
                f"{repeated:,} repeated row(s) ({share:.2%}), within the limit of {limit:.2%}"
            out.append(finding("duplicates", Status.PASS, f"The {words} has {rows}"
                               + (f" and its key {key!r} is unique." if key else "."), value=share,
                               threshold=limit, operator="<=", groups=(role,), evidence=evidence,
                               principles=_QUALITY, references=(_REF_COMPLETE,)))
    return out


def _outside(series: pd.Series, allowed: tuple | None, low: float | None, high: float | None) -> int:
    values = series.dropna()
    bad = pd.Series(False, index=values.index)
    if allowed is not None:
        as_text = {str(a) for a in allowed}
        bad |= ~(values.isin(list(allowed)) | values.astype(str).isin(as_text))
    if low is not None or high is not None:
        numbers = pd.to_numeric(values, errors="coerce")
        bad |= numbers.isna()  # text in a numeric column is out of range too
        if low is not None:
            bad |= numbers < low
        if high is not None:
            bad |= numbers > high
    return int(bad.sum())


def out_of_range(ctx: Context) -> list[Finding]:
    """Values outside the declared allowed values or min/max (counts only, never the values)."""
    out = []
    for role, table in ctx.tables().items():
        words = ROLE_WORDS[role]
        spec = ctx.dataset_for(role)
        ruled = [c for c in (spec.columns if spec else ()) if c.name in table.columns
                 and (c.allowed_values is not None or c.min is not None or c.max is not None)]
        if not ruled:
            out.append(finding("out_of_range", Status.SKIPPED, f"The manifest declares no allowed values or ranges "
                               f"for the {words}.", groups=(role,), evidence={"table": role},
                               principles=_QUALITY, references=(_REF_COMPLETE,)))
            continue
        counts = {c.name: _outside(table[c.name], c.allowed_values, c.min, c.max) for c in ruled}
        bad = {k: v for k, v in counts.items() if v}
        evidence = {"table": role, "dataset": ctx.matches.get(role), "checked_columns": len(ruled),
                    "out_of_range": counts}
        if bad:
            first = max(bad, key=bad.get)
            out.append(finding("out_of_range", Status.WARN, f"In the {words}, {sum(bad.values()):,} value(s) in "
                               f"{len(bad)} column(s) fall outside the declared schema; most in {first!r} "
                               f"({bad[first]:,}).", groups=(role, *bad), evidence=evidence,
                               principles=_QUALITY, references=(_REF_COMPLETE,)))
        else:
            out.append(finding("out_of_range", Status.PASS, f"Every value of the {len(ruled)} column(s) with declared "
                               f"values or ranges in the {words} is within them.", groups=(role,), evidence=evidence,
                               principles=_QUALITY, references=(_REF_COMPLETE,)))
    return out


def _sample(series: pd.Series, n: int) -> list[Any]:
    values = series.dropna()
    if len(values) > n:
        values = values.sample(n, random_state=0)
    return values.tolist()


def personal_data(ctx: Context) -> list[Finding]:
    """Declared personal data reaching the model, and undeclared columns that look like direct identifiers."""
    cfg = ctx.config
    refs = (_REF_PURPOSE, _REF_MINIMISE)
    in_model: list[dict[str, Any]] = []
    identifiers: list[dict[str, Any]] = []
    features = [str(c) for c in ctx.subject.features.columns] if ctx.subject.features is not None else []
    declared_personal = {c.name: c for spec in ctx.manifest.sources.values() for c in spec.columns
                         if c.personal_data}
    for name in features:
        column = declared_personal.get(name)
        if column is not None and name not in cfg.allow_personal_features:
            in_model.append({"column": name, "category": column.personal_category,
                             "sensitive": column.sensitive})
    for role, table in ctx.tables().items():
        spec = ctx.dataset_for(role)
        declared_names = {c.name for c in spec.columns} if spec else set()
        for column in table.columns:
            if str(column) in declared_names:
                continue
            guess = guess_identifier(str(column), _sample(table[column], cfg.identifier_sample),
                                     min_share=cfg.min_identifier_share)
            if guess is not None:
                identifiers.append({"table": role, "column": str(column), "looks_like": guess.kind,
                                    "basis": guess.basis, "matching_share": guess.share})
    evidence = {"personal_inputs": in_model, "undeclared_identifiers": identifiers,
                "allowed_personal_features": list(cfg.allow_personal_features), "model_inputs": len(features)}
    parts = []
    if in_model:
        parts.append(f"{len(in_model)} declared personal-data column(s) reach the model without approval as an "
                     f"input ({', '.join(repr(c['column']) for c in in_model[:5])})")
    if identifiers:
        first = identifiers[0]
        parts.append(f"{len(identifiers)} undeclared column(s) look like direct identifiers ({first['column']!r} in "
                     f"the {ROLE_WORDS[first['table']]} looks like a {first['looks_like']}, from its {first['basis']})")
    groups = tuple(dict.fromkeys([c["column"] for c in in_model] + [c["column"] for c in identifiers]))
    if parts:
        text = "; ".join(parts)
        return [finding("personal_data", Status.WARN, text[0].upper() + text[1:] + ".", groups=groups,
                        evidence=evidence, principles=_PEOPLE, references=refs)]
    return [finding("personal_data", Status.PASS, "No undeclared column looks like a direct identifier, and every "
                    "personal-data model input was approved.", evidence=evidence, principles=_PEOPLE,
                    references=refs)]
