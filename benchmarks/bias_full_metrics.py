"""Benchmark: what the full per-group metric set costs at 10M rows, beside the engine before it.

The bias audit counts the rows once (``count_groupings``: one pass over the sensitive columns and
the outcomes) and computes everything else from the small counts table: the cell counts, 13 rates
with Wilson intervals, two likelihood ratios, every rate's ratio to and difference from the
reference group with 1000-resample bootstrap intervals, the summary disparities, tests and findings.
In one run, on the same frame (sex with 3% missing, region with 8 levels, and their intersection),
for each way of passing the sensitive features:

- ``count``: ``count_groupings`` alone, the counting engine;
- ``previous``: the public call as the engine did it before the full metric set (seven rates),
  run from that commit's own source (``git archive``) in a second process on the same data;
- ``selection``: the public path with decisions only, ``BiasAuditor(intersectional=True).assess(
  y_pred=..., sensitive_features=...)`` (selection rate and share of positive decisions);
- ``full``: the same call with the observed outcomes too: the full metric set.

It prints ``full / previous``: the extra columns must cost at most 20 % over the previous engine,
and ``full / count`` for the share of the audit spent after counting. Before any time is shown, the
full report's cell counts are checked against a pandas crosstab, and both engines' selection rates
must agree.

The four are run in turn ``--repeat`` times and the best of each is kept. Without git or the
commit (a source archive), the ``previous`` column is left out and says why.

Usage::

    python benchmarks/bias_full_metrics.py                  # 10M rows
    python benchmarks/bias_full_metrics.py --rows 1000000 --dtypes category
"""

from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
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
#: the last commit before the full metric set: the engine the extra columns are measured against
PREVIOUS_ENGINE = "18fca82"
BENCH_DIR = Path(__file__).resolve().parent

# Runs in the previous engine's source tree: builds the same data, then times one labelled assess
# per line read from stdin. Its first line is the sex groups' selection rates, to check agreement.
_WORKER = """
import json, sys, time, warnings
sys.path.insert(0, {bench!r})
from bias_public_api import DTYPES
from bias_vs_fairlearn import make_data
from govaudit.bias import BiasAuditor
data = make_data({rows}, {seed})
frame = DTYPES[{kind!r}](data["sensitive"])
def run():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return BiasAuditor(intersectional=True, n_resamples={resamples}).assess(
            data["y_true"], data["y_pred"], sensitive_features=frame)
rates = run().by_group["sex"]["selection_rate"]
print(json.dumps({{str(k): float(v) for k, v in rates.items()}}), flush=True)
for _ in sys.stdin:
    start = time.perf_counter()
    run()
    print(time.perf_counter() - start, flush=True)
"""


def previous_engine_source(commit: str) -> tuple[Path | None, str]:
    """The previous engine's ``src`` extracted from git into a temporary folder, or why not."""
    try:
        archive = subprocess.run(["git", "-C", str(BENCH_DIR.parent), "archive", commit, "src/govaudit"],
                                 capture_output=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError) as exc:
        return None, f"previous engine {commit} not available ({exc})"
    folder = Path(tempfile.mkdtemp(prefix="govaudit-previous-"))
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(folder, filter="data") if sys.version_info >= (3, 12) else tar.extractall(folder)
    return folder / "src", ""


class PreviousEngine:
    """A second process that times the previous engine's assess on the same data, on demand."""

    def __init__(self, src: Path, kind: str, args: argparse.Namespace) -> None:
        code = _WORKER.format(bench=str(BENCH_DIR), rows=args.rows, seed=args.seed, kind=kind,
                              resamples=args.resamples)
        env = {**os.environ, "PYTHONPATH": str(src)}
        self.process = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, text=True, env=env, cwd=str(src))
        self.selection_rates = json.loads(self._line())

    def _line(self) -> str:
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError("the previous engine's process stopped")
        return line

    def time(self) -> float:
        self.process.stdin.write("go\n")
        self.process.stdin.flush()
        return float(self._line())

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait(timeout=60)


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


def bench(kind: str, data: dict[str, Any], args: argparse.Namespace, previous_src: Path | None) -> dict[str, Any]:
    frame = DTYPES[kind](data["sensitive"])
    report = run_assess(frame, data, args.resamples, True)
    check_cells(report, frame, data)  # a wrong audit must not report a time
    previous = PreviousEngine(previous_src, kind, args) if previous_src is not None else None
    if previous is not None:  # both engines must read the same data the same way
        ours = {str(k): float(v) for k, v in report.by_group["sex"]["selection_rate"].items()}
        if set(ours) != set(previous.selection_rates) or any(
                abs(ours[k] - previous.selection_rates[k]) > 1e-12 for k in ours):
            raise AssertionError(f"selection rates differ: {ours} != {previous.selection_rates}")
    # interleaved, so that a change in the machine's load hits the four alike; best of each
    t_count = t_selection = t_full = t_previous = float("inf")
    for _ in range(args.repeat):
        t_count = min(t_count, best_time(lambda: run_count(frame, data), 1)[0])
        if previous is not None:
            t_previous = min(t_previous, previous.time())
        t_selection = min(t_selection, best_time(lambda: run_assess(frame, data, args.resamples, False), 1)[0])
        t_full = min(t_full, best_time(lambda: run_assess(frame, data, args.resamples, True), 1)[0])
    if previous is not None:
        previous.close()
    row = {"dtype": kind, "rows": len(frame), "count_s": t_count, "selection_s": t_selection, "full_s": t_full,
           "previous_s": t_previous if previous is not None else None,
           "full_over_previous": t_full / t_previous if previous is not None else None,
           "full_over_count": t_full / t_count, "full_over_selection": t_full / t_selection,
           "columns": int(report.by_group["sex"].shape[1]),
           "disparity_rows": int(sum(len(t) for t in report.group_disparities.values()))}
    over_previous = f"full / previous {row['full_over_previous']:.2f}, " if previous is not None else ""
    shown_previous = f"previous {t_previous:.3f} s, " if previous is not None else ""
    print(f"   {kind:<16} count {t_count:.3f} s, {shown_previous}selection {t_selection:.3f} s, "
          f"full {t_full:.3f} s: {over_previous}full / count {row['full_over_count']:.2f} ({row['columns']} "
          f"columns per group table, {row['disparity_rows']} disparity rows)", flush=True)
    return row


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--resamples", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3, help="timed runs (the best is kept)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--dtypes", nargs="+", choices=list(DTYPES), default=list(DTYPES))
    parser.add_argument("--previous", default=PREVIOUS_ENGINE,
                        help="git commit of the engine to compare with ('' to leave it out)")
    parser.add_argument("--out", type=Path, default=RESULTS_PATH)
    args = parser.parse_args(argv)
    print(f"bias audit, full metric set vs the counting pass: {args.rows:,} rows, {args.resamples} resamples, "
          f"best of {args.repeat}")
    previous_src, why = previous_engine_source(args.previous) if args.previous else (None, "not asked")
    print(f"previous engine: {args.previous}" if previous_src else f"previous engine left out: {why}")
    data = make_data(args.rows, args.seed)
    rows = [bench(kind, data, args, previous_src) for kind in args.dtypes]
    print("\n| sensitive features | count_groupings | previous engine (seven rates) | assess, decisions only "
          "| assess, full metric set | full / previous | full / count |")
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        prev = f"{r['previous_s']:.3f} s" if r["previous_s"] is not None else "-"
        ratio = f"{r['full_over_previous']:.2f}" if r["full_over_previous"] is not None else "-"
        print(f"| `{r['dtype']}` | {r['count_s']:.3f} s | {prev} | {r['selection_s']:.3f} s | {r['full_s']:.3f} s "
              f"| {ratio} | {r['full_over_count']:.2f} |")
    if previous_src is not None:
        worst = max(r["full_over_previous"] for r in rows)
        print(f"\nworst full / previous: {worst:.2f} (target <= {TARGET:.2f}): {'met' if worst <= TARGET else 'missed'}")
    if previous_src is not None:
        shutil.rmtree(previous_src.parent, ignore_errors=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"environment": environment(), "rows": rows}, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
