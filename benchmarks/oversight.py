"""Benchmark: the oversight auditor vs a straightforward pandas groupby implementation of the same checks.

Both start from the same raw decision log (a DataFrame as read from Parquet: tz-aware timestamps,
string reviewer ids, three sensitive features) and compute the same numbers: review coverage and
unreviewed cases by month, two-person violations, short reviews and agreement with the model per
reviewer (with Wilson intervals), override / appeal / appeal-success rates by channel, age band and
sex with a two-proportion test of the extreme groups, late appeals by filing month, the share of
cases decided without a person per month, and the ids of the violating cases.

Three timings per size:

(a) govaudit, whole audit: ``OversightAuditor.assess`` (validation of every column, the checks, the
    counts-table bootstrap of each gap with ``--resamples`` resamples, the case table);
(b) govaudit, checks only: the same on an already validated log (no validation);
(c) pandas: the hand-written groupby version (no validation, no bootstrap).

Before any time is reported the per-reviewer and per-group numbers of (a) and (c) are checked to be
equal, so a wrong implementation cannot report a fast time. The log is the sample generator's
(``sample_models.benefits_eligibility.decision_log``) at 1M rows, repeated with fresh case ids up to
the requested size.

Usage::

    python benchmarks/oversight.py            # 1M and 10M rows
    python benchmarks/oversight.py --quick    # 1M rows only
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import os
import platform
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import norm

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from govaudit.oversight._fairness import rate_findings  # noqa: E402
from govaudit.oversight._auditor import OversightAuditor, OversightConfig  # noqa: E402
from govaudit.oversight import validate_decision_log  # noqa: E402
from sample_models.benefits_eligibility.decision_log import SAMPLE_POLICY, generate_decision_log  # noqa: E402

RESULTS_PATH = Path(__file__).resolve().parent / "results" / "oversight.json"
FEATURES = ("channel", "age_band", "sex")
BASE_ROWS = 1_000_000


def make_log(n: int, seed: int = 0) -> pd.DataFrame:
    """The sample log at ``min(n, 1M)`` rows, repeated (with new case ids) up to ``n`` rows."""
    base = generate_decision_log(min(n, BASE_ROWS), seed)
    if n <= len(base):
        return base
    reps = math.ceil(n / len(base))
    frame = pd.concat([base] * reps, ignore_index=True).iloc[:n].reset_index(drop=True)
    frame["case_id"] = pd.Series(np.char.add("BEN-", np.char.zfill(np.arange(1, n + 1).astype(str), 9)),
                                 dtype=base["case_id"].dtype)
    return frame


# --- the straightforward pandas version ---------------------------------------------------------
def _wilson(x: np.ndarray, n: np.ndarray, z: float) -> tuple[np.ndarray, np.ndarray]:
    p = x / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return np.clip(centre - half, 0, 1), np.clip(centre + half, 0, 1)


def _z_test(x1: float, n1: float, x2: float, n2: float) -> float:
    pooled = (x1 + x2) / (n1 + n2)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    return float(2 * norm.sf(abs((x1 / n1 - x2 / n2) / se)))


def pandas_checks(log: pd.DataFrame, config: OversightConfig) -> dict[str, Any]:
    """The same checks with pandas boolean masks and groupby."""
    policy = config.policy
    z = float(norm.ppf(0.5 + config.confidence / 2))
    out: dict[str, Any] = {}
    low, high = policy.uncertainty_band  # type: ignore[misc]
    two = log["case_type"].isin(policy.two_person_case_types)
    required = ((log["recommendation"] == 0) | log["score"].between(low, high)
                | log["case_type"].isin(policy.review_case_types) | two | log["review_required"])
    decided = log["final_decision"].notna()
    reviewed = log["reviewer_1"].notna() & log["review_ended_at"].notna()
    month = log["decided_at"].dt.tz_localize(None).dt.to_period("M")
    missed = required & decided & ~reviewed
    out["coverage"] = {"required": int((required & decided).sum()), "unreviewed": int(missed.sum()),
                       "by_month": month[missed].value_counts().to_dict()}
    bad_two = two & decided & (log["reviewer_2"].isna() | log["reviewer_1"].isna()
                               | (log["reviewer_1"] == log["reviewer_2"]).fillna(False))
    out["two_person"] = int(bad_two.sum())
    rev = log[reviewed & decided]
    seconds = (rev["review_ended_at"] - rev["review_started_at"]).dt.total_seconds()
    table = pd.DataFrame({"short": seconds < policy.min_review_seconds, "seconds": seconds,
                          "agree": rev["final_decision"] == rev["recommendation"], "reviewer": rev["reviewer_1"]})
    per = table.groupby("reviewer").agg(n=("short", "size"), short=("short", "sum"), seconds=("seconds", "mean"),
                                        agree=("agree", "sum"))
    per["short_low"], per["short_high"] = _wilson(per["short"].to_numpy(float), per["n"].to_numpy(float), z)
    per["agree_low"], per["agree_high"] = _wilson(per["agree"].to_numpy(float), per["n"].to_numpy(float), z)
    out["reviewers"] = per
    out["rubber_stampers"] = sorted(per.index[(per["n"] >= config.min_reviews)
                                              & (per["agree_low"] > config.rubber_stamp_agreement)])
    rates: dict[tuple[str, str], pd.DataFrame] = {}
    refused = decided & (log["final_decision"] == 0)
    won = log["appeal_outcome"].notna()
    for feature in FEATURES:
        group = log[feature].fillna("unknown")
        for name, mask, event in (
            ("override_rate", reviewed & decided, log["final_decision"] != log["recommendation"]),
            ("appeal_rate", refused, log["appeal_filed"]),
            ("appeal_success_rate", won, log["appeal_outcome"] == "overturned"),
        ):
            g = event[mask].astype(int).groupby(group[mask]).agg(["sum", "size"])
            g["rate"] = g["sum"] / g["size"]
            g["low"], g["high"] = _wilson(g["sum"].to_numpy(float), g["size"].to_numpy(float), z)
            known = g.drop(index="unknown", errors="ignore")
            known = known[known["size"] >= config.min_group_size]
            lo, hi = known["rate"].idxmin(), known["rate"].idxmax()
            g.attrs["gap"] = float(known["rate"].max() - known["rate"].min())
            g.attrs["p"] = _z_test(known.at[lo, "sum"], known.at[lo, "size"], known.at[hi, "sum"], known.at[hi, "size"])
            rates[(feature, name)] = g
    out["rates"] = rates
    filed = log["appeal_filed"]
    as_of = max(log[c].max() for c in ("decided_at", "review_started_at", "review_ended_at", "appeal_filed_at",
                                       "appeal_decided_at"))
    days = (log["appeal_decided_at"] - log["appeal_filed_at"]).dt.total_seconds() / 86400
    open_days = (as_of - log["appeal_filed_at"]).dt.total_seconds() / 86400
    late = filed & (((days > policy.appeal_deadline_days) & log["appeal_decided_at"].notna())
                    | (log["appeal_decided_at"].isna() & (open_days > policy.appeal_deadline_days)))
    out["late_appeals"] = int(late.sum())
    out["late_by_month"] = log.loc[late, "appeal_filed_at"].dt.tz_localize(None).dt.to_period("M").value_counts()
    unrev = (~reviewed)[decided].groupby(month[decided]).agg(["sum", "size", "mean"])
    out["drift"] = unrev
    short_ids = rev.loc[table["short"].to_numpy(), "case_id"]
    out["violations"] = pd.concat([log.loc[missed, "case_id"], log.loc[bad_two, "case_id"], short_ids,
                                   log.loc[late, "case_id"]], ignore_index=True)
    return out


# --- agreement and timing -----------------------------------------------------------------------
def check_agreement(result: Any, expected: dict[str, Any]) -> None:
    """Fail loudly if govaudit and pandas disagree on any reported number."""
    by_check: dict[str, list] = {}
    for f in result.findings:
        by_check.setdefault(f.check, []).append(f)
    cov = by_check["oversight.review_coverage"][0].evidence
    assert cov["unreviewed"] == expected["coverage"]["unreviewed"], "coverage"
    assert cov["required_decided"] == expected["coverage"]["required"], "coverage"
    assert by_check["oversight.two_person_rule"][0].evidence["violations"] == expected["two_person"], "two-person"
    per = expected["reviewers"]
    for row in by_check["oversight.review_time"][0].evidence["reviewers"]:
        assert row["short_reviews"] == per.at[row["reviewer"], "short"], "short reviews"
        assert abs(row["mean_seconds"] - per.at[row["reviewer"], "seconds"]) < 1e-6, "mean seconds"
        assert np.allclose(row["short_share_ci"], per.loc[row["reviewer"], ["short_low", "short_high"]].astype(float))
    rubber = by_check["oversight.rubber_stamping"][0]
    assert list(rubber.groups) == expected["rubber_stampers"], "rubber stampers"
    for f in by_check["oversight.override_fairness"] + by_check["oversight.appeal_fairness"]:
        g = expected["rates"][(f.evidence["feature"], f.evidence["rate"])]
        for row in f.evidence["groups"]:
            if f.evidence["rate"] in row:
                assert abs(row[f.evidence["rate"]] - g.at[row["group"], "rate"]) < 1e-12, "group rate"
        assert abs(f.value - g.attrs["gap"]) < 1e-12, "gap"
        assert abs(f.evidence["test"]["p_value"] - g.attrs["p"]) < 1e-9 * max(1.0, g.attrs["p"]), "p-value"
    assert by_check["oversight.appeal_timeliness"][0].evidence["late_decided"] + \
        by_check["oversight.appeal_timeliness"][0].evidence["late_open"] == expected["late_appeals"], "late appeals"
    drift = {m["month"]: m["share"] for m in by_check["oversight.automation_drift"][0].evidence["months"]}
    assert np.allclose([drift[str(k)] for k in expected["drift"].index], expected["drift"]["mean"]), "drift"
    assert len(result.case_tables[0].table) == len(expected["violations"]), "violations"


def best_of(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    best, value = math.inf, None
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        value = fn()
        best = min(best, time.perf_counter() - start)
    return best, value


def run(rows: int, repeat: int, resamples: int) -> dict[str, Any]:
    log = make_log(rows)
    config = OversightConfig(policy=SAMPLE_POLICY, sensitive_features=FEATURES, n_resamples=resamples)
    auditor = OversightAuditor()
    t_full, result = best_of(lambda: auditor.assess(log, config), repeat)
    validated = validate_decision_log(log, reviewers=SAMPLE_POLICY.reviewers, sensitive_features=FEATURES)
    t_checks, _ = best_of(lambda: (OversightAuditor.check(validated, config), rate_findings(validated, config)), repeat)
    t_pandas, expected = best_of(lambda: pandas_checks(log, config), repeat)
    check_agreement(result, expected)
    return {"rows": rows, "govaudit_full_s": t_full, "govaudit_checks_s": t_checks, "pandas_s": t_pandas,
            "pandas_vs_full": t_pandas / t_full, "pandas_vs_checks": t_pandas / t_checks,
            "violations": int(len(result.case_tables[0].table))}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1M rows only")
    parser.add_argument("--rows", type=int, nargs="*", help="sizes to run (default 1M and 10M)")
    parser.add_argument("--repeat", type=int, default=3, help="best of this many runs")
    parser.add_argument("--resamples", type=int, default=1000, help="bootstrap resamples in govaudit's run")
    args = parser.parse_args(argv)
    sizes = args.rows or ([1_000_000] if args.quick else [1_000_000, 10_000_000])
    results = []
    print(f"{'rows':>12} {'govaudit (whole audit)':>24} {'govaudit (checks)':>18} {'pandas groupby':>15} "
          f"{'pandas / whole':>15} {'pandas / checks':>16}")
    for rows in sizes:
        r = run(rows, args.repeat if rows <= 1_000_000 else max(1, args.repeat - 1), args.resamples)
        results.append(r)
        print(f"{rows:>12,} {r['govaudit_full_s']:>22.2f} s {r['govaudit_checks_s']:>16.2f} s {r['pandas_s']:>13.2f} s "
              f"{r['pandas_vs_full']:>14.2f}x {r['pandas_vs_checks']:>15.2f}x", flush=True)
    RESULTS_PATH.parent.mkdir(parents=True, exist_ok=True)
    RESULTS_PATH.write_text(json.dumps({
        "benchmark": "oversight auditor vs pandas groupby", "results": results, "resamples": args.resamples,
        "python": platform.python_version(), "numpy": np.__version__, "pandas": pd.__version__,
        "cpus": os.cpu_count(),
    }, indent=2))
    print(f"results: {RESULTS_PATH}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
