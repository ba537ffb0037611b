"""Benchmark: the bias audit through the public API, for each way users pass sensitive features.

At 10M rows (``--rows``; ``--quick`` for 1M), ``BiasAuditor(intersectional=True).assess(...)`` and
``govaudit.audit(...)`` (given the frame, and given a table with the names of its columns) measure,
for three groupings (sex with ~3% missing, region with 8 levels, and
their intersection): seven group rates (selection rate, TPR, FPR, FNR, TNR, precision, accuracy) with
Wilson intervals, impact ratios and five disparities with 1000-resample bootstrap intervals,
significance tests, and the findings (``audit()`` also builds the record). The sensitive features
are passed as:

- ``object``: Python strings in object columns, each row's string an object of its own (as
  ``astype(object)`` gives them);
- ``object, read_csv``: the same columns written to a CSV file and read back with
  ``read_csv(dtype=object)``, which hands out one Python object per distinct value;
- ``str``: pandas' default string dtype (Arrow-backed);
- ``string[pyarrow]``: the nullable Arrow-backed string dtype;
- ``category``: pandas Categoricals;
- ``int codes``: integer codes (``Int64`` for sex, whose missing values stay missing; ``int64`` for
  region).

Side by side, on the same frame: a hand-written pandas groupby of the same seven rates and five
disparities (point estimates only: no intervals, tests or findings), and fairlearn's MetricFrame
with the seven metrics plus its five disparity functions, run at 1M rows and extrapolated linearly
to the row count (it loops in Python; ``--skip-fairlearn``). Before any time is shown, the audit's
rates and disparities are checked equal to pandas' (and its rates to fairlearn's).

Time is wall-clock, best of ``--repeat`` runs. Peak memory is one more run: numpy and Python
allocations seen by tracemalloc plus the peak of Arrow's memory pool (which tracemalloc cannot see),
next to the size of the inputs (the sensitive columns, ``y_true`` and ``y_pred``).

Usage::

    python benchmarks/bias_public_api.py                    # 10M rows, fairlearn at 1M (~10 min)
    python benchmarks/bias_public_api.py --quick --skip-fairlearn
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
import tempfile
import time
import tracemalloc
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bias_vs_fairlearn import GROUPINGS, METRICS, environment, make_data, run_fairlearn, run_pandas  # noqa: E402

import govaudit  # noqa: E402
from govaudit.bias import BiasAuditor  # noqa: E402
from govaudit.metrics import is_unknown_label  # noqa: E402

RESULTS_PATH = Path(__file__).resolve().parent / "results" / "bias_public_api.json"
FAIRLEARN_ROWS = 1_000_000
MiB = 2**20


def _int_codes(frame: pd.DataFrame) -> pd.DataFrame:
    """Integer codes of each column (sorted values), missing values kept missing."""
    out = {}
    for name in frame.columns:
        codes, _ = pd.factorize(frame[name], sort=True)
        out[name] = pd.Series(codes, dtype="Int64").mask(codes < 0) if (codes < 0).any() else codes
    return pd.DataFrame(out)


def _object_from_csv(frame: pd.DataFrame) -> pd.DataFrame:
    """The columns written to a CSV file and read back as object columns, as ``read_csv`` gives them."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "sensitive.csv"
        frame.to_csv(path, index=False)
        return pd.read_csv(path, dtype=object)


DTYPES: dict[str, Callable[[pd.DataFrame], pd.DataFrame]] = {
    "object": lambda f: f.astype(object),
    "object, read_csv": _object_from_csv,
    "str": lambda f: f.astype("str"),
    "string[pyarrow]": lambda f: f.astype("string[pyarrow]"),
    "category": lambda f: f.astype("category"),
    "int codes": _int_codes,
}


# --- the contenders ----------------------------------------------------------------------------


def run_assess(frame: pd.DataFrame, data: dict[str, Any], resamples: int) -> Any:
    """The auditor's own entry point: findings and per-group tables."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return BiasAuditor(intersectional=True, n_resamples=resamples).assess(
            data["y_true"], data["y_pred"], sensitive_features=frame)


def run_audit(frame: pd.DataFrame, data: dict[str, Any], resamples: int) -> Any:
    """The library's entry point: the same audit, plus the accountability record."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return govaudit.audit(y_true=data["y_true"], y_pred=data["y_pred"], sensitive_features=frame,
                              auditors={"bias": {"intersectional": True, "n_resamples": resamples}})


def run_audit_named(table: pd.DataFrame, resamples: int) -> Any:
    """The library's entry point as the README shows it: a table, and the names of its columns."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return govaudit.audit(data=table, label="y_true", prediction="y_pred", sensitive_features=list(GROUPINGS)[:2],
                              auditors={"bias": {"intersectional": True, "n_resamples": resamples}})


# --- checks ------------------------------------------------------------------------------------


def _label(key: Any) -> str:
    parts = key if isinstance(key, tuple) else (key,)
    return " & ".join("unknown" if pd.isna(p) else str(p) for p in parts)


def _spread(rates: pd.DataFrame) -> dict[str, float]:
    """The five disparities over the groups the audit compares (known and at least 30 people)."""
    hi, lo = rates.max(), rates.min()
    return {"demographic_parity_difference": hi["selection_rate"] - lo["selection_rate"],
            "demographic_parity_ratio": lo["selection_rate"] / hi["selection_rate"],
            "equal_opportunity_difference": hi["tpr"] - lo["tpr"],
            "equalized_odds_difference": max(hi["tpr"] - lo["tpr"], hi["fpr"] - lo["fpr"]),
            "equalized_odds_ratio": min(lo["tpr"] / hi["tpr"], lo["fpr"] / hi["fpr"])}


def check_against_pandas(report: Any, theirs: dict[str, Any]) -> None:
    """The audit's per-group rates equal the groupby's, group by group; so do the disparities."""
    for name in GROUPINGS:
        ours = report.by_group[name]
        rates = theirs[name]["rates"].copy()
        rates.index = [_label(k) for k in rates.index]
        assert sorted(rates.index) == sorted(ours.index), name
        rates = rates.loc[list(ours.index)]
        for metric in METRICS:
            np.testing.assert_allclose(ours[metric].to_numpy(dtype=float), rates[metric].to_numpy(dtype=float),
                                       rtol=1e-12, equal_nan=True, err_msg=f"{name}: {metric}")
        compared = rates[[not is_unknown_label(g) and n >= 30 for g, n in zip(ours.index, ours["count"])]]
        disp = report.disparities.query("feature == @name").set_index("disparity")["value"]
        for key, value in _spread(compared).items():
            assert np.isclose(disp[key], value, rtol=1e-12), (name, key)


def check_against_fairlearn(report: Any, theirs: dict[str, Any]) -> None:
    """The audit's per-group rates equal MetricFrame's (fairlearn gets missing values as "unknown")."""
    for name in GROUPINGS:
        by_group = theirs[name]["by_group"].dropna(how="all")
        by_group.index = [_label(k) for k in by_group.index]
        ours = report.by_group[name]
        aligned = by_group.loc[list(ours.index)]
        for metric in METRICS:
            np.testing.assert_allclose(ours[metric].to_numpy(dtype=float), aligned[metric].to_numpy(dtype=float),
                                       rtol=1e-9, err_msg=f"{name}: {metric}")


# --- measurement -------------------------------------------------------------------------------


def best_time(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """Best wall time over ``repeat`` runs, and the last result."""
    best, result = float("inf"), None
    for _ in range(repeat):
        result = None
        gc.collect()
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def peak_memory(fn: Callable[[], Any]) -> tuple[float, float]:
    """Peak MiB of one run: traced by tracemalloc, and in Arrow's memory pool."""
    previous = pa.default_memory_pool()
    pool = pa.proxy_memory_pool(previous)
    gc.collect()
    pa.set_memory_pool(pool)
    tracemalloc.start()
    try:
        fn()
        traced = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
        pa.set_memory_pool(previous)
    return traced / MiB, pool.max_memory() / MiB


def input_mib(frame: pd.DataFrame, data: dict[str, Any]) -> float:
    return (frame.memory_usage(deep=True, index=False).sum() + data["y_true"].nbytes + data["y_pred"].nbytes) / MiB


def bench_dtype(kind: str, data: dict[str, Any], args: argparse.Namespace) -> dict[str, Any]:
    """Time and memory of the audit and of pandas on one dtype; both checked first."""
    frame = DTYPES[kind](data["sensitive"])
    t_assess, report = best_time(lambda: run_assess(frame, data, args.resamples), args.repeat)
    t_pandas, theirs = best_time(lambda: run_pandas(dict(data, sensitive=frame)), args.repeat)
    check_against_pandas(report, theirs)  # a wrong audit must not report a time
    del theirs
    t_audit, _ = best_time(lambda: run_audit(frame, data, args.resamples), args.repeat)
    table = frame.assign(y_true=data["y_true"], y_pred=data["y_pred"])
    t_named, _ = best_time(lambda: run_audit_named(table, args.resamples), args.repeat)
    del table
    traced, arrow = peak_memory(lambda: run_assess(frame, data, args.resamples))
    pd_traced, pd_arrow = peak_memory(lambda: run_pandas(dict(data, sensitive=frame)))
    row = {"dtype": kind, "rows": len(frame), "assess_s": t_assess, "audit_s": t_audit, "audit_named_s": t_named,
           "pandas_s": t_pandas,
           "peak_mib": traced + arrow, "peak_traced_mib": traced, "peak_arrow_mib": arrow,
           "pandas_peak_mib": pd_traced + pd_arrow, "input_mib": input_mib(frame, data),
           "speedup_vs_pandas": t_pandas / t_assess, "audit_speedup_vs_pandas": t_pandas / t_audit}
    print(f"   {kind:<16} assess {t_assess:.3f} s, audit() {t_audit:.3f} s, audit(data=, names) {t_named:.3f} s, "
          f"pandas {t_pandas:.3f} s "
          f"({row['speedup_vs_pandas']:.1f}x); peak {row['peak_mib']:.0f} MiB for {row['input_mib']:.0f} MiB "
          "of input (checked equal to pandas)", flush=True)
    return row


def bench_fairlearn(args: argparse.Namespace) -> dict[str, Any]:
    """MetricFrame at 1M rows, checked against the audit on the same rows, extrapolated linearly."""
    rows = min(FAIRLEARN_ROWS, args.rows)
    data = make_data(rows, args.seed)
    print(f"   fairlearn MetricFrame at {rows:,} rows (one run; minutes) ...", flush=True)
    seconds, theirs = best_time(lambda: run_fairlearn(data), 1)
    check_against_fairlearn(run_assess(data["sensitive"], data, args.resamples), theirs)
    scaled = seconds * args.rows / rows
    print(f"   fairlearn {seconds:.1f} s at {rows:,} rows -> {scaled:,.0f} s at {args.rows:,} (linear; "
          "checked equal to the audit)", flush=True)
    return {"rows_run": rows, "seconds": seconds, "extrapolated_s": scaled}


# --- output ------------------------------------------------------------------------------------


def print_table(rows: list[dict[str, Any]], fairlearn: dict[str, Any] | None, n: int) -> None:
    header = ["sensitive features", "assess()", "audit()", "audit(data=, names)", "pandas groupby",
              "assess vs pandas", "audit() vs pandas", "vs fairlearn*", "peak memory", "input", "peak / input"]
    print(f"\nBias audit through the public API, {n:,} rows, 3 groupings, 1000-resample intervals")
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for r in rows:
        vs_fl = f"{fairlearn['extrapolated_s'] / r['assess_s']:,.0f}×" if fairlearn else "—"
        cells = [f"`{r['dtype']}`", f"{r['assess_s']:.3f} s", f"{r['audit_s']:.3f} s", f"{r['audit_named_s']:.2f} s",
                 f"{r['pandas_s']:.3f} s",
                 f"{r['speedup_vs_pandas']:.1f}×", f"{r['audit_speedup_vs_pandas']:.1f}×", vs_fl,
                 f"{r['peak_mib']:.0f} MiB", f"{r['input_mib']:.0f} MiB", f"{r['peak_mib'] / r['input_mib']:.2f}"]
        print("| " + " | ".join(cells) + " |")
    if fairlearn:
        print(f"\n* fairlearn MetricFrame (7 metrics + 5 disparity functions): {fairlearn['seconds']:.0f} s at "
              f"{fairlearn['rows_run']:,} rows, extrapolated linearly to {fairlearn['extrapolated_s']:,.0f} s "
              f"at {n:,}")


def targets(rows: list[dict[str, Any]]) -> None:
    for r in rows:
        ok = r["speedup_vs_pandas"] >= 5
        line = f"   {r['dtype']:<16} >= 5x pandas: {'met' if ok else 'MISSED'}"
        if r["dtype"] in ("category", "int codes"):
            line += f"; <= 0.4 s: {'met' if r['assess_s'] <= 0.4 else 'MISSED'}"
        line += f"; peak <= 2x input: {'met' if r['peak_mib'] <= 2 * r['input_mib'] else 'MISSED'}"
        print(line)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--quick", action="store_true", help="1M rows")
    parser.add_argument("--resamples", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3, help="timed runs (the best is kept)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--dtypes", nargs="+", choices=list(DTYPES), default=list(DTYPES))
    parser.add_argument("--skip-fairlearn", action="store_true")
    parser.add_argument("--out", type=Path, default=RESULTS_PATH)
    args = parser.parse_args(argv)
    if args.quick:
        args.rows = 1_000_000
    print(f"== {args.rows:,} rows: generating data (seed {args.seed}) ...", flush=True)
    data = make_data(args.rows, args.seed)
    rows = [bench_dtype(kind, data, args) for kind in args.dtypes]
    fairlearn = None if args.skip_fairlearn else bench_fairlearn(args)
    print_table(rows, fairlearn, args.rows)
    print()
    targets(rows)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"benchmark": "bias_public_api", "rows": args.rows, "resamples": args.resamples,
                                    "repeat": args.repeat, "seed": args.seed, "environment": environment(),
                                    "results": rows, "fairlearn": fairlearn}, indent=2) + "\n")
    print(f"\nresults written to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
