"""Start-up cost: `import pandas`, `import govaudit` and `govaudit --help`, each in fresh processes.

Every measurement is a new interpreter (a second import in the same process is free), best of
``--repeat``. Two figures per statement: the import itself, timed inside the process (interpreter
start-up excluded), and the wall time of the whole command as a shell runs it. ``from govaudit
import audit`` (what an audit loads: pandas, pydantic and govaudit's own modules) is shown for
reference. This checkout's ``src`` is measured. Results go to benchmarks/results/import_time.json.

    python benchmarks/import_time.py             # best of 5
    python benchmarks/import_time.py --repeat 11
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "import_time.json"

#: What is timed inside each fresh process: the import statement only.
_TIMED = "import time\nstart = time.perf_counter()\n{statement}\nprint(time.perf_counter() - start)"
STATEMENTS = {
    "import pandas": "import pandas",
    "import govaudit": "import govaudit",
    "from govaudit import audit": "from govaudit import audit",
}


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")])}


def _run(argv: list[str]) -> tuple[float, str]:
    """Wall seconds of one fresh process and its output; fails loudly if it fails."""
    start = time.perf_counter()
    result = subprocess.run(argv, capture_output=True, text=True, env=_env(), check=True)
    return time.perf_counter() - start, result.stdout


def measure(repeat: int) -> dict[str, dict[str, float]]:
    """Best-of-``repeat`` import and wall seconds, the statements interleaved so load hits them alike."""
    commands = {name: [sys.executable, "-c", _TIMED.format(statement=code)] for name, code in STATEMENTS.items()}
    commands["python (start-up only)"] = [sys.executable, "-c", "pass"]
    commands["govaudit --help"] = [sys.executable, "-m", "govaudit.cli", "--help"]
    best: dict[str, dict[str, float]] = {name: {"wall_s": float("inf")} for name in commands}
    for _ in range(repeat):
        for name, argv in commands.items():
            wall, out = _run(argv)
            best[name]["wall_s"] = min(best[name]["wall_s"], wall)
            if name in STATEMENTS:
                best[name]["import_s"] = min(best[name].get("import_s", float("inf")), float(out.split()[-1]))
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="fresh processes per statement (the best counts)")
    args = parser.parse_args(argv)

    _run([sys.executable, "-c", "import pandas, govaudit.cli"])  # warm the file cache and the bytecode
    best = measure(args.repeat)
    pandas_s, govaudit_s = best["import pandas"]["import_s"], best["import govaudit"]["import_s"]
    print(f"Python {platform.python_version()}, best of {args.repeat} fresh processes each")
    print(f"{'statement':<28} {'import':>9} {'wall':>9}")
    for name, row in best.items():
        inside = f"{row['import_s']:.3f} s" if "import_s" in row else "-"
        print(f"{name:<28} {inside:>9} {row['wall_s']:>7.3f} s")
    print(f"\nimport govaudit - import pandas: {govaudit_s - pandas_s:+.3f} s "
          f"(govaudit / pandas: {govaudit_s / pandas_s:.2f}x)")
    help_s, bare_s = best["govaudit --help"]["wall_s"], best["python (start-up only)"]["wall_s"]
    print(f"govaudit --help: {help_s:.3f} s wall, {help_s - bare_s:.3f} s over a bare interpreter")

    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    summary = {"python": platform.python_version(), "repeat": args.repeat, "best": best}
    RESULTS.write_text(json.dumps(summary, indent=2))
    print(f"\nresults written to {RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
