"""Synthetic welfare-benefit recipients scored for fraud risk, with one documented proxy.

Modelled on public reporting about municipal welfare "risk scores": a model trained on the outcomes
of past investigations ranks recipients, and the highest scores are flagged for investigation.
Here the past investigations recorded paperwork mistakes by people with limited proficiency in the
official language as "irregularities". Language proficiency is a model input; migration background
is not, but language proficiency encodes it almost exactly, so the model flags people with a
migration background far more often. The explainability audit must name ``language_proficiency``
as a proxy for ``migration_background``; an important but harmless input (``income_mismatch``)
must not be named.

Everything is drawn from a seeded :class:`numpy.random.Generator`, vectorised, with no real data.
The constants below are the single source of truth; ``README.md`` documents them.

Data-generating process (rows independent):

1. ``migration_background`` in (none, eu, non_eu); ``sex``; ``age`` (18-66).
2. ``language_proficiency`` in (native, fluent, intermediate, basic), by migration background
   (``PROFICIENCY_GIVEN_BACKGROUND``) -- the proxy.
3. ``neighbourhood`` D1..D8, moderately segregated by migration background (a weaker association).
4. ``household_size`` = 1 + Poisson(1.0), ``months_on_benefit`` ~ 1 + Exponential(30), capped at 240,
   ``monthly_benefit`` from household size, ``address_changes`` ~ Poisson(0.4),
   ``missed_appointments`` ~ Poisson(0.3), ``income_mismatch`` ~ Bernoulli(0.06): all independent of
   migration background.
5. ``irregularity_found`` (the label, 1 = an investigation found an irregularity):
   logit = ``RISK_COEFFICIENTS`` applied to the behavioural columns
   + ``LANGUAGE_EFFECT[language_proficiency]`` (the injected bias).
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Any, Mapping

import numpy as np
import pandas as pd
from sklearn.model_selection import train_test_split

__all__ = [
    "BACKGROUNDS",
    "BACKGROUND_SHARES",
    "COLUMNS",
    "INJECTED_EFFECT",
    "LANGUAGE_EFFECT",
    "NEIGHBOURHOODS",
    "PROFICIENCY_GIVEN_BACKGROUND",
    "PROFICIENCY_LEVELS",
    "RISK_COEFFICIENTS",
    "expected_proxy_auc",
    "generate_recipients",
    "irregularity_probability",
    "split_train_eval",
]

BACKGROUNDS: tuple[str, ...] = ("none", "eu", "non_eu")
BACKGROUND_SHARES: tuple[float, ...] = (0.62, 0.10, 0.28)
PROFICIENCY_LEVELS: tuple[str, ...] = ("native", "fluent", "intermediate", "basic")
#: P(language_proficiency | migration_background), in the order of PROFICIENCY_LEVELS.
PROFICIENCY_GIVEN_BACKGROUND: Mapping[str, tuple[float, ...]] = MappingProxyType({
    "none": (0.96, 0.03, 0.01, 0.00),
    "eu": (0.02, 0.38, 0.40, 0.20),
    "non_eu": (0.03, 0.27, 0.40, 0.30),
})
NEIGHBOURHOODS: tuple[str, ...] = tuple(f"D{i}" for i in range(1, 9))
#: P(neighbourhood | migration_background): people with a non-EU background live more often in D6-D8.
NEIGHBOURHOOD_GIVEN_BACKGROUND: Mapping[str, tuple[float, ...]] = MappingProxyType({
    "none": (0.16, 0.16, 0.15, 0.15, 0.14, 0.09, 0.08, 0.07),
    "eu": (0.12, 0.12, 0.13, 0.13, 0.13, 0.13, 0.12, 0.12),
    "non_eu": (0.05, 0.05, 0.07, 0.08, 0.10, 0.20, 0.22, 0.23),
})
FEMALE_SHARE = 0.55
MIN_AGE, MAX_AGE = 18, 66

#: logit P(irregularity_found) without the injected bias.
RISK_COEFFICIENTS: Mapping[str, float] = MappingProxyType({
    "intercept": -3.1,
    "income_mismatch": 2.4,
    "address_changes": 0.45,
    "missed_appointments": 0.35,
    "months_on_benefit_per_year": -0.05,
})
#: Injected historical bias: paperwork mistakes of people with limited proficiency in the official
#: language were recorded as irregularities. Added to the logit of the label.
LANGUAGE_EFFECT: Mapping[str, float] = MappingProxyType({
    "native": 0.0, "fluent": 0.4, "intermediate": 1.0, "basic": 1.6,
})

COLUMNS: tuple[str, ...] = (
    "case_id", "age", "age_band", "sex", "migration_background", "language_proficiency", "neighbourhood",
    "household_size", "months_on_benefit", "monthly_benefit", "address_changes", "missed_appointments",
    "income_mismatch", "irregularity_found",
)

#: What the audit must find. The AUC is exact for the population (``expected_proxy_auc``). The
#: flag-rate ratio (share flagged with a non-EU migration background / share flagged without one)
#: was measured over seeds 0-9 at 50,000 rows (eval split, flagged when the risk exceeds 0.2):
#: mean 3.48, sd 0.29, min 2.96, max 3.83 (train.train_model with early stopping); the range is the
#: mean +- about 3.5 sd.
INJECTED_EFFECT: Mapping[str, Any] = MappingProxyType({
    "proxy": "language_proficiency",
    "sensitive_feature": "migration_background",
    "language_effect": dict(LANGUAGE_EFFECT),
    "expected_proxy_auc": 0.9763,
    "harmless_feature": "income_mismatch",
    "flag_rate_ratio_mean": 3.48,
    "flag_rate_ratio_sd": 0.29,
    "flag_rate_ratio_range": (2.5, 4.5),
    "rows": 50_000,
})


def _draw(rng: np.random.Generator, table: Mapping[str, tuple[float, ...]], keys: np.ndarray,
          values: tuple[str, ...]) -> np.ndarray:
    """Draw one of ``values`` per row with probabilities ``table[key]`` (inverse CDF, vectorised)."""
    order = list(table)
    cdf = np.cumsum(np.array([table[k] for k in order]), axis=1)
    rows = cdf[pd.Index(order).get_indexer(keys)]
    idx = (rng.random(len(keys))[:, None] > rows).sum(axis=1)
    return np.asarray(values, dtype=object)[np.minimum(idx, len(values) - 1)]


def irregularity_probability(frame: pd.DataFrame, *, with_bias: bool = True) -> np.ndarray:
    """P(irregularity_found = 1 | columns), the label's exact probability."""
    c = RISK_COEFFICIENTS
    logit = (c["intercept"] + c["income_mismatch"] * frame["income_mismatch"].to_numpy()
             + c["address_changes"] * frame["address_changes"].to_numpy()
             + c["missed_appointments"] * frame["missed_appointments"].to_numpy()
             + c["months_on_benefit_per_year"] * frame["months_on_benefit"].to_numpy() / 12.0)
    if with_bias:
        logit = logit + frame["language_proficiency"].map(dict(LANGUAGE_EFFECT)).to_numpy(dtype=float)
    return 1.0 / (1.0 + np.exp(-logit))


def generate_recipients(n: int, seed: int = 0, *, bias: bool = True) -> pd.DataFrame:
    """``n`` synthetic benefit recipients with the columns in :data:`COLUMNS` (``bias=False``: no language effect)."""
    rng = np.random.default_rng(seed)
    background = np.asarray(BACKGROUNDS, dtype=object)[rng.choice(3, size=n, p=np.asarray(BACKGROUND_SHARES))]
    sex = np.where(rng.random(n) < FEMALE_SHARE, "female", "male").astype(object)
    age = rng.integers(MIN_AGE, MAX_AGE + 1, size=n)
    age_band = np.asarray(["18-29", "30-44", "45-54", "55+"], dtype=object)[np.searchsorted([30, 45, 55], age, side="right")]
    proficiency = _draw(rng, PROFICIENCY_GIVEN_BACKGROUND, background, PROFICIENCY_LEVELS)
    neighbourhood = _draw(rng, NEIGHBOURHOOD_GIVEN_BACKGROUND, background, NEIGHBOURHOODS)
    household = 1 + rng.poisson(1.0, size=n)
    months = np.minimum(240, 1 + np.floor(rng.exponential(30.0, size=n))).astype(np.int64)
    benefit = np.round(1050.0 + 280.0 * (household - 1) + rng.normal(0, 60.0, size=n), 2)
    frame = pd.DataFrame({
        "case_id": [f"WR-{i:07d}" for i in range(n)],
        "age": age, "age_band": age_band, "sex": sex, "migration_background": background,
        "language_proficiency": proficiency, "neighbourhood": neighbourhood,
        "household_size": household, "months_on_benefit": months, "monthly_benefit": benefit,
        "address_changes": rng.poisson(0.4, size=n), "missed_appointments": rng.poisson(0.3, size=n),
        "income_mismatch": (rng.random(n) < 0.06).astype(np.int64),
    })
    frame["irregularity_found"] = (rng.random(n) < irregularity_probability(frame, with_bias=bias)).astype(np.int64)
    for col in ("case_id", "age_band", "sex", "migration_background", "language_proficiency", "neighbourhood"):
        frame[col] = frame[col].astype(str)
    return frame[list(COLUMNS)]


def split_train_eval(frame: pd.DataFrame, seed: int = 0, eval_share: float = 0.3) -> tuple[pd.DataFrame, pd.DataFrame]:
    """70/30 split stratified by migration background."""
    train, evaluation = train_test_split(frame, test_size=eval_share, random_state=seed,
                                         stratify=frame["migration_background"])
    return train.reset_index(drop=True), evaluation.reset_index(drop=True)


def expected_proxy_auc() -> float:
    """Population AUC of language proficiency for "no migration background" vs the rest.

    Each proficiency level is scored by P(none | level) (Bayes' rule on the tables above); the AUC
    is computed from the level probabilities, ties counting one half.
    """
    shares = dict(zip(BACKGROUNDS, BACKGROUND_SHARES))
    pos = np.asarray(PROFICIENCY_GIVEN_BACKGROUND["none"]) * shares["none"]
    neg = sum(np.asarray(PROFICIENCY_GIVEN_BACKGROUND[b]) * shares[b] for b in ("eu", "non_eu"))
    score = pos / (pos + neg)
    order = np.argsort(score)
    pos, neg = pos[order] / pos.sum(), neg[order] / neg.sum()
    below = np.cumsum(neg) - neg
    return float(np.sum(pos * (below + 0.5 * neg)))
