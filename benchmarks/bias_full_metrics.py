"""Benchmark: what the full per-group metric set costs over the counting pass, at 10M rows.

The bias audit counts the rows once (``count_groupings``: one pass over the sensitive columns and
the outcomes) and computes everything else from the small counts table: the cell counts, 13 rates
with Wilson intervals, two likelihood ratios, every rate's ratio to and difference from the
reference group with 1000-resample bootstrap intervals, the summary disparities, tests and findings.
In one run, on the same frame (sex with 3% missing, region with 8 levels, and their intersection),
for each way of passing the sensitive features:

- ``count``: ``count_groupings`` alone, the counting engine;
- ``selection``: the public path with decisions only, ``BiasAuditor(intersectional=True).assess(
  y_pred=..., sensitive_features=...)`` (selection rate and share of positive decisions);
- ``full``: the same call with the observed outcomes too: the full metric set.

It prints ``full / count``: the extra columns must cost at most 20 % over the counting pass. Before
any time is shown, the full report's cell counts are checked against a pandas crosstab.

The three are run in turn ``--repeat`` times and the best of each is kept.

Usage::

    python benchmarks/bias_full_metrics.py                  # 10M rows
    python benchmarks/bias_full_metrics.py --rows 1000000 --dtypes category
"""

from __future__ import annotations

import argparse
import json
import sys
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bias_public_api import DTYPES, best_time  # noqa: E402
from bias_vs_fairlearn import GROUPINGS, environment, make_data  # noqa: E402

from govaudit.bias import BiasAuditor  # noqa: E402
from govaudit.metrics._joint import count_groupings  # noqa: E402

RESULTS_PATH = Path(__file__).resolve().parent / "results" / "bias_full_metrics.json"
TARGET = 1.20


def run_count(frame: pd.DataFrame, data: dict[str, Any]) -> Any:
    return count_groupings(frame, [tuple(cols) for cols in GROUPINGS.values()],
                           y_pred=data["y_pred"], y_true=data["y_true"])


def run_assess(frame: pd.DataFrame, data: dict[str, Any], resamples: int, labelled: bool) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return BiasAuditor(intersectional=True, n_resamples=resamples).assess(
            data["y_true"] if labelled else None, data["y_pred"], sensitive_features=frame)


def check_cells(report: Any, frame: pd.DataFrame, data: dict[str, Any]) -> None:
    """The full report's TP/FP/TN/FN by sex equal a pandas crosstab of the same rows."""
    sex = frame["sex"].astype(object)
    sex = sex.where(sex.notna(), "unknown").astype(str)
    cells = pd.crosstab(sex, [data["y_true"], data["y_pred"]])
    table = report.by_group["sex"]
    for label in cells.index:
        expected = [cells.loc[label, (0, 0)], cells.loc[label, (0, 1)], cells.loc[label, (1, 0)],
                    cells.loc[label, (1, 1)]]
        got = table.loc[label, ["tn", "fp", "fn", "tp"]].to_numpy(dtype=np.int64).tolist()
        if got != [int(v) for v in expected]:
            raise AssertionError(f"cells of {label!r}: {got} != {expected}")


def bench(kind: str, data: dict[str, Any], args: argparse.Namespace) -> dict[str, Any]:
    frame = DTYPES[kind](data["sensitive"])
    report = run_assess(frame, data, args.resamples, True)
    check_cells(report, frame, data)  # a wrong audit must not report a time
    # interleaved, so that a change in the machine's load hits the three alike; best of each
    t_count = t_selection = t_full = float("inf")
    for _ in range(args.repeat):
        t_count = min(t_count, best_time(lambda: run_count(frame, data), 1)[0])
        t_selection = min(t_selection, best_time(lambda: run_assess(frame, data, args.resamples, False), 1)[0])
        t_full = min(t_full, best_time(lambda: run_assess(frame, data, args.resamples, True), 1)[0])
    row = {"dtype": kind, "rows": len(frame), "count_s": t_count, "selection_s": t_selection, "full_s": t_full,
           "full_over_count": t_full / t_count, "full_over_selection": t_full / t_selection,
           "columns": int(report.by_group["sex"].shape[1]),
           "disparity_rows": int(sum(len(t) for t in report.group_disparities.values()))}
    print(f"   {kind:<16} count {t_count:.3f} s, selection {t_selection:.3f} s, full {t_full:.3f} s: "
          f"full / count {row['full_over_count']:.2f} ({row['columns']} columns per group table, "
          f"{row['disparity_rows']} disparity rows)", flush=True)
    return row


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--resamples", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3, help="timed runs (the best is kept)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--dtypes", nargs="+", choices=list(DTYPES), default=list(DTYPES))
    parser.add_argument("--out", type=Path, default=RESULTS_PATH)
    args = parser.parse_args(argv)
    print(f"bias audit, full metric set vs the counting pass: {args.rows:,} rows, {args.resamples} resamples, "
          f"best of {args.repeat}")
    data = make_data(args.rows, args.seed)
    rows = [bench(kind, data, args) for kind in args.dtypes]
    print("\n| sensitive features | count_groupings | assess, decisions only | assess, full metric set "
          "| full / count |")
    print("|---|---|---|---|---|")
    for r in rows:
        print(f"| `{r['dtype']}` | {r['count_s']:.3f} s | {r['selection_s']:.3f} s | {r['full_s']:.3f} s "
              f"| {r['full_over_count']:.2f} |")
    worst = max(r["full_over_count"] for r in rows)
    print(f"\nworst full / count: {worst:.2f} (target <= {TARGET:.2f}): {'met' if worst <= TARGET else 'missed'}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"environment": environment(), "rows": rows}, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
