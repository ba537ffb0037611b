"""Audit a large decision log with DuckDB under a memory limit, side by side with pandas (and Spark).

    python benchmarks/scale.py                  # 1M and 10M rows, both audits
    python benchmarks/scale.py --quick          # 1M rows
    python benchmarks/scale.py --rows 1e6 1e7 1e8 --spark
    python benchmarks/scale.py --audit oversight --rows 1e8

Two audits, each on its own generated Parquet file (made by DuckDB in a temporary folder, which also
needs room for DuckDB to spill):

- ``bias``: a table of decisions (sex, region, label, decision, score; about 9 bytes per row
  compressed: 0.1 GB for 10M rows, 0.9 GB for 100M). Per-group counts of sex, region and their
  intersection, scoring rates above the exact median, 200 bootstrap resamples.
- ``oversight``: a full decision log in the documented format (case id, times of decision, review
  and appeal, reviewers, recommendation, final decision, appeal outcome, sex, region, case type;
  about 29 bytes per row: 0.3 GB for 10M rows, 2.9 GB for 100M). Every oversight check with a policy
  (review of adverse, uncertain and fraud cases, two-person rule for fraud, 60 s minimum review,
  30-day appeal deadline), override and appeal rates by sex and region, full validation of the log
  (format rules, unique case ids), 200 bootstrap resamples.

For 100M rows allow about 4 GB of disk for the files plus DuckDB's spill. Each audit runs in three
ways, each in its own child process so its peak resident memory (``VmHWM`` of ``/proc/self/status``)
is its own:

- ``duckdb``: the backend under a 1 GB memory limit; the rows never reach pandas;
- ``pandas``: the in-memory path, which loads the file (``pd.read_parquet``) and runs the numpy engine
  (skipped above ``--pandas-max`` rows, 20M by default: 100M rows need about 25 GB);
- ``spark`` (with ``--spark``, when pyspark and Java are installed): the same narwhals aggregation
  on a ``local[2]`` SparkSession.

The three must find identical per-group counts (bias) and identical findings (oversight). Results
are printed and written to ``benchmarks/results/scale.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results" / "scale.json"
LIMIT = "1GB"

_GENERATE = """COPY (SELECT
  CASE WHEN hash(i) % 50 = 0 THEN NULL WHEN hash(i) % 2 = 0 THEN 'female' ELSE 'male' END AS sex,
  ['north', 'south', 'east', 'west', 'capital'][1 + (hash(i + 1) % 5)::INT] AS region,
  (hash(i + 3) % 3 > 0)::INT AS eligible,
  (hash(i + 4) % 100 < 55 - 10 * (hash(i + 1) % 5 = 1)::INT)::INT AS decision,
  (hash(i + 5) % 1000000) / 1e6 AS score
FROM range({rows}) t(i)) TO '{path}' (FORMAT parquet, ROW_GROUP_SIZE 1000000)"""

#: A decision log in the documented format; each "random" value is a hash of the row number.
_GENERATE_LOG = """COPY (SELECT * EXCLUDE (reviewed, i) FROM (SELECT *,
  CASE WHEN appeal_outcome IS NOT NULL
       THEN appeal_filed_at + to_seconds((86400 + hash(i * 31 + 15) % (40 * 86400))::BIGINT) END AS appeal_decided_at
FROM (SELECT *,
  CASE WHEN appeal_filed AND hash(i * 31 + 13) % 10 < 9
       THEN CASE WHEN hash(i * 31 + 14) % 100 < 30 THEN 'overturned' ELSE 'upheld' END END AS appeal_outcome
FROM (SELECT *,
  final_decision = 0 AND hash(i * 31 + 11) % 100 < 20 AS appeal_filed,
  CASE WHEN final_decision = 0 AND hash(i * 31 + 11) % 100 < 20
       THEN coalesce(review_ended_at, decided_at) + to_seconds((3600 + hash(i * 31 + 12) % (10 * 86400))::BIGINT)
       END AS appeal_filed_at
FROM (SELECT *,
  CASE WHEN reviewed THEN review_started_at
       + to_microseconds(((30 + hash(i * 31 + 7) % 900) * 1000000 + hash(i * 31 + 16) % 1000000)::BIGINT) END
       AS review_ended_at,
  CASE WHEN reviewed AND hash(i * 31 + 8) % 100 < CASE WHEN sex = 'female' THEN 12 ELSE 8 END
       THEN 1 - recommendation ELSE recommendation END AS final_decision
FROM (SELECT *,
  CASE WHEN reviewed THEN 'R' || (hash(i * 31 + 3) % 40)::VARCHAR END AS reviewer_1,
  CASE WHEN reviewed AND case_type = 'fraud' AND hash(i * 31 + 4) % 10 < 9
       THEN 'R' || ((hash(i * 31 + 3) % 40 + 1 + hash(i * 31 + 5) % 39) % 40)::VARCHAR END AS reviewer_2,
  CASE WHEN reviewed THEN decided_at + to_seconds((60 + hash(i * 31 + 6) % 86400)::BIGINT) END AS review_started_at
FROM (SELECT *, review_required AND hash(i * 31 + 2) % 100 < 95 AS reviewed
FROM (SELECT *, recommendation = 0 OR case_type = 'fraud' OR score BETWEEN 0.4 AND 0.6 AS review_required
FROM (SELECT i, 'c' || i::VARCHAR AS case_id,
  TIMESTAMPTZ '2025-01-01 00:00:00+00' + to_microseconds(i * (15552000000000 // {rows})) AS decided_at,
  'benefits' AS model_name, '1.0' AS model_version,
  ((hash(i) >> 8) % 1000000) / 1e6 AS score,
  (((hash(i) >> 8) % 1000000) >= 500000)::INT AS recommendation,
  CASE WHEN (hash(i) >> 20) % 20 = 0 THEN 'fraud' ELSE 'standard' END AS case_type,
  CASE WHEN (hash(i) >> 30) % 50 = 0 THEN NULL WHEN (hash(i) >> 30) % 2 = 0 THEN 'female' ELSE 'male' END AS sex,
  ['north', 'south', 'east', 'west', 'capital'][1 + ((hash(i) >> 40) % 5)::INT] AS region
FROM range({rows}) t(i)))))))))) TO '{path}' (FORMAT parquet, ROW_GROUP_SIZE 1000000)"""

POLICY = {"uncertainty_band": [0.4, 0.6], "review_case_types": ["fraud"], "two_person_case_types": ["fraud"],
          "min_review_seconds": 60, "max_unreviewed_share": 0.5, "appeal_deadline_days": 30}

_CHILD_OVERSIGHT = """
import json, sys, time, warnings
warnings.simplefilter("ignore")
from govaudit.oversight._auditor import OversightAuditor
path, how, limit, policy = sys.argv[1], sys.argv[2], sys.argv[3], json.loads(sys.argv[4])
auditor = OversightAuditor(policy=policy, sensitive_features=["sex", "region"], n_resamples=200)
t = time.perf_counter()
if how == "duckdb":
    from govaudit.backends import DuckDBSettings
    from govaudit.oversight import duckdb_log_counts
    counts = duckdb_log_counts(path, settings=DuckDBSettings(memory_limit=limit, threads=2),
                               sensitive_features=["sex", "region"], policy=auditor.config.policy)
    findings = auditor.assess_counts(counts)
elif how == "spark":
    from govaudit.backends import SparkSettings
    from govaudit.oversight import spark_log_counts
    counts = spark_log_counts(path, settings=SparkSettings(config={"spark.driver.memory": "2g"}),
                              sensitive_features=["sex", "region"], policy=auditor.config.policy)
    findings = auditor.assess_counts(counts)
else:
    import pandas as pd
    result = auditor.assess(pd.read_parquet(path))
    findings = result.findings if hasattr(result, "findings") else result
seconds = time.perf_counter() - t
peak = int(open("/proc/self/status").read().split("VmHWM:")[1].split()[0]) / 1024
print(json.dumps({"seconds": seconds, "peak_mb": peak, "counts": [f.model_dump(mode="json") for f in findings]}))
"""

_CHILD = """
import json, sys, time, warnings
warnings.simplefilter("ignore")
from govaudit.bias._auditor import BiasAuditor
from govaudit.core import AuditSubject
path, how, limit = sys.argv[1], sys.argv[2], sys.argv[3]
roles = dict(label="eligible", prediction="decision", score="score")
auditor = BiasAuditor(intersectional=True, n_resamples=200)
t = time.perf_counter()
if how == "duckdb":
    from govaudit.backends import DuckDBSettings, duckdb_counts_source
    subject = AuditSubject(counts_source=duckdb_counts_source(
        path, settings=DuckDBSettings(memory_limit=limit, threads=2), sensitive_features=["sex", "region"], **roles))
elif how == "spark":
    from pyspark.sql import SparkSession
    from govaudit.backends import counts_source_from_frame
    spark = (SparkSession.builder.master("local[2]").config("spark.ui.enabled", "false")
             .config("spark.driver.memory", "1g").getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    subject = AuditSubject(counts_source=counts_source_from_frame(
        spark.read.parquet(path), sensitive_features=["sex", "region"], backend="spark", **roles))
else:
    from govaudit.inputs import build_subject, load_table
    subject = build_subject(data=load_table(path), sensitive_features=["sex", "region"], **roles)
report = auditor.analyse(subject)
seconds = time.perf_counter() - t
table = report.by_group["sex & region"]
peak = int(open("/proc/self/status").read().split("VmHWM:")[1].split()[0]) / 1024
print(json.dumps({"seconds": seconds, "peak_mb": peak, "counts": table["count"].astype(int).to_dict()}))
"""


def _run(path: Path, how: str, audit: str = "bias") -> dict:
    command = [sys.executable, "-c", _CHILD, str(path), how, LIMIT] if audit == "bias" else \
        [sys.executable, "-c", _CHILD_OVERSIGHT, str(path), how, LIMIT, json.dumps(POLICY)]
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        child = subprocess.Popen(command, stdout=out, stderr=err)
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0), err.seek(0)
        stdout, stderr = out.read(), err.read()
    if child.returncode != 0:
        return {"error": stderr.strip().splitlines()[-1] if stderr.strip() else "failed"}
    result = json.loads(stdout.strip().splitlines()[-1])
    # the child's VmHWM is its own peak; ru_maxrss also counts what it inherited from this process at fork
    result["ru_maxrss_mb"] = usage.ru_maxrss / 1024
    return result


def _spark_ready() -> str | None:
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return "pyspark is not installed (pip install 'govaudit[spark]')"
    if subprocess.run(["java", "-version"], capture_output=True).returncode != 0:
        return "java is not installed"
    return None


def _measure(audit: str, rows: int, folder: Path, engines: list[str], pandas_max: float) -> dict:
    """Generate the file for ``audit`` at ``rows``, run each engine on it, and compare what they found."""
    import duckdb

    path = folder / f"{audit}-{rows}.parquet"
    with duckdb.connect(config={"memory_limit": LIMIT, "threads": 2}) as con:
        con.execute("SET TimeZone = 'UTC'")
        con.execute((_GENERATE if audit == "bias" else _GENERATE_LOG).format(rows=rows, path=path))
    entry: dict = {"audit": audit, "rows": rows, "file_mb": path.stat().st_size / 2**20}
    for how in engines:
        too_big = how == "pandas" and rows > pandas_max
        entry[how] = {"error": f"skipped: more than --pandas-max={pandas_max:.0e} rows"} if too_big \
            else _run(path, how, audit)
    ran = [h for h in engines if "counts" in entry[h]]
    found = {json.dumps(entry[h]["counts"], sort_keys=True) for h in ran}
    # bias: the per-group counts; oversight: every finding, field by field
    entry["identical"] = len(found) == 1 and len(ran) > 1 or None
    for how in engines:
        entry[how].pop("counts", None)
    path.unlink()
    return entry


def _print(results: list[dict], engines: list[str]) -> None:
    for audit in dict.fromkeys(e["audit"] for e in results):
        print(f"\n{audit} audit of a decision log; DuckDB memory limit {LIMIT}; {os.cpu_count()} cores\n")
        # s per 1M rows: constant across sizes when time grows linearly with the rows
        print(f"{'rows':>12} {'engine':>7} {'seconds':>8} {'s/1M rows':>9} {'rows/s':>12} {'peak MB':>8} "
              f"{'vs pandas':>10}")
        for e in (e for e in results if e["audit"] == audit):
            base = e["pandas"].get("seconds")
            for how in engines:
                r = e[how]
                if "error" in r:
                    print(f"{e['rows']:>12,} {how:>7} error: {r['error']}")
                    continue
                ratio = f"{base / r['seconds']:.2f}x" if base else "-"
                peak = f"{r['peak_mb']:.0f}" if r["peak_mb"] else "?"
                per_m = r["seconds"] / (e["rows"] / 1e6)
                print(f"{e['rows']:>12,} {how:>7} {r['seconds']:>8.2f} {per_m:>9.3f} "
                      f"{e['rows'] / r['seconds']:>12,.0f} {peak:>8} {ratio:>10}")
            what = "per-group counts" if audit == "bias" else "findings"
            print(f"{'':>12} file {e['file_mb']:,.0f} MB; identical {what} across engines: {e['identical']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1M rows only")
    parser.add_argument("--rows", nargs="+", type=float, default=None, help="sizes, e.g. 1e6 1e7 1e8")
    parser.add_argument("--audit", nargs="+", choices=["bias", "oversight"], default=["bias", "oversight"])
    parser.add_argument("--spark", action="store_true", help="also run Spark local[2]")
    parser.add_argument("--pandas-max", type=float, default=2e7,
                        help="largest size pandas is asked to load (about 250 bytes a row in memory)")
    args = parser.parse_args()
    sizes = [int(r) for r in (args.rows or ([1e6] if args.quick else [1e6, 1e7]))]
    engines = ["duckdb", "pandas"]
    if args.spark:
        why = _spark_ready()
        if why:
            print(f"spark skipped: {why}")
        else:
            engines.append("spark")
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for audit in args.audit:
            for rows in sizes:
                results.append(_measure(audit, rows, Path(tmp), engines, args.pandas_max))
                print(f"{audit} {rows:,}: done", file=sys.stderr)
    _print(results, engines)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({"machine": platform.platform(), "cpus": os.cpu_count(), "limit": LIMIT,
                                   "time": time.strftime("%Y-%m-%dT%H:%M:%S"), "results": results}, indent=2))
    print(f"\nwritten to {RESULTS}")


if __name__ == "__main__":
    main()
