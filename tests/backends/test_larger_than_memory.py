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


