"""The gate's decision log: every match is verified by two people before an access record is stored.

One row per verification attempt over 2025 (UTC). A match (score >= the operating threshold) opens
the door only after the building's security desk confirms it: two distinct verifiers
(``SV-01`` ... ``SV-06``) compare the camera image with the enrolment photo, and only then is an
access record with the resident's identity stored. A non-match is not reviewed; the person uses the
intercom instead (no biometric record is kept). The policy (:data:`SAMPLE_POLICY`) routes through
:func:`govaudit.oversight.route_cases`: ``case_type = "match"`` needs two people.

Baseline (both logs): a verification takes 20 s plus a lognormal time (median 40 s, sigma 0.4),
never under the policy's 15 s minimum. Verifiers reject an impostor match with probability 0.9 and a
genuine match with probability 0.01, so they agree with the matcher in about 95-97 % of matches.

Injected effect (default; ``--no-bias`` turns it off):

- **Two-person rule broken at night** (``oversight.two_person_rule``): between 22:00 and 06:00 one
  verifier is on duty; :data:`NIGHT_SINGLE_RATE` (60 %) of night-time matches are stored after a
  single verification (``reviewer_2`` empty). With the attempts spread evenly over the day that is
  about 20 % of matches.

The scores come from :func:`generate.generate_attempts` (with the same ``bias`` setting, so the
matcher's demographic effects also show in the log: more false matches to reject for women).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from govaudit.oversight import OversightPolicy, route_cases

from .generate import OPERATING_THRESHOLD, generate_attempts

__all__ = ["NIGHT_SINGLE_RATE", "REVIEWERS", "SAMPLE_POLICY", "generate_decision_log", "main"]

REVIEWERS: tuple[str, ...] = tuple(f"SV-{i:02d}" for i in range(1, 7))
NIGHT_SINGLE_RATE = 0.6
REJECT_IMPOSTOR, REJECT_GENUINE = 0.9, 0.01
MODEL_NAME, MODEL_VERSION = "community-access-face-match", "4.2"
START = np.datetime64("2025-01-01T00:00:00", "us")
END = np.datetime64("2026-01-01T00:00:00", "us")
SAMPLE_POLICY = OversightPolicy(review_adverse=False, two_person_case_types=("match",), min_review_seconds=15,
                                reviewers=REVIEWERS)


def generate_decision_log(n_cases: int = 20_000, seed: int = 1, *, bias: bool = True) -> pd.DataFrame:
    """Generate the gate's decision log (see the module docstring for every rate and the injected effect).

    Returns
    -------
    pandas.DataFrame
        In the documented decision-log format, with ``sex`` and ``age_band`` as sensitive features.
    """
    attempts = generate_attempts(n_cases, seed, bias=bias)
    rng = np.random.default_rng(seed + 1000)
    n = len(attempts)
    span_us = int((END - START) / np.timedelta64(1, "us"))
    decided_at = START + np.sort(rng.integers(0, span_us - 86_400_000_000, n)).astype("timedelta64[us]")
    score = attempts["match_score"].to_numpy()
    rec = (score >= OPERATING_THRESHOLD).astype(np.int8)
    case_type = np.where(rec == 1, "match", "no_match").astype(object)
    routing = route_cases(SAMPLE_POLICY, score, rec, case_type)
    required = routing.required
    hour = (decided_at.astype("datetime64[h]") - decided_at.astype("datetime64[D]")).astype(int)
    night = (hour >= 22) | (hour < 6)
    r1_idx = rng.integers(0, len(REVIEWERS), n)
    r2_idx = (r1_idx + rng.integers(1, len(REVIEWERS), n)) % len(REVIEWERS)
    single = routing.two_person & bias & night & (rng.random(n) < NIGHT_SINGLE_RATE)
    duration = 20.0 + np.exp(np.log(40.0) + 0.4 * rng.standard_normal(n))
    started = decided_at + (rng.uniform(1, 30, n) * 1e6).astype("timedelta64[us]")
    ended = started + (duration * 1e6).astype("timedelta64[us]")
    genuine = attempts["genuine"].to_numpy() == 1
    reject = required & (rng.random(n) < np.where(genuine, REJECT_GENUINE, REJECT_IMPOSTOR))
    final = np.where(reject, 0, rec).astype(np.int8)

    def text(values: np.ndarray, mask: np.ndarray) -> pd.Series:
        return pd.Series(np.where(mask, values, None), dtype=pd.StringDtype(na_value=np.nan))

    def times(values: np.ndarray, mask: np.ndarray) -> pd.Series:
        out = values.copy()
        out[~mask] = np.datetime64("NaT")
        return pd.Series(out).dt.tz_localize("UTC")

    names = np.asarray(REVIEWERS, dtype=object)
    frame = pd.DataFrame({
        "case_id": attempts["attempt_id"].astype(pd.StringDtype(na_value=np.nan)),
        "decided_at": pd.Series(decided_at).dt.tz_localize("UTC"),
        "model_name": MODEL_NAME,
        "model_version": MODEL_VERSION,
        "score": score,
        "recommendation": rec,
        "case_type": case_type,
        "review_required": required,
        "review_reason": text(routing.reasons().astype(object), required),
        "reviewer_1": text(names[r1_idx], required),
        "reviewer_2": text(names[r2_idx], required & ~single),
        "review_started_at": times(started, required),
        "review_ended_at": times(ended, required),
        "final_decision": pd.array(final, dtype="Int8"),
        "overridden": pd.array(final != rec, dtype="boolean"),
        "reason": text(np.where(reject, "faces do not match on verification", "verified"), required),
        "sex": attempts["sex"],
        "age_band": attempts["age_band"],
    })
    for col in ("model_name", "model_version", "case_type"):
        frame[col] = frame[col].astype(pd.StringDtype(na_value=np.nan))
    return frame


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sample_models.community_access_face_match.decision_log",
                                     description="Write the face-match gate's decision log (Parquet).")
    parser.add_argument("--cases", type=int, default=20_000, help="attempts in the log (default 20000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, required=True, help="output .parquet file")
    parser.add_argument("--no-bias", action="store_true", help="a clean log: the two-person rule always holds")
    args = parser.parse_args(argv)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    frame = generate_decision_log(args.cases, args.seed, bias=not args.no_bias)
    frame.to_parquet(args.out, index=False)
    print(f"wrote {args.out}: {len(frame)} cases")
    return 0


if __name__ == "__main__":
    sys.exit(main())
