"""``python -m sample_models.job_matching``: generate, split, train, export ONNX, write the manifest."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from .generate import generate_candidates, split_train_eval
from .manifest import write_manifest
from .train import export_onnx, train_model

DEFAULT_OUT = Path(__file__).resolve().parent / "artifacts"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sample_models.job_matching",
                                     description="Generate synthetic candidates (with documented proxies for sex "
                                     "and race/ethnicity), train the vendor's ranking model, export it as ONNX and "
                                     "write the vendor's data manifest.")
    parser.add_argument("--rows", type=int, default=30_000, help="candidate-vacancy pairs (default 30000)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--no-bias", action="store_true",
                        help="no proxy effect in the labels and a complete manifest")
    args = parser.parse_args(argv)
    if args.rows < 1000:
        parser.error("--rows must be at least 1000")
    started = time.perf_counter()
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    bias = not args.no_bias
    train, evaluation = split_train_eval(generate_candidates(args.rows, args.seed, bias=bias), seed=args.seed)
    train.to_parquet(out / "train.parquet", index=False)
    evaluation.to_parquet(out / "eval.parquet", index=False)
    export_onnx(train_model(train, seed=args.seed), out / "model.onnx")
    write_manifest(out, complete=not bias)
    print(f"job_matching: {args.rows} rows (train {len(train)}, eval {len(evaluation)}), "
          f"{'with' if bias else 'without'} proxy effects; wrote {out} in {time.perf_counter() - started:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
