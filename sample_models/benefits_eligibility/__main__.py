"""``python -m sample_models.benefits_eligibility``: generate, split, train, save."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import pandas as pd

from .generate import INJECTED_EFFECT, generate_applications, split_train_eval
from .train import CLEAN_FEATURES, FEATURES, LABEL, save_model, train_model

DEFAULT_OUT = Path(__file__).resolve().parent / "artifacts"


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m sample_models.benefits_eligibility",
        description="Generate synthetic benefit applications (with an injected in-person "
        "denial bias), train the eligibility model and save it as .skops.",
    )
    parser.add_argument("--rows", type=int, default=50_000, help="applications to generate (default 50000)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"output directory (default {DEFAULT_OUT})")
    parser.add_argument("--no-bias", action="store_true",
                        help="clean variant: no in-person wrongful denials, and channel is not a model input")
    args = parser.parse_args(argv)
    if args.rows < 100:
        parser.error("--rows must be at least 100")
    return args


def main(argv: list[str] | None = None) -> int:
    args = _parse_args(argv)
    started = time.perf_counter()
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)

    bias = not args.no_bias
    features = FEATURES if bias else CLEAN_FEATURES
    applications = generate_applications(args.rows, args.seed, bias=bias)
    train, evaluation = split_train_eval(applications, seed=args.seed)
    model = train_model(train, seed=args.seed, features=features)

    train.to_parquet(out / "train.parquet", index=False)
    evaluation.to_parquet(out / "eval.parquet", index=False)
    untrusted = save_model(model, out / "model.skops")
    (out / "trusted_types.json").write_text(json.dumps(untrusted, indent=2) + "\n", encoding="utf-8")

    decision = model.predict(evaluation[list(features)])
    accuracy = float((decision == evaluation[LABEL].to_numpy()).mean())
    rates = pd.Series(decision).groupby(evaluation[INJECTED_EFFECT["feature"]].to_numpy()).mean()
    ratio = rates[INJECTED_EFFECT["disadvantaged_group"]] / rates[INJECTED_EFFECT["reference_group"]]
    lo, hi = INJECTED_EFFECT["impact_ratio_range"]
    print(
        f"benefits_eligibility: {len(applications)} rows (train {len(train)}, eval {len(evaluation)}), "
        f"eval accuracy {accuracy:.3f}; selection rate in_person {rates['in_person']:.3f}, "
        f"online {rates['online']:.3f}; impact ratio {ratio:.3f} "
        + (f"(documented range at 50k rows: {lo:.2f}-{hi:.2f}); " if bias else "(clean variant); ")
        + f"wrote {out} in {time.perf_counter() - started:.1f}s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
