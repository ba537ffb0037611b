"""``python -m sample_models.community_access_face_match``: attempts, decision log, threshold curve, manifest."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

from .curve import threshold_curve
from .decision_log import generate_decision_log
from .generate import OPERATING_THRESHOLD, generate_attempts
from .manifest import write_manifest

DEFAULT_OUT = Path(__file__).resolve().parent / "artifacts"
#: thresholds of the effect curve written beside the data
CURVE_THRESHOLDS = tuple(np.round(np.arange(0.40, 0.651, 0.025), 3))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sample_models.community_access_face_match",
                                     description="Generate synthetic face-verification attempts (with documented "
                                     "demographic effects), the gate's decision log and the data manifest.")
    parser.add_argument("--rows", type=int, default=40_000, help="verification attempts (default 40000)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--no-bias", action="store_true", help="no demographic effect and no broken two-person rule")
    args = parser.parse_args(argv)
    if args.rows < 1000:
        parser.error("--rows must be at least 1000")
    started = time.perf_counter()
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    bias = not args.no_bias
    attempts = generate_attempts(args.rows, args.seed, bias=bias)
    attempts.to_parquet(out / "attempts.parquet", index=False)
    generate_decision_log(max(args.rows // 2, 1000), args.seed + 1, bias=bias).to_parquet(
        out / "decision_log.parquet", index=False)
    curve = threshold_curve(attempts, CURVE_THRESHOLDS, "sex")
    curve.to_csv(out / "threshold_curve_sex.csv", index=False)
    threshold_curve(attempts, CURVE_THRESHOLDS, "age_band").to_csv(out / "threshold_curve_age_band.csv", index=False)
    write_manifest(out)
    at = curve[curve["threshold"] == OPERATING_THRESHOLD].set_index("group")
    print(f"community_access_face_match: {len(attempts)} attempts ({'with' if bias else 'without'} demographic "
          f"effects); at threshold {OPERATING_THRESHOLD}: FMR female {at.loc['female', 'fmr']:.4f}, male "
          f"{at.loc['male', 'fmr']:.4f}; wrote {out} in {time.perf_counter() - started:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
