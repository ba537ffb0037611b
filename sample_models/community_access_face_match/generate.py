"""Synthetic face-verification attempts at a residential building's entry gate, with documented demographic effects.

Each row is one verification attempt: a person presents their face to the gate camera, the matcher
compares it with the enrolled template of the resident whose access fob was shown, and returns a
similarity score in [0, 1]; the gate reports a match when the score is at least
:data:`OPERATING_THRESHOLD`. ``genuine`` = 1 when the person *is* that resident (a genuine pair),
0 when someone else presents the fob (an impostor pair). The evaluation set is balanced like a
vendor's test protocol: half genuine, half impostor pairs, independent of the person's group.

In the manner of published demographic-effect studies of face recognition (NIST FRVT Part 3,
NISTIR 8280, 2019: higher false match rates for women and for the elderly, higher false non-match
rates for older people), the score distributions differ by group:

- impostor scores ~ Normal(:data:`IMPOSTOR_MEAN` + shift, :data:`IMPOSTOR_SD`), clipped to [0, 1];
- genuine scores ~ Normal(:data:`GENUINE_MEAN` + shift, :data:`GENUINE_SD`), clipped to [0, 1].

Injected effects (``bias=True``; ``bias=False`` sets every shift to 0):

==========================  ===============================  =============================================
shift                       size                             effect at the operating threshold (0.50)
==========================  ===============================  =============================================
impostor, ``female``        +0.05 (:data:`IMPOSTOR_SHIFT`)   false match rate about 3x the men's
impostor, ``18-29``/``65+``  +0.02 / +0.05                    false match rate up by a further 1.7x / 3.6x
genuine, ``65+``            -0.12 (:data:`GENUINE_SHIFT`)    false non-match rate about 8 % against 1 %
genuine, ``50-64``          -0.03                            false non-match rate about 1.6 %
==========================  ===============================  =============================================

The exact expected rates follow from the normal distribution (:func:`expected_rates`). Everything
is drawn from a seeded :class:`numpy.random.Generator`, vectorised; no real face data are used.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import norm

__all__ = [
    "AGE_BANDS",
    "AGE_BAND_SHARES",
    "GENUINE_MEAN",
    "GENUINE_SD",
    "GENUINE_SHARE",
    "GENUINE_SHIFT",
    "IMPOSTOR_MEAN",
    "IMPOSTOR_SD",
    "IMPOSTOR_SHIFT",
    "INJECTED_EFFECTS",
    "OPERATING_THRESHOLD",
    "SEXES",
    "expected_rates",
    "generate_attempts",
    "score_shifts",
]

AGE_BANDS: tuple[str, ...] = ("18-29", "30-49", "50-64", "65+")
AGE_BAND_SHARES: tuple[float, ...] = (0.22, 0.36, 0.24, 0.18)
SEXES: tuple[str, ...] = ("female", "male")
#: share of genuine pairs in the evaluation protocol
GENUINE_SHARE = 0.5
IMPOSTOR_MEAN, IMPOSTOR_SD = 0.30, 0.09
GENUINE_MEAN, GENUINE_SD = 0.80, 0.13
#: the gate reports a match when score >= this (the vendor's configured setting)
OPERATING_THRESHOLD = 0.50
#: injected mean shifts of the impostor scores, by sex and by age band
IMPOSTOR_SHIFT: Mapping[str, float] = MappingProxyType({"female": 0.05, "male": 0.0, "18-29": 0.02, "30-49": 0.0,
                                                        "50-64": 0.0, "65+": 0.05})
#: injected mean shifts of the genuine scores, by age band (ageing faces match their enrolment photo less well)
GENUINE_SHIFT: Mapping[str, float] = MappingProxyType({"18-29": 0.0, "30-49": 0.0, "50-64": -0.03, "65+": -0.12})
#: what the audit must find, by check id (one entry per sensitive feature). By age band the false match
#: rate is 0.0905 for 65+ against 0.0305 for 30-49 and 50-64 (ratio 0.34, under the gate's 0.5); with the
#: earlier +0.03 shift for 65+ it was 0.0604 (ratio 0.505, at the gate: caught in about half the runs).
INJECTED_EFFECTS: Mapping[str, Any] = MappingProxyType({
    "bias.equalized_odds_ratio": (
        {"feature": "sex", "rate": "false match rate (FPR)", "higher_for": "female"},
        {"feature": "age_band", "rate": "false match rate (FPR)", "higher_for": "65+"},
    ),
    "bias.equal_opportunity_difference": ({"feature": "age_band", "rate": "false non-match rate (FNR)",
                                           "higher_for": "65+"},),
})


def score_shifts(sex: np.ndarray, age_band: np.ndarray, *, bias: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Impostor and genuine mean shifts per person (zeros without bias)."""
    n = len(sex)
    if not bias:
        return np.zeros(n), np.zeros(n)
    imp = pd.Series(sex).map(IMPOSTOR_SHIFT).to_numpy(float) + pd.Series(age_band).map(IMPOSTOR_SHIFT).to_numpy(float)
    gen = pd.Series(age_band).map(GENUINE_SHIFT).to_numpy(float)
    return imp, gen


def expected_rates(sex: str, age_band: str, *, bias: bool = True,
                   threshold: float = OPERATING_THRESHOLD) -> tuple[float, float]:
    """Population false match and false non-match rates of one group at ``threshold``."""
    imp, gen = score_shifts(np.array([sex]), np.array([age_band]), bias=bias)
    fmr = float(norm.sf(threshold, IMPOSTOR_MEAN + imp[0], IMPOSTOR_SD))
    fnmr = float(norm.cdf(threshold, GENUINE_MEAN + gen[0], GENUINE_SD))
    return fmr, fnmr


def generate_attempts(n: int, seed: int = 0, *, bias: bool = True) -> pd.DataFrame:
    """Generate ``n`` verification attempts.

    Parameters
    ----------
    n : int
        Number of attempts.
    seed : int
        Seed; the same seed gives the same table.
    bias : bool
        Inject the documented demographic effects (False: identical distributions for everyone).

    Returns
    -------
    pandas.DataFrame
        ``attempt_id``, ``template_id`` (pseudonymous enrolled-template reference), ``sex``,
        ``age_band``, ``genuine`` (1 = genuine pair), ``match_score``, ``matched`` (the gate's
        decision at :data:`OPERATING_THRESHOLD`).
    """
    if n < 1:
        raise ValueError("n must be at least 1")
    rng = np.random.default_rng(seed)
    sex = np.asarray(SEXES, dtype=object)[rng.integers(0, len(SEXES), n)]
    age_band = np.asarray(AGE_BANDS, dtype=object)[rng.choice(len(AGE_BANDS), n, p=AGE_BAND_SHARES)]
    genuine = (rng.random(n) < GENUINE_SHARE).astype(np.int8)
    imp_shift, gen_shift = score_shifts(sex, age_band, bias=bias)
    noise = rng.standard_normal(n)
    score = np.where(genuine == 1, GENUINE_MEAN + gen_shift + GENUINE_SD * noise,
                     IMPOSTOR_MEAN + imp_shift + IMPOSTOR_SD * noise)
    score = np.round(np.clip(score, 0.0, 1.0), 4)
    ids = np.arange(1, n + 1).astype(str)
    return pd.DataFrame({
        "attempt_id": np.char.add("VA-", np.char.zfill(ids, 7)),
        "template_id": np.char.add("T-", np.char.zfill(rng.integers(1, 10 * n, n).astype(str), 8)),
        "sex": pd.Series(sex, dtype="string"),
        "age_band": pd.Series(age_band, dtype="string"),
        "genuine": genuine,
        "match_score": score,
        "matched": (score >= OPERATING_THRESHOLD).astype(np.int8),
    })
