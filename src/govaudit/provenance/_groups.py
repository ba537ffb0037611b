"""Group-level checks of the training data: representativeness against declared reference shares,
label base rates by group, and overlap between training and evaluation rows (leakage)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from govaudit.provenance._context import ROLE_WORDS, Context, finding
from govaudit.core import Finding, Principle, Status
from govaudit.provenance._manifest import ReferenceShares

__all__ = ["label_base_rates", "leakage", "representation_test", "representativeness"]

_FAIR = (Principle.FAIRNESS, Principle.TRANSPARENCY)
_REF_REPRESENT = "EU AI Act Art. 10(3)"
_REF_BIAS = "EU AI Act Art. 10(2)(f)"
_REF_NIST = "NIST AI RMF MEASURE 2.11"
_REF_ATRS = "UK ATRS Tier 2 (data)"


def _training_role(ctx: Context) -> str | None:
    return "training_data" if ctx.table("training_data") is not None else ("data" if ctx.table("data") is not None else None)


def representation_test(values: pd.Series, reference: ReferenceShares) -> dict[str, Any]:
    """Compare group counts in ``values`` with the reference shares (chi-square goodness of fit).

    Rows whose group is missing or not in the reference are left out (and counted); expected counts
    are the reference shares, renormalised over the referenced groups, times the rows kept.
    """
    text = values.dropna().astype(str)
    counts = text.value_counts()
    names = list(reference.shares)
    observed = np.array([int(counts.get(g, 0)) for g in names], dtype=float)
    n = observed.sum()
    shares = np.array([reference.shares[g] for g in names], dtype=float)
    shares = shares / shares.sum()
    expected = shares * n
    if n == 0:
        return {"n": 0, "groups": [], "statistic": None, "p_value": None, "lowest": None, "lowest_ratio": None,
                "unreferenced": {}, "missing": int(values.isna().sum())}
    from scipy.stats import chisquare  # scipy.stats is slow to import: only when a check runs

    result = chisquare(observed, expected)
    ratios = (observed / n) / shares
    low = int(np.argmin(ratios))
    return {
        "n": int(n),
        "groups": [{"group": g, "count": int(o), "share": float(o / n), "reference_share": float(s),
                    "ratio": float(r)} for g, o, s, r in zip(names, observed, shares, ratios)],
        "statistic": float(result.statistic), "p_value": float(result.pvalue), "df": len(names) - 1,
        "lowest": names[low], "lowest_ratio": float(ratios[low]),
        "unreferenced": {str(g): int(c) for g, c in counts.items() if str(g) not in reference.shares},
        "missing": int(values.isna().sum()),
    }


def representativeness(ctx: Context) -> list[Finding]:
    """Group shares in the training data against the manifest's reference shares, largest shortfall named."""
    cfg = ctx.config
    refs = (_REF_REPRESENT, _REF_NIST, _REF_ATRS)
    role = _training_role(ctx)
    if not ctx.manifest.reference or role is None:
        why = "declares no reference shares" if not ctx.manifest.reference else "has no table to compare"
        return [finding("representativeness", Status.SKIPPED, f"The audit {why}, so representativeness against the "
                        "population served cannot be checked.", principles=_FAIR, references=refs)]
    table = ctx.table(role)
    assert table is not None
    words = ROLE_WORDS[role]
    out = []
    for reference in ctx.manifest.reference:
        if reference.feature not in table.columns:
            out.append(finding("representativeness", Status.WARN, f"Reference shares are declared for "
                               f"{reference.feature!r}, but the {words} has no such column.",
                               groups=(reference.feature,), evidence={"table": role, "feature": reference.feature},
                               principles=_FAIR, references=refs))
            continue
        test = representation_test(table[reference.feature], reference)
        evidence = {"table": role, "feature": reference.feature, "reference_source": reference.source,
                    "method": "chi-square goodness of fit", "level": cfg.significance_level,
                    "min_ratio": cfg.min_representation_ratio, **test}
        if test["n"] == 0:
            out.append(finding("representativeness", Status.WARN, f"No row of the {words} falls in a referenced group "
                               f"of {reference.feature!r}.", groups=(reference.feature,), evidence=evidence,
                               principles=_FAIR, references=refs))
            continue
        lowest, ratio, p = test["lowest"], test["lowest_ratio"], test["p_value"]
        row = next(g for g in test["groups"] if g["group"] == lowest)
        significant = p <= cfg.significance_level
        shortfall = ratio < cfg.min_representation_ratio
        status = Status.FAIL if shortfall and significant else (Status.WARN if shortfall else Status.PASS)
        p_text = "p < 0.001" if p < 0.001 else f"p = {p:.3f}"
        if shortfall:
            msg = (f"In the {words}, {lowest!r} ({reference.feature}) makes up {row['share']:.1%} of rows against "
                   f"{row['reference_share']:.1%} in {reference.source}: {ratio:.2f} of its reference share, the "
                   f"largest under-representation (chi-square {test['statistic']:.1f}, {p_text}"
                   + ("" if significant else ", not significant") + ").")
        else:
            msg = (f"In the {words}, every group of {reference.feature} has at least "
                   f"{cfg.min_representation_ratio:.0%} of its share in {reference.source} (lowest: {lowest!r} at "
                   f"{ratio:.2f}; chi-square {test['statistic']:.1f}, {p_text}).")
        out.append(finding("representativeness", status, msg, value=ratio, threshold=cfg.min_representation_ratio,
                           operator=">=", groups=(reference.feature, lowest), evidence=evidence, principles=_FAIR,
                           references=refs))
    return out


def _labels(ctx: Context) -> tuple[str, np.ndarray, pd.DataFrame] | None:
    """(table role, favourable-label indicator, table to group by) for base rates."""
    cfg = ctx.config
    training = ctx.table("training_data")
    if training is not None and cfg.label is not None and cfg.label in training.columns:
        column = training[cfg.label]
        favourable = (column == cfg.favourable_label) | (column.astype(str) == str(cfg.favourable_label))
        keep = column.notna().to_numpy()
        return "training_data", favourable.to_numpy()[keep].astype(np.int8), training[keep]
    if ctx.subject.y_true is not None and ctx.subject.sensitive_features is not None:
        return "data", np.asarray(ctx.subject.y_true, dtype=np.int8), ctx.subject.sensitive_features
    return None


def label_base_rates(ctx: Context) -> list[Finding]:
    """Favourable-label rates by sensitive group in the data a model learns from (historical bias)."""
    cfg = ctx.config
    refs = (_REF_BIAS, _REF_NIST)
    labelled = _labels(ctx)
    if labelled is None:
        return [finding("label_base_rates", Status.SKIPPED, "No label is known (set [auditors.provenance] label for "
                        "the training table), so base rates by group cannot be compared.",
                        principles=_FAIR, references=refs)]
    role, y, frame = labelled
    words = ROLE_WORDS[role]
    features = ctx.sensitive_columns(role, frame) if role == "training_data" else [
        c for c in (ctx.config.sensitive_features or list(ctx.subject.sensitive_features.columns)) if c in frame.columns]
    out = []
    for feature in features:
        known = frame[feature].notna().to_numpy()
        groups = frame[feature].to_numpy()[known].astype(str)
        stats = pd.Series(y[known]).groupby(groups).agg(["sum", "size"])
        rows = []
        for g, r in stats.iterrows():
            n, x = int(r["size"]), int(r["sum"])
            shown = n >= cfg.suppress_below
            rows.append({"group": str(g), "count": n, "rate": x / n if shown else None,
                         "eligible": n >= cfg.min_group_size, "suppressed": not shown})
        eligible = [r for r in rows if r["eligible"] and r["rate"] is not None]
        evidence: dict[str, Any] = {"table": role, "feature": feature, "groups": rows, "level": cfg.significance_level,
                                    "min_ratio": cfg.min_base_rate_ratio, "unknown": int((~known).sum())}
        if len(eligible) < 2:
            out.append(finding("label_base_rates", Status.WARN, f"In the {words}, fewer than two groups of {feature} "
                               f"have {cfg.min_group_size} or more rows; base rates cannot be compared.",
                               groups=(feature,), evidence=evidence, principles=_FAIR, references=refs))
            continue
        low, high = min(eligible, key=lambda r: r["rate"]), max(eligible, key=lambda r: r["rate"])
        ratio = low["rate"] / high["rate"] if high["rate"] > 0 else float("nan")
        contingency = stats.loc[[r["group"] for r in eligible]]
        table = np.column_stack([contingency["sum"], contingency["size"] - contingency["sum"]])
        from scipy.stats import chi2_contingency  # scipy.stats is slow to import: only when a check runs

        test = chi2_contingency(table, correction=False) if (table.sum(axis=0) > 0).all() else None
        p = float(test.pvalue) if test is not None else float("nan")
        evidence.update(ratio=ratio, test={"method": "chi-square independence", "statistic":
                                           float(test.statistic) if test is not None else None, "p_value": p})
        significant = p == p and p <= cfg.significance_level
        gap = ratio == ratio and ratio < cfg.min_base_rate_ratio
        status = Status.WARN if gap and significant else Status.PASS
        p_text = "undefined" if p != p else ("p < 0.001" if p < 0.001 else f"p = {p:.3f}")
        msg = (f"In the {words}, the favourable label is recorded for {low['rate']:.1%} of {low['group']!r} and "
               f"{high['rate']:.1%} of {high['group']!r} ({feature}; ratio {ratio:.2f}, {p_text})"
               + ("; a model trained on these labels learns the gap." if status is Status.WARN else "."))
        out.append(finding("label_base_rates", status, msg, value=ratio, threshold=cfg.min_base_rate_ratio,
                           operator=">=", groups=(feature, low["group"], high["group"]), evidence=evidence,
                           principles=_FAIR, references=refs))
    if not out:
        out.append(finding("label_base_rates", Status.SKIPPED, f"No sensitive feature of the {words} is known.",
                           principles=_FAIR, references=refs))
    return out


def leakage(ctx: Context) -> list[Finding]:
    """Evaluation rows that also appear in the training data, by a declared key, else by whole-row hash."""
    refs = ("EU AI Act Art. 10(3)", "EU AI Act Annex IV 2(g)")
    train, test = ctx.table("training_data"), ctx.table("data")
    if train is None or test is None:
        return [finding("leakage", Status.SKIPPED, "The audit does not have both training and evaluation data "
                        "([data] training in the spec), so their overlap cannot be checked.", references=refs)]
    key = ctx.config.leakage_key
    if key is None:
        specs = [ctx.dataset_for(r) for r in ("training_data", "data")]
        keys = {s.primary_key for s in specs if s is not None and s.primary_key}
        key = keys.pop() if len(keys) == 1 else None
    if key is not None and key in train.columns and key in test.columns:
        method = f"key {key!r}"
        overlap = int(test[key].isin(train[key]).sum())
    else:
        common = [c for c in test.columns if c in train.columns]
        method = f"hash of the {len(common)} shared columns"
        train_hashes = pd.util.hash_pandas_object(train[common], index=False)
        overlap = int(pd.util.hash_pandas_object(test[common], index=False).isin(train_hashes).sum())
        key = None
    share = overlap / len(test)
    limit = ctx.config.max_overlap_rows
    evidence = {"method": method, "overlapping_rows": overlap, "evaluation_rows": len(test),
                "training_rows": len(train), "share": share, "max_overlap_rows": limit}
    if overlap > limit:
        # a shared key is a definite leak; identical rows without a key may be different people
        status = Status.FAIL if key is not None else Status.WARN
        return [finding("leakage", status, f"{overlap:,} evaluation row(s) ({share:.2%}) also appear in the training "
                        f"data (matched by {method}), so the evaluation overstates how the model does on new cases.",
                        value=overlap, threshold=limit, operator="<=", evidence=evidence, references=refs)]
    seen = "No evaluation row appears" if not overlap else \
        f"{overlap:,} evaluation row(s) ({share:.2%}), within the limit of {limit:,}, appear"
    return [finding("leakage", Status.PASS, f"{seen} in the training data (matched by {method}).",
                    value=overlap, threshold=limit, operator="<=", evidence=evidence, references=refs)]
