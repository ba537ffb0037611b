"""Synthetic child-welfare caseload: a priority queue for home visits, and the family allowance each family is paid.

A youth-welfare office ranks every open case by a model's priority score and visits the top of the
queue up to its capacity (:data:`CAPACITY`, the share of cases visited). The model was trained on past
referrals, labelled by whether the concern was *substantiated*. The office also pays each family a
monthly family allowance. Everything is drawn from a seeded :class:`numpy.random.Generator`, with
no real data; the constants below are the single source of truth, ``README.md`` documents them.

Data-generating process (rows independent), the same in both variants unless stated:

1. Sensitive features, none of them model inputs: ``migration_background`` in (none, eu, non_eu)
   with :data:`BACKGROUND_SHARES`; ``caregiver_sex`` (female :data:`FEMALE_SHARE`, male);
   ``caregiver_age_band`` (under 25, 25-39, 40+).
2. Case features, drawn independently of every sensitive feature: ``prior_reports`` ~ Poisson(0.6),
   ``school_absence`` ~ Beta(1.2, 8), ``children`` = 1 + Poisson(1.1), ``single_caregiver`` ~
   Bernoulli(0.35), ``housing_instability`` ~ Bernoulli(0.15), ``substance_concern`` ~ Bernoulli(0.08),
   ``domestic_violence_report`` ~ Bernoulli(0.05).
3. ``interpreter_needed`` (a model input), by migration background: :data:`INTERPRETER_SHARE`.
4. ``need_found`` (the outcome of the home visit's assessment, known for every case here):
   logit = :data:`NEED_COEFFICIENTS` on the case features. It never depends on a sensitive feature
   or on ``interpreter_needed``.
5. ``substantiated`` (the historical label the model learnt from): the same logit, plus
   :data:`INTERPRETER_LABEL_EFFECT` when an interpreter was needed (**injected**, ``bias=True``: past
   case workers who needed an interpreter recorded a concern as substantiated more readily). The
   model learns it, so families with a migration background are over-represented at the top of the
   queue beyond their need.
6. ``allowance_due`` = :data:`ALLOWANCE` per child + the single-caregiver supplement + the housing
   supplement, times a case-level factor Uniform(0.9, 1.1), in currency units rounded to 2 decimals.
   ``allowance_paid`` = the amount due, except :data:`ERROR_SHARE` of cases with an ordinary
   processing error ~ Normal(0, :data:`ERROR_SD`) in every group; and (**injected**, ``bias=True``)
   :data:`UNDERPAID_SHARE` = 15 % less for male caregivers (a rate table that applies the
   single-parent rate only to mothers).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

import numpy as np
import pandas as pd

__all__ = ["ALLOWANCE", "BACKGROUNDS", "CAPACITY", "FEATURES", "INJECTED_EFFECTS", "INTERPRETER_LABEL_EFFECT",
           "INTERPRETER_SHARE", "LABEL", "NEED", "NEED_COEFFICIENTS", "UNDERPAID_SHARE", "generate_cases",
           "need_logit"]

BACKGROUNDS: tuple[str, ...] = ("none", "eu", "non_eu")
BACKGROUND_SHARES: tuple[float, ...] = (0.68, 0.10, 0.22)
FEMALE_SHARE = 0.72
AGE_BANDS: tuple[str, ...] = ("under 25", "25-39", "40+")
AGE_SHARES: tuple[float, ...] = (0.18, 0.55, 0.27)
#: P(interpreter_needed | migration_background): the proxy
INTERPRETER_SHARE: Mapping[str, float] = MappingProxyType({"none": 0.02, "eu": 0.35, "non_eu": 0.60})
#: logit P(need found) on the case features
NEED_COEFFICIENTS: Mapping[str, float] = MappingProxyType({
    "intercept": -3.4, "prior_reports": 0.65, "school_absence": 3.0, "single_caregiver": 0.25,
    "housing_instability": 0.9, "substance_concern": 1.5, "domestic_violence_report": 1.7,
})
#: added to the historical label's logit when an interpreter was needed (injected)
INTERPRETER_LABEL_EFFECT = 1.6
#: share of the caseload visited (the top of the queue)
CAPACITY = 0.10
#: monthly allowance per child, single-caregiver supplement, housing supplement
ALLOWANCE: Mapping[str, float] = MappingProxyType({"per_child": 210.0, "single_caregiver": 160.0,
                                                   "housing_instability": 120.0})
ERROR_SHARE, ERROR_SD = 0.03, 25.0
#: male caregivers are paid this share less than due (injected)
UNDERPAID_SHARE = 0.15
FEATURES: tuple[str, ...] = ("prior_reports", "school_absence", "children", "single_caregiver", "housing_instability",
                             "substance_concern", "domestic_violence_report", "interpreter_needed")
LABEL = "substantiated"
NEED = "need_found"
INJECTED_EFFECTS: Mapping[str, object] = MappingProxyType({
    "bias.selection_rate_ratio": {"migration_background": ("non_eu", "eu")},
    "bias.fpr_ratio": {"migration_background": ("non_eu",)},
    "amounts.underpaid_share": {"caregiver_sex": ("male",)},
    "amounts.group_mae": {"caregiver_sex": ("male",)},
    "amounts.mean_ratio": {"caregiver_sex": ("male",)},
})


def need_logit(frame: pd.DataFrame) -> np.ndarray:
    """The logit of ``need_found`` (and, without the injected effect, of ``substantiated``)."""
    c = NEED_COEFFICIENTS
    return (c["intercept"] + c["prior_reports"] * np.minimum(frame["prior_reports"], 5)
            + c["school_absence"] * frame["school_absence"] + c["single_caregiver"] * frame["single_caregiver"]
            + c["housing_instability"] * frame["housing_instability"]
            + c["substance_concern"] * frame["substance_concern"]
            + c["domestic_violence_report"] * frame["domestic_violence_report"]).to_numpy(np.float64)


def _pick(rng: np.random.Generator, values: tuple[str, ...], shares: tuple[float, ...], n: int) -> np.ndarray:
    return np.asarray(values, dtype=object)[rng.choice(len(values), n, p=shares)]


def generate_cases(n: int, seed: int = 0, *, bias: bool = True, prefix: str = "HV") -> pd.DataFrame:
    """``n`` cases with their sensitive and case features, the historical label, the need and the allowance."""
    if n < 1:
        raise ValueError("n must be at least 1")
    rng = np.random.default_rng(seed)
    background = _pick(rng, BACKGROUNDS, BACKGROUND_SHARES, n)
    frame = pd.DataFrame({
        "case_id": np.char.add(f"{prefix}-", np.char.zfill(np.arange(1, n + 1).astype(str), 7)),
        "migration_background": pd.Series(background, dtype="string"),
        "caregiver_sex": pd.Series(np.where(rng.random(n) < FEMALE_SHARE, "female", "male"), dtype="string"),
        "caregiver_age_band": pd.Series(_pick(rng, AGE_BANDS, AGE_SHARES, n), dtype="string"),
        "prior_reports": rng.poisson(0.6, n).astype(np.int64),
        "school_absence": np.round(rng.beta(1.2, 8.0, n), 3),
        "children": (1 + rng.poisson(1.1, n)).astype(np.int64),
        "single_caregiver": (rng.random(n) < 0.35).astype(np.int64),
        "housing_instability": (rng.random(n) < 0.15).astype(np.int64),
        "substance_concern": (rng.random(n) < 0.08).astype(np.int64),
        "domestic_violence_report": (rng.random(n) < 0.05).astype(np.int64),
    })
    share = pd.Series(background).map(INTERPRETER_SHARE).to_numpy(np.float64)
    frame["interpreter_needed"] = (rng.random(n) < share).astype(np.int64)
    logit = need_logit(frame)
    frame[NEED] = (rng.random(n) < 1.0 / (1.0 + np.exp(-logit))).astype(np.int64)
    history = logit + (INTERPRETER_LABEL_EFFECT * frame["interpreter_needed"].to_numpy() if bias else 0.0)
    frame[LABEL] = (rng.random(n) < 1.0 / (1.0 + np.exp(-history))).astype(np.int64)
    a = ALLOWANCE
    due = (a["per_child"] * frame["children"] + a["single_caregiver"] * frame["single_caregiver"]
           + a["housing_instability"] * frame["housing_instability"]).to_numpy(np.float64)
    due = np.round(due * rng.uniform(0.9, 1.1, n), 2)
    error = np.where(rng.random(n) < ERROR_SHARE, rng.normal(0.0, ERROR_SD, n), 0.0)
    paid = due + error
    if bias:
        paid = np.where(frame["caregiver_sex"].to_numpy() == "male", paid * (1.0 - UNDERPAID_SHARE), paid)
    frame["allowance_due"] = due
    frame["allowance_paid"] = np.round(np.maximum(paid, 0.0), 2)
    return frame


def queue(scores: np.ndarray, capacity: float = CAPACITY) -> tuple[np.ndarray, np.ndarray]:
    """Rank (1 = first visited; ties broken by case order) and whether visited (rank within the capacity)."""
    order = np.argsort(-np.asarray(scores, dtype=np.float64), kind="stable")
    rank = np.empty(order.size, dtype=np.int64)
    rank[order] = np.arange(1, order.size + 1)
    return rank, (rank <= int(round(capacity * order.size))).astype(np.int64)
