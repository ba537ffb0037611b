"""DuckDB audits a Parquet file far bigger than its memory limit, within that limit."""

from __future__ import annotations

import json
import subprocess
import sys
from textwrap import dedent

import duckdb
import pytest

ROWS = 30_000_000
LIMIT = "64MB"

# Decision log made inside DuckDB (never in Python memory): missing values in sex, a disparity by region.
_GENERATE = """COPY (SELECT
  CASE WHEN hash(i) % 50 = 0 THEN NULL WHEN hash(i) % 2 = 0 THEN 'female' ELSE 'male' END AS sex,
  ['north', 'south', 'east', 'west'][1 + (hash(i + 1) % 4)::INT] AS region,
  (hash(i + 3) % 3 > 0)::INT AS eligible,
  (hash(i + 4) % 100 < 55 - 10 * (hash(i + 1) % 4 = 1)::INT)::INT AS decision,
  (hash(i + 5) % 1000000) / 1e6 AS score
FROM range({rows}) t(i)) TO '{path}' (FORMAT parquet, ROW_GROUP_SIZE 1000000)"""

# Run in a fresh process so its peak memory is the audit's alone.
_AUDIT = dedent("""\
    import json, sys
    from govaudit.backends import DuckDBSettings, duckdb_counts_source
    def status_mb(field):  # VmRSS now, VmHWM peak; this process's own (ru_maxrss would include the parent's at fork)
        return int(open("/proc/self/status").read().split(field + ":")[1].split()[0]) / 1024
    base = status_mb("VmRSS")
    source = duckdb_counts_source(sys.argv[1], settings=DuckDBSettings(memory_limit=sys.argv[2],
        temp_directory=sys.argv[3], threads=2), sensitive_features=["sex", "region"], label="eligible",
        prediction="decision", score="score")
    enc = source.encoding(["sex"])
    counts = source.group_counts(enc)
    print(json.dumps({"labels": enc.labels, "n": counts.n.tolist(), "rows": source.n_rows,
                      "growth_mb": status_mb("VmHWM") - base}))
""")


@pytest.mark.slow
def test_a_30m_row_file_under_a_64mb_limit(tmp_path):
    path = tmp_path / "log.parquet"
    with duckdb.connect(config={"memory_limit": "256MB", "threads": 2}) as con:
        con.execute(_GENERATE.format(rows=ROWS, path=path))
        # independent count: plain SQL over the file
        expected = dict(con.execute(
            f"SELECT coalesce(sex, 'unknown'), count(*) FROM '{path}' GROUP BY 1").fetchall())
    assert path.stat().st_size > 3 * 64 * 2**20  # even compressed, the file is several times the limit
    done = subprocess.run([sys.executable, "-c", _AUDIT, str(path), LIMIT, str(tmp_path / "spill")],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]  # DuckDB raises "Out of Memory" past its limit
    out = json.loads(done.stdout)
    assert out["rows"] == ROWS
    assert dict(zip(out["labels"], out["n"])) == expected
    # pandas would hold at least 30M x 5 columns (> 700 MB); the audit's own growth stays small
    assert out["growth_mb"] < 256




def _scale_benchmark():
    """The scale benchmark's module: its decision-log generator and policy are reused here."""
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "benchmarks" / "scale.py"
    spec = importlib.util.spec_from_file_location("scale_benchmark", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_OVERSIGHT = dedent("""\
    import json, sys
    from govaudit.oversight._auditor import OversightAuditor
    from govaudit.backends import DuckDBSettings
    from govaudit.oversight import duckdb_log_counts
    def status_mb(field):
        return int(open("/proc/self/status").read().split(field + ":")[1].split()[0]) / 1024
    base = status_mb("VmRSS")
    auditor = OversightAuditor(policy=json.loads(sys.argv[4]), sensitive_features=["sex", "region"], n_resamples=50)
    counts = duckdb_log_counts(sys.argv[1], settings=DuckDBSettings(memory_limit=sys.argv[2],
        temp_directory=sys.argv[3], threads=2), sensitive_features=["sex", "region"], policy=auditor.config.policy)
    findings = {f.check: f.evidence for f in auditor.assess_counts(counts)}
    print(json.dumps({"rows": counts.n_rows, "coverage": findings["oversight.review_coverage"],
                      "growth_mb": status_mb("VmHWM") - base}))
""")


@pytest.mark.slow
def test_an_oversight_audit_of_a_log_several_times_the_limit(tmp_path):
    rows, limit = 8_000_000, "96MB"
    scale = _scale_benchmark()
    path = tmp_path / "decisions.parquet"
    with duckdb.connect(config={"memory_limit": "512MB", "threads": 2}) as con:
        con.execute("SET TimeZone = 'UTC'")
        con.execute(scale._GENERATE_LOG.format(rows=rows, path=path).replace("ROW_GROUP_SIZE 1000000",
                                                                                "ROW_GROUP_SIZE 122880"))
        # independent count: plain SQL over the file
        required, unreviewed = con.execute(
            f"SELECT count(*), count(*) FILTER (WHERE reviewer_1 IS NULL) FROM '{path}' "
            "WHERE final_decision IS NOT NULL AND (review_required OR recommendation = 0 OR case_type = 'fraud' "
            "OR score BETWEEN 0.4 AND 0.6)").fetchone()
    assert path.stat().st_size > 2 * 96 * 2**20  # even compressed, the file is several times the limit
    done = subprocess.run([sys.executable, "-c", _OVERSIGHT, str(path), limit, str(tmp_path / "spill"),
                           json.dumps(scale.POLICY)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    out = json.loads(done.stdout)
    assert out["rows"] == rows
    assert (out["coverage"]["required_decided"], out["coverage"]["unreviewed"]) == (required, unreviewed)
    assert out["growth_mb"] < 512  # the rows (8M x 19 columns, > 1.5 GB in pandas) never reach Python
