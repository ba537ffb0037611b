"""Benchmark: group fairness metrics with govaudit's counts engine vs fairlearn vs pandas groupby.

For each data size, four ways of computing the same seven group metrics (selection rate, TPR, FPR,
FNR, TNR, precision, accuracy) and the disparities, for three groupings (sex, region, and their
intersection), on identical synthetic data:

(a) govaudit: encode each column once (encode_groups), combine codes for the intersection
    (intersect_encodings), then group_counts + rates_from_counts + disparities;
(b) govaudit: a counts-table bootstrap (``--resamples``) of every rate and disparity, with
    percentile intervals, starting from the counts tables of (a);
(c) fairlearn: MetricFrame with the seven metrics, plus its five disparity functions (fairlearn
    refuses missing sensitive values, so it gets them filled with "unknown", untimed);
(d) pandas: a hand-written groupby of confusion-cell indicators, then the same arithmetic.

Time is wall-clock (best of ``--repeat`` runs; fairlearn, which calls np.stack on every group's
column and so loops in Python over rows, is run once). Peak memory is measured in a
separate run under tracemalloc, which sees numpy and Python allocations made during the call
(not the input data, and not Arrow's own memory pool used while hashing strings). Before any
time is reported, govaudit's rates are checked against pandas' (and fairlearn's) so that a wrong
engine cannot report a fast time.

Usage::

    python benchmarks/bias_vs_fairlearn.py                   # 1M and 10M rows
    python benchmarks/bias_vs_fairlearn.py --rows 1000000 --skip-fairlearn-above 5000000
"""

from __future__ import annotations

import argparse
import functools
import gc
import json
import os
import platform
import sys
import time
import tracemalloc
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from govaudit.metrics import (
    bootstrap_counts,
    disparities,
    encode_groups,
    intersect_encodings,
    group_counts,
    percentile_interval,
    rates_from_counts,
)

GROUPINGS: dict[str, list[str]] = {
    "sex": ["sex"],
    "region": ["region"],
    "sex & region": ["sex", "region"],
}
METRICS = ("selection_rate", "tpr", "fpr", "fnr", "tnr", "precision", "accuracy")
RESULTS_PATH = Path(__file__).resolve().parent / "results" / "bias_vs_fairlearn.json"
UNKNOWN = "unknown"


# --- data --------------------------------------------------------------------------------------


def make_data(n: int, seed: int) -> dict[str, Any]:
    """Synthetic decisions with group-dependent rates; ~3% of ``sex`` missing."""
    rng = np.random.default_rng(seed)
    sex_code = rng.choice(3, size=n, p=[0.49, 0.49, 0.02])
    region_code = rng.integers(0, 8, size=n)
    base = 0.3 + 0.05 * region_code + np.array([0.05, 0.0, -0.1])[sex_code]
    y_true = (rng.random(n) < base).astype(np.int8)
    y_pred = (rng.random(n) < np.where(y_true == 1, 0.75, 0.2) + 0.05 * (sex_code == 1)).astype(
        np.int8
    )
    sex = pd.Series(np.array(["female", "male", "other"])[sex_code], name="sex")
    sex[rng.random(n) < 0.03] = None
    region = pd.Series(np.array([f"region_{i}" for i in range(8)])[region_code], name="region")
    sensitive = pd.DataFrame({"sex": sex, "region": region})
    return {
        "y_true": y_true,
        "y_pred": y_pred,
        "sensitive": sensitive,
        # fairlearn drops rows whose sensitive value is missing; give it the same groups as us.
        "sensitive_filled": sensitive.fillna(UNKNOWN),
    }


# --- the four contenders -----------------------------------------------------------------------


def _encode_once(data: dict[str, Any]) -> dict[str, Any]:
    """Each sensitive column is hashed once; intersections reuse these codes."""
    columns = dict.fromkeys(c for cols in GROUPINGS.values() for c in cols)
    return {c: encode_groups(data["sensitive"], [c]) for c in columns}


def run_govaudit(data: dict[str, Any]) -> dict[str, Any]:
    """(a) Point estimates of every rate and disparity for each grouping."""
    out = {}
    encodings = _encode_once(data)
    for name, cols in GROUPINGS.items():
        enc = encodings[cols[0]] if len(cols) == 1 else intersect_encodings([encodings[c] for c in cols])
        table = group_counts(data["y_pred"], enc, y_true=data["y_true"])
        rates = rates_from_counts(table.counts)
        out[name] = {"labels": table.labels, "counts": table.counts, "rates": rates,
                     "disparities": disparities(rates)}
    return out


def run_govaudit_bootstrap(tables: dict[str, np.ndarray], n_resamples: int) -> dict[str, Any]:
    """(b) Bootstrap percentile intervals of every rate and disparity, from the counts tables."""
    out = {}
    for name, counts in tables.items():
        boot = bootstrap_counts(counts, n_resamples=n_resamples, seed=0)
        rates = rates_from_counts(boot)
        intervals = {k: percentile_interval(rates[k]) for k in METRICS}
        intervals.update({k: percentile_interval(v) for k, v in disparities(rates).items()})
        out[name] = intervals
    return out


def run_fairlearn(data: dict[str, Any]) -> dict[str, Any]:
    """(c) fairlearn MetricFrame with the seven metrics, plus the five disparity functions."""
    from fairlearn import metrics as flm
    from sklearn.metrics import accuracy_score, precision_score

    metric_fns = {
        "selection_rate": flm.selection_rate,
        "tpr": flm.true_positive_rate,
        "fpr": flm.false_positive_rate,
        "fnr": flm.false_negative_rate,
        "tnr": flm.true_negative_rate,
        "precision": functools.partial(precision_score, zero_division=np.nan),
        "accuracy": accuracy_score,
    }
    disparity_fns = {
        "demographic_parity_difference": flm.demographic_parity_difference,
        "demographic_parity_ratio": flm.demographic_parity_ratio,
        "equal_opportunity_difference": flm.equal_opportunity_difference,
        "equalized_odds_difference": flm.equalized_odds_difference,
        "equalized_odds_ratio": flm.equalized_odds_ratio,
    }
    y_true, y_pred = data["y_true"], data["y_pred"]
    out = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name, cols in GROUPINGS.items():
            sf = data["sensitive_filled"][cols]
            mf = flm.MetricFrame(metrics=metric_fns, y_true=y_true, y_pred=y_pred,
                                 sensitive_features=sf)
            disp = {k: f(y_true, y_pred, sensitive_features=sf) for k, f in disparity_fns.items()}
            out[name] = {"by_group": mf.by_group, "disparities": disp}
    return out


def run_pandas(data: dict[str, Any]) -> dict[str, Any]:
    """(d) A hand-written pandas groupby: sum confusion-cell indicators, then divide."""
    yt = data["y_true"].astype(bool)
    yp = data["y_pred"].astype(bool)
    frame = data["sensitive"].assign(
        tp=yt & yp, fp=~yt & yp, fn=yt & ~yp, tn=~yt & ~yp
    )
    out = {}
    for name, cols in GROUPINGS.items():
        grouped = frame.groupby(cols, dropna=False, observed=True, sort=True)
        c = grouped[["tp", "fp", "fn", "tn"]].sum()
        n = c.sum(axis=1)
        rates = pd.DataFrame(
            {
                "selection_rate": (c.tp + c.fp) / n,
                "tpr": c.tp / (c.tp + c.fn),
                "fpr": c.fp / (c.fp + c.tn),
                "fnr": c.fn / (c.fn + c.tp),
                "tnr": c.tn / (c.tn + c.fp),
                "precision": c.tp / (c.tp + c.fp),
                "accuracy": (c.tp + c.tn) / n,
            }
        )
        spread = rates.max() - rates.min()
        ratio = rates.min() / rates.max()
        disp = {
            "demographic_parity_difference": spread["selection_rate"],
            "demographic_parity_ratio": ratio["selection_rate"],
            "equal_opportunity_difference": spread["tpr"],
            "equalized_odds_difference": max(spread["tpr"], spread["fpr"]),
            "equalized_odds_ratio": min(ratio["tpr"], ratio["fpr"]),
        }
        out[name] = {"rates": rates, "disparities": disp}
    return out


# --- checks ------------------------------------------------------------------------------------


def _label(key: Any) -> str:
    parts = key if isinstance(key, tuple) else (key,)
    return " & ".join(UNKNOWN if pd.isna(p) else str(p) for p in parts)


def check_against_pandas(ours: dict[str, Any], theirs: dict[str, Any]) -> None:
    """govaudit's rates and disparities must equal the pandas groupby ones, group by group."""
    for name in GROUPINGS:
        rates = theirs[name]["rates"]
        rates.index = [_label(k) for k in rates.index]
        assert sorted(rates.index) == sorted(ours[name]["labels"]), name
        aligned = rates.loc[list(ours[name]["labels"])]
        for metric in METRICS:
            np.testing.assert_allclose(
                ours[name]["rates"][metric], aligned[metric].to_numpy(dtype=float),
                rtol=1e-12, equal_nan=True, err_msg=f"{name}: {metric}",
            )
        for k, v in theirs[name]["disparities"].items():
            assert np.isclose(float(ours[name]["disparities"][k]), float(v), rtol=1e-12), (name, k)


def check_against_fairlearn(ours: dict[str, Any], theirs: dict[str, Any]) -> None:
    """Same check against fairlearn (all groups here have both classes, so all rates exist)."""
    for name in GROUPINGS:
        by_group = theirs[name]["by_group"].dropna(how="all")
        by_group.index = [_label(k) for k in by_group.index]
        aligned = by_group.loc[list(ours[name]["labels"])]
        for metric in METRICS:
            np.testing.assert_allclose(
                ours[name]["rates"][metric], aligned[metric].to_numpy(dtype=float),
                rtol=1e-9, err_msg=f"{name}: {metric}",
            )
        for k, v in theirs[name]["disparities"].items():
            assert np.isclose(float(ours[name]["disparities"][k]), float(v), rtol=1e-9), (name, k)


# --- measurement -------------------------------------------------------------------------------


def measure(
    fn: Callable[[], Any], repeat: int, memory: bool = True
) -> tuple[float, float | None, Any]:
    """Best wall time over ``repeat`` runs, then peak traced MiB in one more run."""
    best = float("inf")
    result = None
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    peak_mib = None
    if memory:
        del result
        gc.collect()
        tracemalloc.start()
        result = fn()
        peak_mib = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    return best, peak_mib, result


METHODS = {
    "govaudit": "govaudit counts (a)",
    "bootstrap": "govaudit bootstrap (b)",
    "fairlearn": "fairlearn MetricFrame (c)",
    "pandas": "pandas groupby (d)",
}


def bench_size(n: int, args: argparse.Namespace) -> list[dict[str, Any]]:
    print(f"\n== {n:,} rows: generating data (seed {args.seed}) ...", flush=True)
    data = make_data(n, args.seed)
    rows: list[dict[str, Any]] = []

    def record(key: str, seconds: float | None, peak: float | None, note: str = "") -> None:
        rows.append(
            {"rows": n, "method": METHODS[key], "seconds": seconds, "peak_mib": peak, "note": note}
        )
        shown = "skipped" if seconds is None else f"{seconds:.3f} s"
        shown += "" if peak is None else f", peak {peak:.1f} MiB"
        print(f"   {METHODS[key]:<28} {shown} {note}", flush=True)

    # govaudit's results are always computed: every other method is checked against them.
    timed = "govaudit" in args.methods
    t, m, ours = measure(lambda: run_govaudit(data), args.repeat if timed else 1, memory=timed)
    if "govaudit" in args.methods:
        enc_t, _, _ = measure(
            lambda: _encode_once(data),
            args.repeat,
            memory=False,
        )
        record("govaudit", t, m, f"(of which encode_groups {enc_t:.3f} s)")
        rows[-1]["encode_seconds"] = enc_t

    if "bootstrap" in args.methods:
        tables = {k: v["counts"] for k, v in ours.items()}
        t, m, _ = measure(lambda: run_govaudit_bootstrap(tables, args.resamples), args.repeat)
        record("bootstrap", t, m, f"(B={args.resamples}, from the counts tables)")

    if "pandas" in args.methods:
        t, m, pandas_out = measure(lambda: run_pandas(data), args.repeat)
        check_against_pandas(ours, pandas_out)  # a wrong engine must not report a time
        record("pandas", t, m, "(checked equal to govaudit)")

    if "fairlearn" in args.methods:
        if args.skip_fairlearn_above is not None and n > args.skip_fairlearn_above:
            record("fairlearn", None, None, f"(skipped: > {args.skip_fairlearn_above:,} rows)")
        else:
            t, _, fl_out = measure(lambda: run_fairlearn(data), 1, memory=False)
            check_against_fairlearn(ours, fl_out)
            del fl_out
            print(f"   fairlearn timed run: {t:.1f} s (checked equal to govaudit)", flush=True)
            m = None
            note = "(checked equal to govaudit)"
            if args.no_fairlearn_memory:
                note += " (memory not measured)"
            else:
                _, m, _ = measure(lambda: run_fairlearn(data), 0)
            record("fairlearn", t, m, note)
    return rows


def add_ratios(rows: list[dict[str, Any]]) -> None:
    """Time and memory of each row relative to govaudit (a) at the same size."""
    base = {r["rows"]: r for r in rows if r["method"] == METHODS["govaudit"]}
    for row in rows:
        ref = base.get(row["rows"])
        ok_t = ref is not None and row["seconds"] is not None and ref["seconds"]
        ok_m = ref is not None and row["peak_mib"] is not None and ref["peak_mib"]
        row["time_ratio_vs_govaudit"] = row["seconds"] / ref["seconds"] if ok_t else None
        row["memory_ratio_vs_govaudit"] = row["peak_mib"] / ref["peak_mib"] if ok_m else None


# --- output ------------------------------------------------------------------------------------


def _fmt(value: float | None, spec: str, suffix: str = "") -> str:
    return "—" if value is None else f"{value:{spec}}{suffix}"


def print_table(rows: list[dict[str, Any]]) -> None:
    header = ["rows", "method", "time (s)", "peak (MiB)", "time × govaudit", "memory × govaudit"]
    body = [
        [
            f"{r['rows']:,}",
            r["method"],
            _fmt(r["seconds"], ".3f"),
            _fmt(r["peak_mib"], ".1f"),
            _fmt(r["time_ratio_vs_govaudit"], ".2f", "×"),
            _fmt(r["memory_ratio_vs_govaudit"], ".2f", "×"),
        ]
        for r in rows
    ]
    try:
        from rich.console import Console
        from rich.table import Table
    except ImportError:
        widths = [max(len(str(x)) for x in col) for col in zip(header, *body)]
        for line in [header, *body]:
            print("  ".join(str(x).rjust(w) for x, w in zip(line, widths)))
        return
    table = Table(title="Group fairness metrics, 3 groupings × 7 metrics + disparities")
    for i, h in enumerate(header):
        table.add_column(h, justify="left" if i == 1 else "right")
    for line in body:
        table.add_row(*line)
    Console(width=max(Console().width, 110)).print(table)


def environment() -> dict[str, Any]:
    import fairlearn
    import sklearn

    return {
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "cpu_count": os.cpu_count(),
        "numpy": np.__version__,
        "pandas": pd.__version__,
        "fairlearn": fairlearn.__version__,
        "scikit-learn": sklearn.__version__,
    }


def write_results(rows: list[dict[str, Any]], args: argparse.Namespace, path: Path) -> list[dict]:
    """Merge into the JSON file; a (size, method) just measured replaces the older result.

    Separate invocations (say fairlearn at 10M in the background) can therefore fill in one file.
    Returns all merged results.
    """
    import fcntl

    path.parent.mkdir(parents=True, exist_ok=True)
    lock = os.open(path.parent, os.O_RDONLY)  # lock the folder: no stray lock file left behind
    try:
        fcntl.flock(lock, fcntl.LOCK_EX)  # concurrent runs must not lose each other's rows
        previous: list[dict[str, Any]] = []
        if path.exists():
            try:
                previous = json.loads(path.read_text())["results"]
            except (ValueError, KeyError):
                previous = []
        done = {(r["rows"], r["method"]) for r in rows}
        order = list(METHODS.values())
        merged = sorted(
            [r for r in previous if (r["rows"], r["method"]) not in done] + rows,
            key=lambda r: (r["rows"], order.index(r["method"]) if r["method"] in order else 99),
        )
        add_ratios(merged)
        doc = {
            "benchmark": "bias_vs_fairlearn",
            "description": __doc__.strip().splitlines()[0],
            "groupings": list(GROUPINGS),
            "metrics": list(METRICS),
            "resamples": args.resamples,
            "seed": args.seed,
            "repeat": args.repeat,
            "environment": environment(),
            "results": merged,
        }
        path.write_text(json.dumps(doc, indent=2) + "\n")
    finally:
        os.close(lock)
    print(f"\nresults written to {path}")
    return merged


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument("--resamples", type=int, default=1000)
    parser.add_argument("--skip-fairlearn-above", type=int, default=None, metavar="N",
                        help="skip fairlearn for sizes above N rows")
    parser.add_argument("--no-fairlearn-memory", action="store_true",
                        help="skip the second (tracemalloc) fairlearn run")
    parser.add_argument("--repeat", type=int, default=3,
                        help="timed runs per fast method (best is kept)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--methods", nargs="+", choices=list(METHODS), default=list(METHODS),
                        help="which contenders to measure (default all)")
    parser.add_argument("--out", type=Path, default=RESULTS_PATH)
    args = parser.parse_args(argv)
    if "fairlearn" in args.methods and args.skip_fairlearn_above is None and max(args.rows) > 10**6:
        print("note: fairlearn's MetricFrame loops in Python over rows; at 10M rows a run takes "
              "over an hour here (use --skip-fairlearn-above to leave it out)", flush=True)

    rows: list[dict[str, Any]] = []
    for n in args.rows:
        rows.extend(bench_size(n, args))
    merged = write_results(rows, args, args.out)
    print()
    print_table([r for r in merged if r["rows"] in set(args.rows)])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
