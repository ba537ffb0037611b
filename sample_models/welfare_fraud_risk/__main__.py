"""``python -m sample_models.welfare_fraud_risk``: generate, split, train, save; then the random control stream."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import pandas as pd

from .control_sample import generate_control_sample
from .generate import INJECTED_EFFECT, generate_recipients, split_train_eval
from .train import FEATURES, FLAG_THRESHOLD, save_model, train_model

DEFAULT_OUT = Path(__file__).resolve().parent / "artifacts"


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m sample_models.welfare_fraud_risk",
        description="Generate synthetic benefit recipients (language proficiency as a proxy for migration "
        "background), train the fraud-risk model and save it as .skops, with a random control sample of checks "
        "beside the model's selections (control_sample.parquet).",
    )
    parser.add_argument("--rows", type=int, default=50_000, help="recipients to generate (default 50000)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"output directory (default {DEFAULT_OUT})")
    parser.add_argument("--no-bias", action="store_true", help="no language effect in the past investigations' labels")
    args = parser.parse_args(argv)
    if args.rows < 500:
        parser.error("--rows must be at least 500")
    return args


def flag_rates(model, evaluation: pd.DataFrame) -> pd.Series:
    """Share flagged for investigation (risk above FLAG_THRESHOLD) by migration background."""
    risk = model.predict_proba(evaluation[list(FEATURES)])[:, 1]
    return pd.Series(risk > FLAG_THRESHOLD).groupby(evaluation["migration_background"].to_numpy()).mean()


def main(argv: list[str] | None = None) -> int:
    args = _parse_args(argv)
    started = time.perf_counter()
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    recipients = generate_recipients(args.rows, args.seed, bias=not args.no_bias)
    train, evaluation = split_train_eval(recipients, seed=args.seed)
    model = train_model(train, seed=args.seed)
    train.to_parquet(out / "train.parquet", index=False)
    evaluation.to_parquet(out / "eval.parquet", index=False)
    untrusted = save_model(model, out / "model.skops")
    (out / "trusted_types.json").write_text(json.dumps(untrusted, indent=2) + "\n", encoding="utf-8")
    control = generate_control_sample(model, args.seed, bias=not args.no_bias)
    control.to_parquet(out / "control_sample.parquet", index=False)
    rates = flag_rates(model, evaluation)
    ratio = rates["non_eu"] / rates["none"] if rates["none"] > 0 else float("nan")  # a tiny sample may flag no one
    print(
        f"welfare_fraud_risk: {len(recipients)} rows (train {len(train)}, eval {len(evaluation)}); flagged for "
        f"investigation: none {rates['none']:.3f}, eu {rates['eu']:.3f}, non_eu {rates['non_eu']:.3f} "
        f"(non_eu / none = {ratio:.2f}; documented range at "
        f"{INJECTED_EFFECT['rows']} rows: {INJECTED_EFFECT['flag_rate_ratio_range']}); "
        f"wrote {out} in {time.perf_counter() - started:.1f}s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
