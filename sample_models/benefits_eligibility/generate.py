"""Synthetic public-benefit applications with one documented, injected historical bias.

Everything here is produced by a seeded :class:`numpy.random.Generator`; no row-level
Python loops, no external data.  ``README.md`` in this directory documents every column
and every coefficient; the constants below are the single source of truth for them.

Data-generating process (one application per row, all draws independent across rows):

1. ``age`` from an adult age distribution (band shares, uniform within working-age
   bands, a truncated exponential tail from 65 to 90).
2. ``sex``, ``region`` (urban/rural) and ``language`` (majority/minority, more often
   minority in cities).
3. ``disability`` (probability rises with age), ``employment_status`` (depends on the age
   band), ``household_size`` (1 + Poisson, mean depends on the age band).
4. ``monthly_income``: lognormal, location set by employment status, experience (age),
   disability, rurality and minority language.
5. ``channel``: logistic in age, rurality, minority language and disability — the
   digitally excluded apply in person.
6. ``needs_support``: the true need, logistic in log income per household member,
   household size, disability and unemployment.  It does NOT depend on the channel.
7. ``eligible`` (the historical decision, i.e. the label): equal to the need, except that
   a fraction ``IN_PERSON_DENIAL_RATE`` of in-person applicants in need were wrongly
   denied, and then every label is flipped with probability ``LABEL_NOISE_RATE``.
   With ``bias=False`` (the clean variant, ``--no-bias``) nobody is wrongly denied; every
   random draw is still made, so all other columns are identical to the biased variant's.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Any, Mapping

import numpy as np
import pandas as pd
from sklearn.model_selection import train_test_split

__all__ = [
    "AGE_BAND_EDGES",
    "AGE_BAND_LABELS",
    "AGE_BAND_SHARES",
    "CHANNEL_COEFFICIENTS",
    "COLUMNS",
    "EMPLOYMENT_PROBABILITIES",
    "EMPLOYMENT_STATUSES",
    "INCOME_MODEL",
    "INJECTED_EFFECT",
    "BAYES_DECISION_IMPACT_RATIO",
    "EXPECTED_LABEL_IMPACT_RATIO",
    "EXPECTED_NEED_IMPACT_RATIO",
    "IMPACT_RATIO_RANGE",
    "IN_PERSON_DENIAL_RATE",
    "MODEL_IMPACT_RATIO_MEAN",
    "MODEL_IMPACT_RATIO_SD",
    "NEED_RATE_IN_PERSON",
    "NEED_RATE_ONLINE",
    "LABEL_NOISE_RATE",
    "NEED_COEFFICIENTS",
    "SEX_MISSING_RATE",
    "eligible_probability",
    "expected_impact_ratios",
    "generate_applications",
    "need_probability",
    "split_train_eval",
]

# --------------------------------------------------------------------------------------
# Population
# --------------------------------------------------------------------------------------
MIN_AGE, MAX_AGE = 18, 90
AGE_BAND_LABELS: tuple[str, ...] = ("18-34", "35-54", "55-64", "65+")
#: lower edge of each band (inclusive); the last band runs to MAX_AGE.
AGE_BAND_EDGES: tuple[int, ...] = (18, 35, 55, 65)
#: share of applicants per age band (adult population, slightly older than the census
#: because pensioners apply for this benefit too).
AGE_BAND_SHARES: tuple[float, ...] = (0.29, 0.33, 0.16, 0.22)
#: scale (years) of the truncated exponential age tail above 65.
OLD_AGE_TAIL_SCALE = 9.0

SEX_MISSING_RATE = 0.005  # "prefer not to say" / not recorded -> missing
SEX_FEMALE_SHARE = 0.51  # share of female among applicants with a recorded sex
RURAL_SHARE = 0.28
MINORITY_LANGUAGE_SHARE = MappingProxyType({"urban": 0.14, "rural": 0.06})
#: P(disability) = base + slope * (age - 18) / 72
DISABILITY_BASE, DISABILITY_SLOPE = 0.05, 0.25

EMPLOYMENT_STATUSES: tuple[str, ...] = (
    "employed",
    "self_employed",
    "unemployed",
    "student",
    "retired",
)
#: P(employment_status | age group), in the order of EMPLOYMENT_STATUSES.
EMPLOYMENT_PROBABILITIES: Mapping[str, tuple[float, ...]] = MappingProxyType(
    {
        "18-24": (0.40, 0.05, 0.15, 0.40, 0.00),
        "25-54": (0.70, 0.12, 0.12, 0.04, 0.02),
        "55-64": (0.55, 0.13, 0.10, 0.01, 0.21),
        "65+": (0.07, 0.05, 0.01, 0.01, 0.86),
    }
)
#: household_size = 1 + Poisson(mean) clipped to 8, mean by age group.
HOUSEHOLD_EXTRA_MEMBERS_MEAN: Mapping[str, float] = MappingProxyType(
    {"18-24": 0.9, "25-54": 1.6, "55-64": 0.9, "65+": 0.5}
)
MAX_HOUSEHOLD_SIZE = 8

#: log(monthly_income) = log(median[status]) + experience + effects + N(0, sigma[status])
INCOME_MODEL: Mapping[str, Any] = MappingProxyType(
    {
        "median": MappingProxyType(
            {
                "employed": 2300.0,
                "self_employed": 2000.0,
                "unemployed": 650.0,
                "student": 700.0,
                "retired": 1050.0,
            }
        ),
        "sigma": MappingProxyType(
            {
                "employed": 0.45,
                "self_employed": 0.70,
                "unemployed": 0.45,
                "student": 0.45,
                "retired": 0.40,
            }
        ),
        # employed / self-employed only: + experience * min(age - 18, 30) / 30
        "experience": 0.30,
        "disability": -0.20,
        "rural": -0.15,
        "minority_language": -0.25,
    }
)

#: logit P(channel == "in_person")
CHANNEL_COEFFICIENTS: Mapping[str, float] = MappingProxyType(
    {
        "intercept": -2.6,
        "per_year_over_18": 0.05,
        "rural": 1.1,
        "minority_language": 1.4,
        "disability": 0.6,
    }
)

#: logit P(needs_support) = intercept + log_income_per_member * log(income / size / 1000)
#:                         + household_size * (size - 1) + disability + unemployed
NEED_COEFFICIENTS: Mapping[str, float] = MappingProxyType(
    {
        "intercept": -1.9,
        "log_income_per_member": -3.5,
        "household_size": 0.15,
        "disability": 1.4,
        "unemployed": 0.6,
    }
)

# --------------------------------------------------------------------------------------
# Injected historical bias
# --------------------------------------------------------------------------------------
#: share of in-person applicants in need who were nevertheless denied.
IN_PERSON_DENIAL_RATE = 0.35
#: every historical label is flipped with this probability (symmetric noise).
LABEL_NOISE_RATE = 0.02

COLUMNS: tuple[str, ...] = (
    "application_id",
    "age",
    "age_band",
    "sex",
    "household_size",
    "monthly_income",
    "employment_status",
    "disability",
    "region",
    "channel",
    "language",
    "needs_support",
    "eligible",
)


#: age groups used by the employment and household models (18-24 split off).
_AGE_GROUPS: tuple[str, ...] = ("18-24", "25-54", "55-64", "65+")


def _age_group_index(age: np.ndarray) -> np.ndarray:
    """Index into ``_AGE_GROUPS``: 0 for 18-24, 1 for 25-54, 2 for 55-64, 3 for 65+."""
    return np.searchsorted(np.array([25, 55, 65]), age, side="right")


_STRING_COLUMNS: tuple[str, ...] = (
    "application_id",
    "age_band",
    "sex",
    "employment_status",
    "region",
    "channel",
    "language",
)


def _age_band(age: np.ndarray) -> np.ndarray:
    idx = np.searchsorted(np.asarray(AGE_BAND_EDGES), age, side="right") - 1
    return np.asarray(AGE_BAND_LABELS, dtype=object)[idx]


def _draw_ages(rng: np.random.Generator, n: int) -> np.ndarray:
    band = rng.choice(len(AGE_BAND_SHARES), size=n, p=np.asarray(AGE_BAND_SHARES))
    lo = np.asarray(AGE_BAND_EDGES)[band]
    hi = np.append(np.asarray(AGE_BAND_EDGES[1:]), MAX_AGE + 1)[band]  # exclusive
    u = rng.random(n)
    uniform_age = lo + np.floor(u * (hi - lo))
    # 65+: truncated exponential on [0, 26) years, inverse-CDF sampling
    span = MAX_AGE + 1 - AGE_BAND_EDGES[-1]
    mass = 1.0 - np.exp(-span / OLD_AGE_TAIL_SCALE)
    tail_age = AGE_BAND_EDGES[-1] + np.floor(-OLD_AGE_TAIL_SCALE * np.log1p(-u * mass))
    age = np.where(band == len(AGE_BAND_SHARES) - 1, tail_age, uniform_age)
    return np.clip(age, MIN_AGE, MAX_AGE).astype(np.int64)


def _draw_category_index(rng: np.random.Generator, probabilities: np.ndarray) -> np.ndarray:
    """One categorical draw per row from a (n_rows, n_categories) probability matrix."""
    cumulative = np.cumsum(probabilities, axis=1)
    cumulative[:, -1] = 1.0
    return (rng.random(len(probabilities))[:, None] >= cumulative).sum(axis=1)


def _logistic(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


def need_probability(df: pd.DataFrame) -> np.ndarray:
    """P(needs_support = 1 | row) of the data-generating process (channel plays no part)."""
    c = NEED_COEFFICIENTS
    income_per_member = df["monthly_income"].to_numpy(float) / df["household_size"].to_numpy(float)
    z = (
        c["intercept"]
        + c["log_income_per_member"] * np.log(income_per_member / 1000.0)
        + c["household_size"] * (df["household_size"].to_numpy(float) - 1.0)
        + c["disability"] * df["disability"].to_numpy(float)
        + c["unemployed"] * (df["employment_status"].to_numpy(object) == "unemployed")
    )
    return _logistic(z)


def eligible_probability(df: pd.DataFrame, bias: bool = True) -> np.ndarray:
    """P(eligible = 1 | row) of the data-generating process, bias and noise included.

    ``q = p_need * (1 - IN_PERSON_DENIAL_RATE * in_person)`` is the chance of a
    historical approval before noise; the symmetric flip gives
    ``noise + (1 - 2 * noise) * q``.  Thresholding this at 0.5 is the Bayes-optimal
    classifier a perfectly fitted model converges to.  ``bias=False``: no in-person
    denials, so ``noise + (1 - 2 * noise) * p_need``.
    """
    in_person = (df["channel"].to_numpy(object) == "in_person") & bias
    q = need_probability(df) * (1.0 - IN_PERSON_DENIAL_RATE * in_person)
    return LABEL_NOISE_RATE + (1.0 - 2.0 * LABEL_NOISE_RATE) * q


def generate_applications(n_rows: int = 50_000, seed: int = 0, bias: bool = True) -> pd.DataFrame:
    """Generate ``n_rows`` synthetic benefit applications, deterministic for ``seed``.

    ``bias=False`` gives the clean variant of the same sample: the same applicants and the
    same need, but no in-person applicant in need is wrongly denied.
    """
    if n_rows < 1:
        raise ValueError("n_rows must be at least 1")
    rng = np.random.default_rng(seed)
    n = int(n_rows)

    age = _draw_ages(rng, n)
    group_idx = _age_group_index(age)

    sex = np.where(rng.random(n) < SEX_FEMALE_SHARE, "female", "male").astype(object)
    sex[rng.random(n) < SEX_MISSING_RATE] = None

    rural = rng.random(n) < RURAL_SHARE
    p_minority = np.where(
        rural, MINORITY_LANGUAGE_SHARE["rural"], MINORITY_LANGUAGE_SHARE["urban"]
    )
    minority = rng.random(n) < p_minority

    disability = rng.random(n) < DISABILITY_BASE + DISABILITY_SLOPE * (age - MIN_AGE) / (
        MAX_AGE - MIN_AGE
    )

    emp_table = np.array([EMPLOYMENT_PROBABILITIES[g] for g in _AGE_GROUPS])
    emp_idx = _draw_category_index(rng, emp_table[group_idx])
    employment = np.asarray(EMPLOYMENT_STATUSES, dtype=object)[emp_idx]

    hh_mean = np.array([HOUSEHOLD_EXTRA_MEMBERS_MEAN[g] for g in _AGE_GROUPS])
    household_size = np.minimum(1 + rng.poisson(hh_mean[group_idx]), MAX_HOUSEHOLD_SIZE)

    inc = INCOME_MODEL
    median = np.array([inc["median"][s] for s in EMPLOYMENT_STATUSES])
    sigma = np.array([inc["sigma"][s] for s in EMPLOYMENT_STATUSES])
    working = emp_idx <= EMPLOYMENT_STATUSES.index("self_employed")
    log_income = (
        np.log(median[emp_idx])
        + inc["experience"] * working * np.minimum(age - MIN_AGE, 30) / 30.0
        + inc["disability"] * disability
        + inc["rural"] * rural
        + inc["minority_language"] * minority
        + sigma[emp_idx] * rng.standard_normal(n)
    )
    monthly_income = np.round(np.exp(log_income), 2)

    c = CHANNEL_COEFFICIENTS
    p_in_person = _logistic(
        c["intercept"]
        + c["per_year_over_18"] * (age - MIN_AGE)
        + c["rural"] * rural
        + c["minority_language"] * minority
        + c["disability"] * disability
    )
    in_person = rng.random(n) < p_in_person

    df = pd.DataFrame(
        {
            "application_id": np.char.add("APP-", np.char.zfill(np.arange(1, n + 1).astype(str), 7)),
            "age": age,
            "age_band": _age_band(age),
            "sex": sex,
            "household_size": household_size.astype(np.int64),
            "monthly_income": monthly_income.astype(np.float64),
            "employment_status": employment,
            "disability": disability.astype(np.int64),
            "region": np.where(rural, "rural", "urban").astype(object),
            "channel": np.where(in_person, "in_person", "online").astype(object),
            "language": np.where(minority, "minority", "majority").astype(object),
        }
    )

    need = rng.random(n) < need_probability(df)
    # drawn in both variants so the clean one differs from the biased one only in these denials
    wrongly_denied = need & in_person & (rng.random(n) < IN_PERSON_DENIAL_RATE) & bias
    flipped = rng.random(n) < LABEL_NOISE_RATE
    eligible = (need & ~wrongly_denied) ^ flipped

    df["needs_support"] = need.astype(np.int64)
    df["eligible"] = eligible.astype(np.int64)
    # pandas' default string dtype (missing `sex` is NaN, as after a parquet round trip)
    for col in _STRING_COLUMNS:
        df[col] = df[col].astype(pd.StringDtype(na_value=np.nan))
    return df[list(COLUMNS)]


def split_train_eval(
    df: pd.DataFrame, eval_fraction: float = 0.3, seed: int = 0
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Random train/eval split, stratified by ``channel``; both parts re-indexed from 0."""
    if not 0.0 < eval_fraction < 1.0:
        raise ValueError("eval_fraction must lie strictly between 0 and 1")
    train, evaluation = train_test_split(
        df, test_size=eval_fraction, random_state=seed, stratify=df["channel"]
    )
    return train.reset_index(drop=True), evaluation.reset_index(drop=True)


def expected_impact_ratios(n_rows: int = 2_000_000, seed: int = 12345) -> dict[str, float]:
    """Impact ratios (in_person ÷ online selection rates) implied by the generating process.

    Computed from the exact conditional probabilities on a large simulated population,
    so the only error is Monte-Carlo error over the feature distribution:

    - ``need``: ratio of mean P(need) — the unbiased, need-based ratio;
    - ``label``: ratio of mean P(eligible) — what the historical labels show;
    - ``bayes_decision``: ratio of the share with P(eligible | x) > 0.5 — the decisions
      of a perfectly fitted classifier thresholded at 0.5, which the trained model
      approximates.
    """
    df = generate_applications(n_rows, seed)
    in_person = (df["channel"] == "in_person").to_numpy()
    p_need = need_probability(df)
    p_elig = eligible_probability(df)
    decision = p_elig > 0.5

    def ratio(values: np.ndarray) -> float:
        return float(values[in_person].mean() / values[~in_person].mean())

    return {
        "need": ratio(p_need),
        "label": ratio(p_elig),
        "bayes_decision": ratio(decision.astype(float)),
    }


# --------------------------------------------------------------------------------------
# What the injected bias looks like (derivation in README.md, "Expected impact ratios")
# --------------------------------------------------------------------------------------
#: P(need | in_person) and P(need | online): Monte-Carlo means of ``need_probability``
#: over 4,000,000 simulated applications (seed 12345); MC error < 0.001.
NEED_RATE_IN_PERSON = 0.415
NEED_RATE_ONLINE = 0.393
#: need-based (unbiased) impact ratio: in-person applicants are poorer, older and more
#: often disabled, so they need support slightly MORE often than online applicants.
EXPECTED_NEED_IMPACT_RATIO = 1.056
#: label-level ratio, closed form given the two need rates:
#: (e + (1 - 2e)(1 - d) * NEED_RATE_IN_PERSON) / (e + (1 - 2e) * NEED_RATE_ONLINE)
#: with d = IN_PERSON_DENIAL_RATE and e = LABEL_NOISE_RATE.
EXPECTED_LABEL_IMPACT_RATIO = 0.702
#: ratio of the Bayes-optimal decisions 1[eligible_probability > 0.5] (same simulation):
#: the decisions of a model fitted on infinite data.
BAYES_DECISION_IMPACT_RATIO = 0.706
#: trained model (``train.train_model``) at 50,000 rows: ratio of ``predict`` on the
#: 30 % eval split, over seeds 0..39 (``train.simulate_model_impact_ratios``):
#: mean 0.684, sd 0.029, min 0.623, max 0.736.  It sits ~0.02 below the Bayes value:
#: in-person approval probabilities top out at 0.02 + 0.96 * 0.65 = 0.644, close to the
#: 0.5 threshold, and estimation noise/shrinkage pushes more of them below it than above.
MODEL_IMPACT_RATIO_MEAN = 0.684
MODEL_IMPACT_RATIO_SD = 0.029
#: the trained model's impact ratio at 50k rows must fall here: MODEL_IMPACT_RATIO_MEAN
#: +/- 0.08 (about 2.75 sd; all 40 simulated seeds fall inside), which also contains the
#: label-level and Bayes-decision ratios.  Its upper end is below the 4/5ths rule's 0.8.
IMPACT_RATIO_RANGE: tuple[float, float] = (0.60, 0.76)

INJECTED_EFFECT: Mapping[str, Any] = MappingProxyType(
    {
        "feature": "channel",
        "disadvantaged_group": "in_person",
        "reference_group": "online",
        "denial_rate": IN_PERSON_DENIAL_RATE,
        "label_noise_rate": LABEL_NOISE_RATE,
        "expected_need_impact_ratio": EXPECTED_NEED_IMPACT_RATIO,
        "expected_label_impact_ratio": EXPECTED_LABEL_IMPACT_RATIO,
        "bayes_decision_impact_ratio": BAYES_DECISION_IMPACT_RATIO,
        "model_impact_ratio_mean": MODEL_IMPACT_RATIO_MEAN,
        "model_impact_ratio_sd": MODEL_IMPACT_RATIO_SD,
        "impact_ratio_range": IMPACT_RATIO_RANGE,
        "rows": 50_000,
    }
)
