"""Tests for the synthetic welfare fraud-risk data set, its documented proxy, and its model."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import skops.io as sio
from skops.io.exceptions import UntrustedTypesFoundException
from sklearn.metrics import roc_auc_score
from threadpoolctl import threadpool_limits

from sample_models.welfare_fraud_risk import __main__ as cli
from sample_models.welfare_fraud_risk.generate import (
    BACKGROUND_SHARES,
    BACKGROUNDS,
    COLUMNS,
    INJECTED_EFFECT,
    PROFICIENCY_GIVEN_BACKGROUND,
    PROFICIENCY_LEVELS,
    expected_proxy_auc,
    generate_recipients,
    irregularity_probability,
    split_train_eval,
)
from sample_models.welfare_fraud_risk.train import FEATURES, FLAG_THRESHOLD, load_model, save_model, train_model


@pytest.fixture(scope="module")
def big() -> pd.DataFrame:
    return generate_recipients(200_000, seed=5)


def test_columns_and_determinism():
    a, b = generate_recipients(500, seed=1), generate_recipients(500, seed=1)
    assert list(a.columns) == list(COLUMNS)
    pd.testing.assert_frame_equal(a, b)
    assert not a.equals(generate_recipients(500, seed=2))
    assert a["case_id"].is_unique and set(FEATURES) <= set(a.columns)
    assert "migration_background" not in FEATURES and "sex" not in FEATURES


def test_background_and_proficiency_follow_the_documented_tables(big):
    shares = big["migration_background"].value_counts(normalize=True)
    for name, share in zip(BACKGROUNDS, BACKGROUND_SHARES):
        assert shares[name] == pytest.approx(share, abs=0.005)
    table = pd.crosstab(big["migration_background"], big["language_proficiency"], normalize="index")
    for background, probs in PROFICIENCY_GIVEN_BACKGROUND.items():
        observed = [table.loc[background].get(level, 0.0) for level in PROFICIENCY_LEVELS]
        np.testing.assert_allclose(observed, probs, atol=0.01)


def test_label_follows_its_probability(big):
    p = irregularity_probability(big)
    # calibration in deciles of the true probability: observed rate matches the mean probability
    decile = pd.qcut(p, 10, labels=False, duplicates="drop")
    observed = big["irregularity_found"].groupby(decile).mean()
    expected = pd.Series(p).groupby(decile).mean()
    np.testing.assert_allclose(observed.to_numpy(), expected.to_numpy(), atol=0.01)
    # without the injected effect, the label would not depend on migration background
    unbiased = pd.Series(irregularity_probability(big, with_bias=False)).groupby(big["migration_background"]).mean()
    assert unbiased.max() - unbiased.min() < 0.005


def test_documented_proxy_auc(big):
    # independent: sklearn's AUC of the level's share of "none" (Bayes' rule on the empirical table)
    none = big["migration_background"] == "none"
    score = big.groupby("language_proficiency")["migration_background"].transform(lambda s: (s == "none").mean())
    assert roc_auc_score(none, score) == pytest.approx(expected_proxy_auc(), abs=0.003)
    assert expected_proxy_auc() == pytest.approx(INJECTED_EFFECT["expected_proxy_auc"], abs=1e-4)


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    with threadpool_limits(1):
        train, evaluation = split_train_eval(generate_recipients(INJECTED_EFFECT["rows"], seed=0), seed=0)
        model = train_model(train, seed=0)
    path = tmp_path_factory.mktemp("model") / "model.skops"
    return model, evaluation, path, save_model(model, path)


def test_flag_rate_ratio_in_documented_range(trained):
    model, evaluation, _, _ = trained
    flagged = model.predict_proba(evaluation[list(FEATURES)])[:, 1] > FLAG_THRESHOLD
    rates = pd.Series(flagged).groupby(evaluation["migration_background"].to_numpy()).mean()
    lo, hi = INJECTED_EFFECT["flag_rate_ratio_range"]
    assert lo <= rates["non_eu"] / rates["none"] <= hi


def test_skops_round_trip_needs_the_listed_trusted_types(trained):
    model, evaluation, path, untrusted = trained
    assert untrusted == ["sklearn.tree._tree.Tree"]
    with pytest.raises(UntrustedTypesFoundException):
        sio.load(path, trusted=[])
    loaded = load_model(path, untrusted)
    X = evaluation[list(FEATURES)].iloc[:500]
    np.testing.assert_array_equal(loaded.predict_proba(X), model.predict_proba(X))


def test_command_line_writes_the_artifacts(tmp_path, capsys):
    with threadpool_limits(1):
        assert cli.main(["--rows", "1500", "--out", str(tmp_path)]) == 0
    for name in ("train.parquet", "eval.parquet", "model.skops", "trusted_types.json"):
        assert (tmp_path / name).is_file()
    assert json.loads((tmp_path / "trusted_types.json").read_text()) == ["sklearn.tree._tree.Tree"]
    assert "flagged for investigation" in capsys.readouterr().out
    assert len(pd.read_parquet(tmp_path / "eval.parquet")) == 450
