"""Benchmark: what the audit of risk scores adds to the bias audit, and scikit-learn/scipy side by side.

At 10M rows (``--rows``; ``--quick`` for 1M), with sex (~3% missing), region (8 levels) and their
intersection, ``BiasAuditor(intersectional=True).assess(y_true, y_pred, y_score=...)`` is timed:

- ``decisions + LL144 scoring rates``: the audit as it was before, with the score audit switched
  off (``scores={"enabled": False}``);
- ``+ score audit``: the same call with the score audit (per group: calibration bins with Wilson
  intervals, calibration-in-the-large, O/E, Brier, ECE, Hosmer-Lemeshow, the calibration slope by
  Newton steps, AUC with DeLong's interval, KS against the rest with its p-value, and the fairness
  trade-off finding).

Side by side, on the same rows: a per-group loop with scikit-learn and scipy (``roc_auc_score``,
``brier_score_loss``, ``calibration_curve``, ``LogisticRegression`` on logit(score) and
``ks_2samp`` of each group against the rest), the way one would do it by hand; no intervals,
findings or disclosure control. Before any time is shown, the audit's AUC, Brier and KS are checked
equal to theirs.

Time is wall-clock, best of ``--repeat`` runs.

Usage::

    python benchmarks/bias_scores.py            # 10M rows
    python benchmarks/bias_scores.py --quick    # 1M rows
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bias_vs_fairlearn import environment, make_data  # noqa: E402

from govaudit.bias import BiasAuditor  # noqa: E402

RESULTS_PATH = Path(__file__).resolve().parent / "results" / "bias_scores.json"


def _scores(data: dict[str, Any], seed: int) -> np.ndarray:
    """A score that is informative about y_true, rounded to 3 decimals (ties, as real scores have)."""
    rng = np.random.default_rng(seed + 1)
    logit = -0.8 + 1.6 * data["y_true"] + rng.normal(0.0, 1.0, data["y_true"].size)
    return np.round(1.0 / (1.0 + np.exp(-logit)), 3)


def _audit(data: dict[str, Any], scores: np.ndarray, enabled: bool) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return BiasAuditor(intersectional=True, scores={"enabled": enabled}).assess(
            data["y_true"], data["y_pred"], sensitive_features=data["sensitive"], y_score=scores)


def _by_hand(data: dict[str, Any], scores: np.ndarray) -> dict[str, pd.DataFrame]:
    """scikit-learn and scipy, one group at a time."""
    from scipy.stats import ks_2samp
    from sklearn.calibration import calibration_curve
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import brier_score_loss, roc_auc_score

    frame = data["sensitive"].fillna("unknown")
    keys = {"sex": frame["sex"], "region": frame["region"], "sex & region": frame["sex"] + " & " + frame["region"]}
    y = data["y_true"]
    clipped = np.clip(scores, 1e-6, 1 - 1e-6)
    logit = np.log(clipped / (1 - clipped))[:, None]
    out = {}
    for name, key in keys.items():
        codes, labels = pd.factorize(key, sort=True)
        rows = []
        for g, label in enumerate(labels):
            inside = codes == g
            calibration_curve(y[inside], scores[inside], n_bins=10)
            fit = LogisticRegression(C=np.inf, max_iter=200).fit(logit[inside], y[inside])
            rows.append({"group": label, "auc": roc_auc_score(y[inside], scores[inside]),
                         "brier": brier_score_loss(y[inside], scores[inside]), "slope": fit.coef_[0, 0],
                         "ks_statistic": ks_2samp(scores[inside], scores[~inside]).statistic})
        out[name] = pd.DataFrame(rows).set_index("group")
    return out


def _check(report: Any, hand: dict[str, pd.DataFrame]) -> None:
    for name, table in hand.items():
        mine = report.scores[name].loc[table.index]
        for column in ("auc", "brier", "ks_statistic"):
            np.testing.assert_allclose(mine[column].to_numpy(), table[column].to_numpy(), rtol=1e-9, atol=1e-12)
        # lbfgs stops at its default tolerance; the audit iterates Newton to 1e-10
        np.testing.assert_allclose(mine["calibration_slope"].to_numpy(), table["slope"].to_numpy(), rtol=2e-3)


def _best(fn: Any, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--quick", action="store_true", help="1M rows")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    n = 1_000_000 if args.quick else args.rows
    data = make_data(n, args.seed)
    scores = _scores(data, args.seed)
    report = _audit(data, scores, True)
    start = time.perf_counter()
    hand = _by_hand(data, scores)
    hand_time = time.perf_counter() - start
    _check(report, hand)
    before = _best(lambda: _audit(data, scores, False), args.repeat)
    after = _best(lambda: _audit(data, scores, True), args.repeat)
    results = {"rows": n, "decisions_and_scoring_rates_s": before, "with_score_audit_s": after,
               "score_audit_s": after - before, "ratio_with_to_without": after / before,
               "sklearn_scipy_per_group_s": hand_time, "ratio_sklearn_to_score_audit": hand_time / (after - before),
               "environment": environment()}
    print(f"{n:,} rows, groupings sex, region, sex & region (best of {args.repeat})")
    print(f"  decisions + LL144 scoring rates : {before:8.2f} s")
    print(f"  + score audit                   : {after:8.2f} s  (x{after / before:.2f}; score audit {after - before:.2f} s)")
    print(f"  scikit-learn + scipy per group  : {hand_time:8.2f} s  (x{hand_time / (after - before):.1f} the score audit; "
          "no intervals, findings or disclosure control)")
    RESULTS_PATH.parent.mkdir(exist_ok=True)
    RESULTS_PATH.write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
