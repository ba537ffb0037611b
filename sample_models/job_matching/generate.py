"""Synthetic candidates of a public employment service, with documented historical bias in the vendor's labels.

A vendor supplies a candidate-ranking model: for each (candidate, vacancy) pair it scores how likely
the candidate is to be shortlisted. The vendor trained it on past shortlisting decisions by
employers. Sex and race/ethnicity are not model inputs, but two inputs carry them (the injected
effects, ``bias=True``):

1. ``employment_gap_months`` (career breaks): Exponential with mean :data:`GAP_MEAN_MONTHS` = 14 for
   women and 3 for men (8 for everyone without bias). Past employers marked down long gaps
   (:data:`GAP_PENALTY` = -0.06 on the shortlisting logit per month), so women are shortlisted less:
   an impact ratio of about 0.55-0.65 for ``female`` at the 0.5 threshold.
2. ``commute_zone`` (1 = a deprived district far from the business centre): probability
   :data:`ZONE_SHARE_BIASED` 0.65 for Black or African American and Hispanic or Latino candidates,
   0.15 for the others (0.30 for everyone without bias); employers penalised it
   (:data:`ZONE_PENALTY` = -1.1): impact ratios of about 0.55-0.7 for those two categories.

Job-relevant inputs (``skills_match``, ``years_experience``, ``education_level``,
``certifications``) are drawn independently of every group in both variants, and without bias the
label depends only on them. Categories follow the EEO-1 component categories used by NYC Local Law
144 audits; ``unknown`` is the candidates who did not state one (6 % for sex, 8 % for
race/ethnicity); ``Native Hawaiian or Other Pacific Islander`` is 1.2 % of candidates, under the
LL144 2 % small-category share.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd
from sklearn.model_selection import train_test_split

__all__ = ["FEATURES", "INJECTED_EFFECTS", "LABEL", "RACES", "RACE_SHARES", "SEXES", "SEX_SHARES",
           "generate_candidates", "split_train_eval"]

SEXES: tuple[str, ...] = ("female", "male", "unknown")
SEX_SHARES: tuple[float, ...] = (0.47, 0.47, 0.06)
RACES: tuple[str, ...] = ("Hispanic or Latino", "White", "Black or African American", "Asian",
                          "Native Hawaiian or Other Pacific Islander", "Two or More Races", "unknown")
RACE_SHARES: tuple[float, ...] = (0.22, 0.38, 0.18, 0.10, 0.012, 0.028, 0.08)
GAP_MEAN_MONTHS: Mapping[str, float] = MappingProxyType({"female": 14.0, "male": 3.0, "unknown": 8.0})
GAP_MEAN_CLEAN = 8.0
GAP_PENALTY = -0.06
ZONE_SHARE_BIASED: Mapping[str, float] = MappingProxyType({"Black or African American": 0.65,
                                                           "Hispanic or Latino": 0.65})
ZONE_SHARE_OTHER, ZONE_SHARE_CLEAN = 0.15, 0.30
ZONE_PENALTY = -1.1
FEATURES: tuple[str, ...] = ("skills_match", "years_experience", "education_level", "certifications",
                             "employment_gap_months", "commute_zone")
LABEL = "shortlisted"
INJECTED_EFFECTS: Mapping[str, Any] = MappingProxyType({
    "bias.impact_ratio": {"sex": "female", "race_ethnicity": ("Black or African American", "Hispanic or Latino")},
    "bias.scoring_impact_ratio": {"sex": "female"},
    "provenance.lineage": "vendor_partner_cvs",
    "provenance.completeness": "TODO fields in the vendor's manifest",
})


def generate_candidates(n: int, seed: int = 0, *, bias: bool = True) -> pd.DataFrame:
    """Generate ``n`` candidate-vacancy pairs with the past shortlisting decision (see the module docstring)."""
    if n < 1:
        raise ValueError("n must be at least 1")
    rng = np.random.default_rng(seed)
    sex = np.asarray(SEXES, dtype=object)[rng.choice(len(SEXES), n, p=SEX_SHARES)]
    race = np.asarray(RACES, dtype=object)[rng.choice(len(RACES), n, p=RACE_SHARES)]
    skills = np.round(rng.beta(2.5, 2.5, n), 3)
    years = np.round(np.minimum(rng.gamma(2.0, 4.0, n), 40), 1)
    education = rng.choice(5, n, p=(0.10, 0.35, 0.25, 0.22, 0.08))
    certs = rng.poisson(1.0, n)
    gap_mean = pd.Series(sex).map(GAP_MEAN_MONTHS).to_numpy(float) if bias else np.full(n, GAP_MEAN_CLEAN)
    gap = np.round(rng.exponential(gap_mean), 1)
    zone_p = (pd.Series(race).map(ZONE_SHARE_BIASED).fillna(ZONE_SHARE_OTHER).to_numpy(float) if bias
              else np.full(n, ZONE_SHARE_CLEAN))
    zone = (rng.random(n) < zone_p).astype(np.int64)
    logit = -2.6 + 4.0 * skills + 0.08 * np.minimum(years, 15) + 0.25 * education + 0.15 * np.minimum(certs, 4)
    if bias:
        logit = logit + GAP_PENALTY * np.minimum(gap, 36) + ZONE_PENALTY * zone
    label = (rng.random(n) < 1.0 / (1.0 + np.exp(-logit))).astype(np.int64)
    return pd.DataFrame({
        "candidate_id": np.char.add("JC-", np.char.zfill(np.arange(1, n + 1).astype(str), 7)),
        "sex": pd.Series(sex, dtype="string"),
        "race_ethnicity": pd.Series(race, dtype="string"),
        "skills_match": skills, "years_experience": years, "education_level": education.astype(np.int64),
        "certifications": certs.astype(np.int64), "employment_gap_months": gap, "commute_zone": zone,
        LABEL: label,
    })


def split_train_eval(frame: pd.DataFrame, seed: int = 0, eval_share: float = 0.3) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The vendor's training part and the service's evaluation part."""
    train, evaluation = train_test_split(frame, test_size=eval_share, random_state=seed, stratify=frame["sex"])
    return train.reset_index(drop=True), evaluation.reset_index(drop=True)
