"""``python -m sample_models.home_visit_priority``: generate the history and the caseload, train, rank, write."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from .generate import CAPACITY, NEED, generate_cases, queue
from .queue_figures import top_k_shares
from .train import priority_scores, save_model, train_model

DEFAULT_OUT = Path(__file__).resolve().parent / "artifacts"
#: the caseload is drawn with its own seed, far from the history's
CASELOAD_SEED_OFFSET = 100_003


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sample_models.home_visit_priority",
                                     description="Generate past referrals and the current caseload of a "
                                     "child-welfare office, train the priority model, rank the caseload and "
                                     "write the queue with the family allowance paid and due.")
    parser.add_argument("--rows", type=int, default=10_000, help="cases in the current caseload (default 10000)")
    parser.add_argument("--history", type=int, default=20_000, help="past referrals to train on (default 20000)")
    parser.add_argument("--capacity", type=float, default=CAPACITY, help=f"share visited (default {CAPACITY})")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--no-bias", action="store_true",
                        help="no interpreter effect in the past labels and no under-payment")
    args = parser.parse_args(argv)
    if args.rows < 1000 or args.history < 1000:
        parser.error("--rows and --history must be at least 1000")
    if not 0.0 < args.capacity < 1.0:
        parser.error("--capacity must be between 0 and 1")
    started = time.perf_counter()
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    bias = not args.no_bias
    history = generate_cases(args.history, args.seed, bias=bias, prefix="PR")
    cases = generate_cases(args.rows, args.seed + CASELOAD_SEED_OFFSET, bias=bias)
    model = train_model(history, seed=args.seed)
    cases["priority_score"] = priority_scores(model, cases)
    cases["priority_rank"], cases["visited"] = queue(cases["priority_score"].to_numpy(), args.capacity)
    history.to_parquet(out / "history.parquet", index=False)
    cases.to_parquet(out / "cases.parquet", index=False)
    untrusted = save_model(model, out / "model.skops")
    (out / "trusted_types.json").write_text(json.dumps(untrusted, indent=2) + "\n", encoding="utf-8")
    k = int(cases["visited"].sum())
    shares = top_k_shares(cases["migration_background"].to_numpy(), cases["priority_rank"].to_numpy(), k,
                          cases[NEED].to_numpy())
    print(f"home_visit_priority: {args.rows} cases ({k} visited), {args.history} past referrals, "
          f"{'with' if bias else 'without'} injected effects; wrote {out} in {time.perf_counter() - started:.1f}s")
    print("share in the top k / share of all, by migration background: "
          + ", ".join(f"{r.group} {r.top_k_over_all:.2f}" for r in shares.itertuples()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
