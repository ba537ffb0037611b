"""The welfare sample's random control stream: its two streams, its columns, and checks that ignore language."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sample_models.welfare_fraud_risk.control_sample import (COLUMNS, MODEL_SHARE, POPULATION, RANDOM_CASES,
                                                             generate_control_sample)
from sample_models.welfare_fraud_risk.train import FEATURES


class _LanguageModel:
    """Risk from language proficiency alone: the most extreme proxy model."""

    def predict_proba(self, frame: pd.DataFrame) -> np.ndarray:
        risk = frame["language_proficiency"].map({"native": 0.05, "fluent": 0.1, "intermediate": 0.3,
                                                  "basic": 0.5}).to_numpy()
        assert list(frame.columns) == list(FEATURES)
        return np.column_stack([1 - risk, risk])


def test_two_streams_of_the_documented_sizes_and_columns():
    table = generate_control_sample(_LanguageModel(), seed=4)
    assert tuple(table.columns) == COLUMNS
    counts = table["selection"].value_counts()
    assert counts["model"] == int(MODEL_SHARE * POPULATION) and counts["random"] == RANDOM_CASES
    assert table["case_id"].str.startswith("CS-").all() and set(table["error_found"].unique()) <= {0, 1}
    model = table[table["selection"] == "model"]
    random = table[table["selection"] == "random"]
    # the model stream is the top of the risk ranking: nobody left out has a higher risk than its lowest
    assert model["risk"].min() >= random["risk"].quantile(1 - MODEL_SHARE) - 1e-9
    # same seed, same table
    pd.testing.assert_frame_equal(table, generate_control_sample(_LanguageModel(), seed=4))


def test_checks_find_errors_regardless_of_background_in_the_random_stream():
    rates = []
    for seed in range(6):
        table = generate_control_sample(_LanguageModel(), seed=seed, random_cases=5000, population=20_000)
        random = table[table["selection"] == "random"]
        rates.append(random.groupby("migration_background")["error_found"].mean())
    mean = pd.concat(rates, axis=1).mean(axis=1)
    # without the language effect the irregularity rate is about 8 % in every group (7.4 % vs 16.8 % with it)
    assert mean.max() - mean.min() < 0.02 and 0.06 < mean.mean() < 0.10
