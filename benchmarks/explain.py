"""Benchmark: reason codes for 100k decisions from a 200-tree gradient boosting model.

Two ways of producing the same reason codes (top-4 features pushing each decision toward the
adverse outcome, with value, contribution and a sentence) on identical data:

(a) govaudit: ``ExplainabilityAuditor.explain`` -- the whole audit, not only the reason codes:
    TreeExplainer in batches of ``batch_size`` rows, additivity checked per batch, top-k by
    ``np.argpartition``, plus global importance with a 200-resample bootstrap, the stability
    re-run on 2,000 more rows, and proxy detection over every row;
(b) naive: ``shap.Explainer(model)(X)`` on all rows at once (an ``Explanation`` object, with
    SHAP's own additivity check), then ranking in pandas: a long table of every (case, feature)
    contribution, sorted, ``groupby().head(4)``, sentences with ``apply``.

Before times are reported, the two outputs are compared: the same cases, ranks, features and
contributions. Time is wall-clock (best of ``--repeat``); peak memory is measured in a separate run
under tracemalloc (numpy and Python allocations made during the call, not the input data).

Usage::

    python benchmarks/explain.py            # 100,000 decisions
    python benchmarks/explain.py --quick    # 20,000 decisions
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the sample_models package lives at the repository root

TOP_K = 4
NUMERIC = ["household_size", "months_on_benefit", "monthly_benefit", "address_changes", "missed_appointments",
           "income_mismatch", "language_code", "neighbourhood_code", "age"]


def make_data(rows: int, seed: int) -> tuple[Any, pd.DataFrame, pd.DataFrame]:
    """Welfare recipients, numerically coded, and a 200-tree histogram gradient boosting model of depth 3
    (scikit-learn GradientBoostingClassifier's default depth) fitted on 50k other recipients."""
    from sklearn.ensemble import HistGradientBoostingClassifier

    from sample_models.welfare_fraud_risk.generate import PROFICIENCY_LEVELS, generate_recipients

    frame = generate_recipients(rows + 50_000, seed)
    frame["language_code"] = frame["language_proficiency"].map({v: i for i, v in enumerate(PROFICIENCY_LEVELS)})
    frame["neighbourhood_code"] = frame["neighbourhood"].str[1:].astype(int)
    train, audit = frame.iloc[:50_000], frame.iloc[50_000:].reset_index(drop=True)
    model = HistGradientBoostingClassifier(max_iter=200, early_stopping=False, max_depth=3, random_state=seed)
    model.fit(train[NUMERIC], train["irregularity_found"])
    return model, audit[NUMERIC], audit[["migration_background", "sex"]]


def govaudit_reason_codes(model: Any, features: pd.DataFrame, sensitive: pd.DataFrame) -> pd.DataFrame:
    from govaudit import AuditSubject
    from govaudit.explainability._auditor import ExplainabilityAuditor

    # every decision is adverse (flagged): favourable class 0, all decisions 0
    subject = AuditSubject(model=model, features=features, y_pred=np.zeros(len(features), dtype=np.int8),
                           sensitive_features=sensitive)
    report = ExplainabilityAuditor(favourable_class=0, top_k=TOP_K).explain(subject)
    return report.reason_codes


def naive_reason_codes(model: Any, features: pd.DataFrame, sensitive: pd.DataFrame) -> pd.DataFrame:
    import shap

    explanation = shap.Explainer(model)(features)
    # class 1 (flagged) log-odds: a positive value pushes toward the adverse decision
    contrib = pd.DataFrame(explanation.values, columns=features.columns)
    contrib["case_id"] = np.arange(len(features))
    long = contrib.melt(id_vars="case_id", var_name="feature", value_name="contribution")
    long = long[long["contribution"] > 0].sort_values(["case_id", "contribution"], ascending=[True, False])
    top = long.groupby("case_id").head(TOP_K).copy()
    top["rank"] = top.groupby("case_id").cumcount() + 1
    values = features.to_numpy()
    col = {c: j for j, c in enumerate(features.columns)}
    top["value"] = [str(values[i, col[f]]) for i, f in zip(top["case_id"], top["feature"])]
    top["sentence"] = top.apply(lambda r: f"Reason {r['rank']}: {r['feature']} was {r['value']}; this weighed "
                                          "toward the adverse decision.", axis=1)
    return top[["case_id", "rank", "feature", "value", "contribution", "sentence"]].reset_index(drop=True)


def agree(ours: pd.DataFrame, theirs: pd.DataFrame) -> dict[str, Any]:
    a = ours.sort_values(["case_id", "rank"]).reset_index(drop=True)
    b = theirs.sort_values(["case_id", "rank"]).reset_index(drop=True)
    same_rows = len(a) == len(b)
    same_cases = same_rows and bool((a["case_id"].to_numpy() == b["case_id"].to_numpy()).all())
    max_diff = float(np.max(np.abs(a["contribution"].to_numpy() - b["contribution"].to_numpy()))) if same_rows else None
    feature_match = float((a["feature"].to_numpy() == b["feature"].to_numpy()).mean()) if same_rows else 0.0
    return {"rows": [len(a), len(b)], "same_cases_and_ranks": same_cases, "feature_match_share": feature_match,
            "max_abs_contribution_difference": max_diff}


def timed(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    best, out = float("inf"), None
    for _ in range(repeat):
        gc.collect()
        started = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - started)
    return best, out


def peak_mib(fn: Callable[[], Any]) -> float:
    gc.collect()
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--quick", action="store_true", help="20,000 decisions")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--threads", type=int, default=1, help="OpenMP/BLAS threads for both (default 1)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    rows = 20_000 if args.quick else args.rows
    from threadpoolctl import threadpool_limits

    import shap
    import sklearn

    with threadpool_limits(args.threads):
        started = time.perf_counter()
        model, features, sensitive = make_data(rows, args.seed)
        print(f"data and model: {rows} decisions, {model.n_iter_} trees, {features.shape[1]} features "
              f"({time.perf_counter() - started:.1f} s)")
        ours_fn = lambda: govaudit_reason_codes(model, features, sensitive)  # noqa: E731
        naive_fn = lambda: naive_reason_codes(model, features, sensitive)  # noqa: E731
        ours_fn()  # warm-up: imports and first-call set-up are not what is compared
        t_ours, ours = timed(ours_fn, args.repeat)
        t_naive, naive = timed(naive_fn, args.repeat)
        check = agree(ours, naive)
        if not (check["same_cases_and_ranks"] and check["feature_match_share"] > 0.999
                and check["max_abs_contribution_difference"] < 1e-6):
            print(f"outputs disagree: {check}")
            return 1
        m_ours, m_naive = peak_mib(ours_fn), peak_mib(naive_fn)
    result = {
        "rows": rows, "trees": int(model.n_iter_), "features": int(features.shape[1]), "top_k": TOP_K,
        "threads": args.threads, "agreement": check,
        "govaudit": {"seconds": t_ours, "peak_mib": m_ours, "reason_rows": len(ours)},
        "naive": {"seconds": t_naive, "peak_mib": m_naive, "reason_rows": len(naive)},
        "time_ratio_naive_over_govaudit": t_naive / t_ours, "memory_ratio_naive_over_govaudit": m_naive / m_ours,
        "environment": {"python": platform.python_version(), "numpy": np.__version__, "pandas": pd.__version__,
                        "shap": shap.__version__, "scikit-learn": sklearn.__version__, "cpus": os.cpu_count()},
    }
    print(f"{'method':<48}{'time':>10}{'peak memory':>14}")
    print(f"{'govaudit ExplainabilityAuditor.explain (whole audit)':<48}{t_ours:>9.2f}s{m_ours:>10.0f} MiB")
    print(f"{'naive shap.Explainer + pandas ranking':<48}{t_naive:>9.2f}s{m_naive:>10.0f} MiB")
    print(f"naive / govaudit: time {t_naive / t_ours:.2f}x, memory {m_naive / m_ours:.2f}x; "
          f"outputs agree ({check['rows'][0]} reason rows, max contribution difference "
          f"{check['max_abs_contribution_difference']:.1e})")
    out = ROOT / "benchmarks" / "results" / "explain.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
