"""A synthetic decision log for the benefits-eligibility model, with documented oversight failures.

One row per application decided over twelve months (2025, UTC): the model's score and
recommendation, the routing of :data:`SAMPLE_POLICY` (the same :func:`govaudit.oversight.route_cases`
the runtime guard uses), the human review (who, when, how long), the final decision, and appeals.
Applicants come from :func:`generate.generate_applications`; the score is the data-generating
process's own ``eligible_probability`` plus noise (sd :data:`SCORE_NOISE_SD`), so it carries the
model's documented channel bias. Everything is drawn from a seeded ``numpy.random.Generator``,
vectorised: 200,000 cases take about two seconds.

Usage::

    python -m sample_models.benefits_eligibility.decision_log --cases 200000 --out decision_log.parquet
    python -m sample_models.benefits_eligibility.decision_log --cases 200000 --out clean.parquet --no-bias

Baseline behaviour (both logs)
------------------------------
- Eight reviewers ``RV-01`` … ``RV-08`` share the reviews equally. A review takes a lognormal time,
  :data:`REVIEW_FLOOR_SECONDS` (90 s: opening the file and the evidence) plus a lognormal time
  with median :data:`REVIEW_MEDIAN_SECONDS` (390 s) and sigma 0.45, so none is below the policy's
  60 s minimum. A reviewer grants a case the model would refuse with probability
  :data:`OVERRIDE_ADVERSE` (0.10) and refuses one it would grant with :data:`OVERRIDE_FAVOURABLE`
  (0.04), independent of the applicant's group: agreement with the model is about 92 %.
- Case types: ``fraud_suspected`` (3 %, always reviewed, by two distinct reviewers),
  ``urgent_hardship`` (10 %), ``standard``. Reviews start after an exponential wait (mean one day);
  a case whose review would end after the year is still pending (no final decision).
- 8 % of refusals are appealed 1–28 days after the decision; appeals are decided 3–25 days after
  filing (inside the 30-day deadline) and succeed with probability 0.30 for everyone. An appeal
  not decided by the end of the year is open.

Injected effects (default; ``--no-bias`` turns every one off)
------------------------------------------------------------
1. **Rubber-stamping** (``oversight.rubber_stamping``, ``oversight.review_time``): reviewer
   :data:`RUBBER_STAMPER` (``RV-05``, one eighth of reviews) agrees with the model in 99.5 % of cases
   (overrides with probability :data:`STAMPER_OVERRIDE` = 0.005) and reviews for a median of
   :data:`STAMPER_MEDIAN_SECONDS` (25 s, sigma 0.5): about 96 % of RV-05's reviews are under 60 s.
2. **A month where review coverage drops** (``oversight.review_coverage``,
   ``oversight.automation_drift``): in :data:`SHORTAGE_MONTH` (2025-07) a staff shortage leaves
   :data:`SHORTAGE_UNREVIEWED_RATE` (40 %) of the cases that need review decided by the model alone.
   That month about 54 % of cases are decided without a person, against at most about 25 % in
   the other months (the sample spec's gate is 45 %); about 5,000 cases go unreviewed.
3. **Late appeals in the same month** (``oversight.appeal_timeliness``): appeals filed in
   2025-07 take 35–60 days to decide, past the 30-day deadline (about 860 appeals, 9 %).
4. **Appeals that succeed more often for one group** (``oversight.appeal_fairness``): appeals by
   online applicants succeed with probability 0.38, by in-person applicants with 0.22
   (:data:`APPEAL_SUCCESS_BIASED`), a gap of 0.16. Because in-person applicants are older, the
   gap also shows by ``age_band`` (about 0.35 for 18-34 against 0.28 for 65+).
5. **Two-person rule broken** (``oversight.two_person_rule``): in
   :data:`TWO_PERSON_SAME_RATE` (2 %) of ``fraud_suspected`` cases the second reviewer is the
   first one again (about 90 cases). The fraud cases left unreviewed in 2025-07 (effect 2, about
   220) break the rule too: they had no reviewer at all.

Override rates and appeal rates are the same for every group in both logs, so
``oversight.override_fairness`` and the appeal-rate comparison pass.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping

import numpy as np
import pandas as pd

from govaudit.oversight import OversightPolicy, route_cases

from .generate import eligible_probability, generate_applications

__all__ = [
    "INJECTED_EFFECTS",
    "REVIEWERS",
    "RUBBER_STAMPER",
    "SAMPLE_POLICY",
    "SHORTAGE_MONTH",
    "generate_decision_log",
    "main",
]

START = np.datetime64("2025-01-01T00:00:00", "us")
END = np.datetime64("2026-01-01T00:00:00", "us")
MODEL_NAME, MODEL_VERSION = "benefits-eligibility-gbm", "1.0"
SCORE_NOISE_SD = 0.04

REVIEWERS: tuple[str, ...] = tuple(f"RV-{i:02d}" for i in range(1, 9))
RUBBER_STAMPER = "RV-05"
CASE_TYPES: tuple[str, ...] = ("standard", "urgent_hardship", "fraud_suspected")
CASE_TYPE_SHARES: tuple[float, ...] = (0.87, 0.10, 0.03)

#: The oversight policy the sample system runs under (and the spec audits against).
SAMPLE_POLICY = OversightPolicy(
    review_adverse=True,
    uncertainty_band=(0.4, 0.6),
    review_case_types=("fraud_suspected",),
    two_person_case_types=("fraud_suspected",),
    min_review_seconds=60.0,
    max_unreviewed_share=0.45,
    appeal_deadline_days=30.0,
    reviewers=REVIEWERS,
)

REVIEW_WAIT_MEAN_DAYS = 1.0
REVIEW_FLOOR_SECONDS, REVIEW_MEDIAN_SECONDS, REVIEW_SIGMA = 90.0, 390.0, 0.45
OVERRIDE_ADVERSE, OVERRIDE_FAVOURABLE = 0.10, 0.04
STAMPER_MEDIAN_SECONDS, STAMPER_SIGMA, STAMPER_OVERRIDE = 25.0, 0.5, 0.005
SHORTAGE_MONTH = "2025-07"
SHORTAGE_UNREVIEWED_RATE = 0.40
SHORTAGE_APPEAL_DAYS = (35.0, 60.0)
TWO_PERSON_SAME_RATE = 0.02
APPEAL_RATE = 0.08
APPEAL_FILE_DAYS, APPEAL_DECIDE_DAYS = (1.0, 28.0), (3.0, 25.0)
APPEAL_SUCCESS = 0.30
APPEAL_SUCCESS_BIASED: Mapping[str, float] = MappingProxyType({"online": 0.38, "in_person": 0.22})

INJECTED_EFFECTS: Mapping[str, Mapping[str, Any]] = MappingProxyType({
    "oversight.rubber_stamping": MappingProxyType({"reviewer": RUBBER_STAMPER, "override_rate": STAMPER_OVERRIDE}),
    "oversight.review_time": MappingProxyType({"reviewer": RUBBER_STAMPER, "median_seconds": STAMPER_MEDIAN_SECONDS}),
    "oversight.review_coverage": MappingProxyType({"month": SHORTAGE_MONTH, "unreviewed_rate": SHORTAGE_UNREVIEWED_RATE}),
    "oversight.automation_drift": MappingProxyType({"month": SHORTAGE_MONTH}),
    "oversight.appeal_timeliness": MappingProxyType({"filing_month": SHORTAGE_MONTH, "days": SHORTAGE_APPEAL_DAYS}),
    "oversight.appeal_fairness": MappingProxyType({"feature": "channel", **APPEAL_SUCCESS_BIASED}),
    "oversight.two_person_rule": MappingProxyType({"case_type": "fraud_suspected", "same_reviewer_rate": TWO_PERSON_SAME_RATE}),
})

_DAY_US = 86_400_000_000
_OVERRIDE_REASONS = np.array(["income evidence supports the claim", "household circumstances changed",
                              "documents contradict the data", "data entry error corrected"], dtype=object)


def _days(values: np.ndarray) -> np.ndarray:
    return (values * _DAY_US).astype("timedelta64[us]")


def _seconds(values: np.ndarray) -> np.ndarray:
    return (values * 1_000_000).astype("timedelta64[us]")


def generate_decision_log(n_cases: int = 200_000, seed: int = 0, *, bias: bool = True) -> pd.DataFrame:
    """Generate the decision log (see the module docstring for every rate and injected effect).

    Parameters
    ----------
    n_cases : int
        Number of decided applications over the year.
    seed : int
        Seed; the same seed gives the same log.
    bias : bool
        Inject the documented oversight failures (False: a clean log on which nothing is flagged).

    Returns
    -------
    pandas.DataFrame
        In the documented decision-log format, times in UTC, with ``channel``, ``age_band`` and
        ``sex`` as sensitive features.
    """
    if n_cases < 1:
        raise ValueError("n_cases must be at least 1")
    rng = np.random.default_rng(seed)
    n = int(n_cases)
    apps = generate_applications(n, seed)
    span_us = int((END - START) / np.timedelta64(1, "us"))
    decided_at = START + np.sort(rng.integers(0, span_us, n)).astype("timedelta64[us]")
    score = np.round(np.clip(eligible_probability(apps) + rng.normal(0.0, SCORE_NOISE_SD, n), 0.001, 0.999), 4)
    rec = (score >= 0.5).astype(np.int8)
    case_type = np.asarray(CASE_TYPES, dtype=object)[rng.choice(len(CASE_TYPES), n, p=CASE_TYPE_SHARES)]
    routing = route_cases(SAMPLE_POLICY, score, rec, case_type)
    required = routing.required
    month = decided_at.astype("datetime64[M]").astype(str)
    in_shortage = month == SHORTAGE_MONTH

    # who reviews, and whether the review happened at all
    skipped = required & bias & in_shortage & (rng.random(n) < SHORTAGE_UNREVIEWED_RATE)
    reviewed = required & ~skipped
    r1_idx = rng.integers(0, len(REVIEWERS), n)
    r1 = np.asarray(REVIEWERS, dtype=object)[r1_idx]
    stamper = (r1 == RUBBER_STAMPER) & bias
    wait = _days(rng.exponential(REVIEW_WAIT_MEAN_DAYS, n))
    median = np.where(stamper, STAMPER_MEDIAN_SECONDS, REVIEW_MEDIAN_SECONDS)
    sigma = np.where(stamper, STAMPER_SIGMA, REVIEW_SIGMA)
    duration = np.exp(np.log(median) + sigma * rng.standard_normal(n)) + np.where(stamper, 0.0, REVIEW_FLOOR_SECONDS)
    started = decided_at + wait
    ended = started + _seconds(duration)
    pending = reviewed & (ended >= END)
    done = reviewed & ~pending

    two = routing.two_person & done
    r2_idx = (r1_idx + rng.integers(1, len(REVIEWERS), n)) % len(REVIEWERS)  # always someone else
    same = two & bias & (rng.random(n) < TWO_PERSON_SAME_RATE)
    r2 = np.where(same, r1, np.asarray(REVIEWERS, dtype=object)[r2_idx])

    p_override = np.where(rec == 0, OVERRIDE_ADVERSE, OVERRIDE_FAVOURABLE)
    p_override = np.where(stamper, STAMPER_OVERRIDE, p_override)
    overridden = done & (rng.random(n) < p_override)
    final = np.where(overridden, 1 - rec, rec).astype(np.float64)
    final[pending] = np.nan
    decision_time = np.where(done, ended, decided_at)

    # appeals against refusals
    refused = ~pending & (final == 0)
    filed_at = decision_time + _days(rng.uniform(*APPEAL_FILE_DAYS, n))
    appealed = refused & (rng.random(n) < APPEAL_RATE) & (filed_at < END)
    filed_in_shortage = filed_at.astype("datetime64[M]").astype(str) == SHORTAGE_MONTH
    decide_days = rng.uniform(*APPEAL_DECIDE_DAYS, n)
    decide_days = np.where(bias & filed_in_shortage, rng.uniform(*SHORTAGE_APPEAL_DAYS, n), decide_days)
    appeal_decided_at = filed_at + _days(decide_days)
    appeal_closed = appealed & (appeal_decided_at < END)
    channel = apps["channel"].to_numpy(dtype=object)
    p_success = np.full(n, APPEAL_SUCCESS)
    if bias:
        p_success = np.where(channel == "online", APPEAL_SUCCESS_BIASED["online"], APPEAL_SUCCESS_BIASED["in_person"])
    won = rng.random(n) < p_success

    def times(values: np.ndarray, mask: np.ndarray) -> pd.Series:
        out = values.copy()
        out[~mask] = np.datetime64("NaT")
        return pd.Series(out).dt.tz_localize("UTC")

    def text(values: np.ndarray, mask: np.ndarray) -> pd.Series:
        return pd.Series(np.where(mask, values, None), dtype=pd.StringDtype(na_value=np.nan))

    reason = np.where(overridden, _OVERRIDE_REASONS[rng.integers(0, len(_OVERRIDE_REASONS), n)], "confirmed")
    frame = pd.DataFrame({
        "case_id": np.char.add("BEN-", np.char.zfill(np.arange(1, n + 1).astype(str), 7)),
        "decided_at": pd.Series(decided_at).dt.tz_localize("UTC"),
        "model_name": MODEL_NAME,
        "model_version": MODEL_VERSION,
        "score": score,
        "recommendation": rec,
        "confidence": np.round(np.maximum(score, 1.0 - score), 4),
        "case_type": case_type,
        "review_required": required,
        "review_reason": text(routing.reasons().astype(object), required),
        "reviewer_1": text(r1, done),
        "reviewer_2": text(r2, two),
        "review_started_at": times(started, done),
        "review_ended_at": times(ended, done),
        "final_decision": pd.array(np.where(np.isnan(final), None, final), dtype="Int8"),
        "overridden": pd.array(np.where(pending, None, overridden), dtype="boolean"),
        "reason": text(reason, done),
        "appeal_filed": appealed,
        "appeal_filed_at": times(filed_at, appealed),
        "appeal_outcome": text(np.where(won, "overturned", "upheld"), appeal_closed),
        "appeal_decided_at": times(appeal_decided_at, appeal_closed),
        "channel": apps["channel"],
        "age_band": apps["age_band"],
        "sex": apps["sex"],
    })
    for col in ("case_id", "model_name", "model_version", "case_type"):
        frame[col] = frame[col].astype(pd.StringDtype(na_value=np.nan))
    return frame


def main(argv: list[str] | None = None) -> int:
    """Command line: write the log to ``--out`` (.parquet or .csv)."""
    parser = argparse.ArgumentParser(prog="python -m sample_models.benefits_eligibility.decision_log",
                                     description="Generate the sample decision log for the benefits model.")
    parser.add_argument("--cases", type=int, default=200_000, help="number of cases (default 200000)")
    parser.add_argument("--out", type=Path, required=True, help="output file, .parquet or .csv")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-bias", action="store_true", help="a clean log: no injected oversight failure")
    args = parser.parse_args(argv)
    if args.out.suffix.lower() not in (".parquet", ".csv"):
        parser.error("--out must end in .parquet or .csv")
    begin = time.perf_counter()
    frame = generate_decision_log(args.cases, args.seed, bias=not args.no_bias)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    if args.out.suffix.lower() == ".csv":
        frame.to_csv(args.out, index=False, date_format="%Y-%m-%dT%H:%M:%S.%f%z")
    else:
        frame.to_parquet(args.out, index=False)
    print(f"wrote {len(frame):,} cases to {args.out} in {time.perf_counter() - begin:.1f} s "
          f"({'clean' if args.no_bias else 'with injected oversight failures'})")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
