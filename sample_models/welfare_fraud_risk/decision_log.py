"""A synthetic decision log of the welfare fraud-risk score: who was flagged, and whether an investigator checked.

One row per recipient scored in 2025 (UTC). The score is the probability of *no* irregularity
(higher = more favourable), from the data-generating process (:func:`generate.irregularity_probability`)
plus noise (sd 0.03); a recipient is flagged (recommendation 0) when the score is below 0.8, as the
model does. The policy (:data:`SAMPLE_POLICY`): every flag must be reviewed by an investigator
(``INV-01`` ... ``INV-08``) for at least two minutes before an investigation is opened.

Baseline (``--no-bias``): every flag is reviewed; a review takes 120 s plus a lognormal time
(median 600 s, sigma 0.5); investigators drop :data:`DROP_RATE` (20 %) of flags after looking at
the file, independent of the person's group.

Injected effects (default): investigators follow the score without review --

1. **Flags acted on without review** (``oversight.review_coverage``): :data:`UNREVIEWED_RATE`
   (25 %) of flags open an investigation with no investigator named.
2. **Rubber-stamped reviews** (``oversight.rubber_stamping``, ``oversight.review_time``): the reviews
   that do happen take a lognormal time with median 45 s (sigma 0.5: about 97 % under the two-minute
   minimum) and confirm the flag in 99.5 % of cases.

With bias the scores also carry the language effect of the training labels (the same ``bias``
setting as :func:`generate.generate_recipients`).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from govaudit.oversight import OversightPolicy, route_cases

from .generate import generate_recipients, irregularity_probability

__all__ = ["DROP_RATE", "REVIEWERS", "SAMPLE_POLICY", "UNREVIEWED_RATE", "generate_decision_log", "main"]

REVIEWERS: tuple[str, ...] = tuple(f"INV-{i:02d}" for i in range(1, 9))
SAMPLE_POLICY = OversightPolicy(review_adverse=True, min_review_seconds=120, reviewers=REVIEWERS)
FLAG_BELOW = 0.8
UNREVIEWED_RATE = 0.25
DROP_RATE, STAMP_DROP_RATE = 0.20, 0.005
MODEL_NAME, MODEL_VERSION = "welfare-fraud-risk-gbm", "1.0"
START = np.datetime64("2025-01-01T00:00:00", "us")
END = np.datetime64("2026-01-01T00:00:00", "us")


def generate_decision_log(n_cases: int = 20_000, seed: int = 1, *, bias: bool = True) -> pd.DataFrame:
    """Generate the log (see the module docstring for every rate and injected effect).

    Returns
    -------
    pandas.DataFrame
        In the documented decision-log format, with ``migration_background`` and ``sex`` as sensitive features.
    """
    people = generate_recipients(n_cases, seed, bias=bias)
    rng = np.random.default_rng(seed + 1000)
    n = len(people)
    span_us = int((END - START) / np.timedelta64(1, "us")) - 40 * 86_400_000_000
    decided_at = START + np.sort(rng.integers(0, span_us, n)).astype("timedelta64[us]")
    score = np.round(np.clip(1.0 - irregularity_probability(people, with_bias=bias) + rng.normal(0, 0.03, n),
                             0.001, 0.999), 4)
    rec = (score >= FLAG_BELOW).astype(np.int8)
    routing = route_cases(SAMPLE_POLICY, score, rec)
    required = routing.required
    reviewed = required & ~(bias & (rng.random(n) < UNREVIEWED_RATE))
    median, floor = (45.0, 0.0) if bias else (600.0, 120.0)
    duration = floor + np.exp(np.log(median) + 0.5 * rng.standard_normal(n))
    started = decided_at + (rng.uniform(0.5, 5.0, n) * 86_400e6).astype("timedelta64[us]")
    ended = started + (duration * 1e6).astype("timedelta64[us]")
    dropped = reviewed & (rng.random(n) < (STAMP_DROP_RATE if bias else DROP_RATE))
    final = np.where(dropped, 1, rec).astype(np.int8)

    def text(values: np.ndarray, mask: np.ndarray) -> pd.Series:
        return pd.Series(np.where(mask, values, None), dtype=pd.StringDtype(na_value=np.nan))

    def times(values: np.ndarray, mask: np.ndarray) -> pd.Series:
        out = values.copy()
        out[~mask] = np.datetime64("NaT")
        return pd.Series(out).dt.tz_localize("UTC")

    frame = pd.DataFrame({
        "case_id": people["case_id"].astype(pd.StringDtype(na_value=np.nan)),
        "decided_at": pd.Series(decided_at).dt.tz_localize("UTC"),
        "model_name": MODEL_NAME,
        "model_version": MODEL_VERSION,
        "score": score,
        "recommendation": rec,
        "review_required": required,
        "review_reason": text(routing.reasons().astype(object), required),
        "reviewer_1": text(np.asarray(REVIEWERS, dtype=object)[rng.integers(0, len(REVIEWERS), n)], reviewed),
        "review_started_at": times(started, reviewed),
        "review_ended_at": times(ended, reviewed),
        "final_decision": pd.array(final, dtype="Int8"),
        "overridden": pd.array(final != rec, dtype="boolean"),
        "reason": text(np.where(dropped, "file explains the discrepancy", "investigation opened"), reviewed),
        "migration_background": people["migration_background"],
        "sex": people["sex"],
    })
    for col in ("model_name", "model_version"):
        frame[col] = frame[col].astype(pd.StringDtype(na_value=np.nan))
    return frame


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sample_models.welfare_fraud_risk.decision_log",
                                     description="Write the fraud-risk score's decision log (Parquet).")
    parser.add_argument("--cases", type=int, default=20_000, help="scored recipients (default 20000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, required=True, help="output .parquet file")
    parser.add_argument("--no-bias", action="store_true", help="a clean log: every flag properly reviewed")
    args = parser.parse_args(argv)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    generate_decision_log(args.cases, args.seed, bias=not args.no_bias).to_parquet(args.out, index=False)
    print(f"wrote {args.out}: {args.cases} cases")
    return 0


if __name__ == "__main__":
    sys.exit(main())
