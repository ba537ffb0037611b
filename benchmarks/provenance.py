"""Hash and profile a large CSV within 256 MiB, side by side with ``sha256sum`` on the same file.

    python benchmarks/provenance.py               # a 2 GB CSV
    python benchmarks/provenance.py --quick       # 0.25 GB
    python benchmarks/provenance.py --size-gb 0.5

The CSV is generated in a temporary folder (deleted afterwards). Each measurement runs in its own
child process; its peak resident memory comes from the kernel's accounting of that child
(``os.wait4``), cross-checked with ``resource.getrusage(RUSAGE_CHILDREN)``. Results are printed and
written to ``benchmarks/results/provenance.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results" / "provenance.json"
LIMIT_MIB = 256
CHUNK_ROWS = 1_000_000

#: What the govaudit child does: stream-hash and stream-profile the file, print timings as JSON.
_GOVAUDIT_CHILD = """
import json, sys, time
from govaudit.provenance import profile_table
from govaudit.records import sha256_file
path, what = sys.argv[1], sys.argv[2]
out = {}
t = time.perf_counter(); out["sha256"] = sha256_file(path); out["hash_s"] = time.perf_counter() - t
if what == "both":
    t = time.perf_counter(); p = profile_table(path); out["profile_s"] = time.perf_counter() - t
    out["rows"] = p.rows
    out["columns"] = {c.name: {"type": c.type, "missing": c.missing} for c in p.columns}
print(json.dumps(out))
"""


def _write_csv(path: Path, size_bytes: int, seed: int = 0) -> int:
    """Append 1M-row chunks of realistic applications until the file reaches ``size_bytes``; return rows.

    Runs in a child process (``--generate``), so that the parent, whose memory every child inherits
    at fork and the kernel counts in the child's peak, stays small.
    """
    import numpy as np
    import pyarrow as pa
    import pyarrow.csv as pa_csv

    rng = np.random.default_rng(seed)
    rows = 0
    regions = np.array(["north", "south", "east", "west", "capital"])
    with pa.OSFile(str(path), "wb") as sink:
        writer = None
        while writer is None or path.stat().st_size < size_bytes:
            n = CHUNK_ROWS
            income = rng.lognormal(7.4, 0.5, n).round(2)
            table = pa.table({
                "application_id": pa.array(np.char.add("APP-", np.arange(rows, rows + n).astype(str))),
                "age": rng.integers(18, 91, n),
                "sex": pa.array(rng.choice(["female", "male"], n), mask=rng.random(n) < 0.005),
                "region": regions[rng.integers(0, 5, n)],
                "household_size": rng.integers(1, 9, n),
                "monthly_income": pa.array(income, mask=rng.random(n) < 0.02),
                "channel": rng.choice(["online", "in_person"], n, p=[0.6, 0.4]),
                "eligible": rng.integers(0, 2, n),
            })
            if writer is None:
                writer = pa_csv.CSVWriter(sink, table.schema)
            writer.write_table(table)
            rows += n
            sink.flush()  # so the size on disk is current
        writer.close()
    return rows


def _child(argv: list[str]) -> tuple[float, str, float]:
    """Run a child process; return (wall seconds, stdout, peak RSS in MiB of that child)."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, text=True)
    stdout = proc.stdout.read()  # type: ignore[union-attr]
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"{argv[0]} exited with {proc.returncode}")
    return wall, stdout, usage.ru_maxrss / 1024  # Linux reports KiB


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-gb", type=float, default=2.0, help="CSV size in GB (10^9 bytes; default 2)")
    parser.add_argument("--quick", action="store_true", help="0.25 GB")
    parser.add_argument("--generate", type=Path, help=argparse.SUPPRESS)  # internal: write the CSV and exit
    args = parser.parse_args(argv)
    if args.generate is not None:
        print(_write_csv(args.generate, int(args.size_gb * 1e9)))
        return 0
    size = int((0.25 if args.quick else args.size_gb) * 1e9)
    sha256sum = shutil.which("sha256sum")
    with tempfile.TemporaryDirectory(prefix="govaudit-bench-") as folder:
        path = Path(folder) / "applications.csv"
        t = time.perf_counter()
        rows = int(subprocess.run([sys.executable, __file__, "--generate", str(path), "--size-gb", str(size / 1e9)],
                                  check=True, capture_output=True, text=True).stdout)
        actual = path.stat().st_size
        print(f"generated {actual / 1e9:.2f} GB, {rows:,} rows in {time.perf_counter() - t:.0f} s")
        mib = actual / 2**20

        both_wall, out, both_rss = _child([sys.executable, "-c", _GOVAUDIT_CHILD, str(path), "both"])
        both = json.loads(out)
        hash_wall, out, hash_rss = _child([sys.executable, "-c", _GOVAUDIT_CHILD, str(path), "hash"])
        govaudit_hash = json.loads(out)
        results: dict = {
            "file_bytes": actual, "rows": rows,
            "govaudit_hash_and_profile": {"wall_s": both_wall, "hash_s": both["hash_s"], "profile_s": both["profile_s"],
                                          "peak_rss_mib": both_rss, "profile_rows": both["rows"]},
            "govaudit_hash_only": {"wall_s": hash_wall, "hash_s": govaudit_hash["hash_s"],
                                   "throughput_mib_s": mib / govaudit_hash["hash_s"], "peak_rss_mib": hash_rss},
        }
        assert both["rows"] == rows, "the streaming profile must count every row"
        if sha256sum:
            wall, out, rss = _child([sha256sum, str(path)])
            assert out.split()[0] == both["sha256"] == govaudit_hash["sha256"], "hashes must agree"
            results["sha256sum"] = {"wall_s": wall, "throughput_mib_s": mib / wall, "peak_rss_mib": rss}
        # largest child so far, the generator included (it holds 1M-row chunks in memory)
        results["rusage_children_max_rss_mib"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024

    g = results["govaudit_hash_and_profile"]
    print(f"govaudit sha256 + profile: hash {g['hash_s']:.1f} s ({mib / g['hash_s']:.0f} MiB/s), "
          f"profile {g['profile_s']:.1f} s ({mib / g['profile_s']:.0f} MiB/s), peak RSS {g['peak_rss_mib']:.0f} MiB "
          f"(limit {LIMIT_MIB} MiB: {'within' if g['peak_rss_mib'] <= LIMIT_MIB else 'EXCEEDED'})")
    h = results["govaudit_hash_only"]
    print(f"govaudit sha256 alone:     {h['hash_s']:.1f} s ({h['throughput_mib_s']:.0f} MiB/s), "
          f"peak RSS {h['peak_rss_mib']:.0f} MiB")
    if "sha256sum" in results:
        s = results["sha256sum"]
        ratio = s["throughput_mib_s"] / h["throughput_mib_s"]
        results["sha256sum_over_govaudit_hash"] = ratio
        print(f"sha256sum:                 {s['wall_s']:.1f} s ({s['throughput_mib_s']:.0f} MiB/s), "
              f"peak RSS {s['peak_rss_mib']:.0f} MiB; govaudit hashing at {1 / ratio:.2f}x sha256sum's speed")
    results.update(machine={"cpus": os.cpu_count(), "python": platform.python_version(),
                            "platform": platform.platform()},
                   limit_mib=LIMIT_MIB, within_limit=results["govaudit_hash_and_profile"]["peak_rss_mib"] <= LIMIT_MIB)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {RESULTS}")
    return 0 if results["within_limit"] else 1


if __name__ == "__main__":
    sys.exit(main())
