"""Tests for the synthetic benefits-eligibility data set and its model."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import skops.io as sio
from skops.io.exceptions import UntrustedTypesFoundException

from sample_models.benefits_eligibility import __main__ as cli
from sample_models.benefits_eligibility.generate import (
    AGE_BAND_LABELS,
    COLUMNS,
    EMPLOYMENT_STATUSES,
    EXPECTED_LABEL_IMPACT_RATIO,
    EXPECTED_NEED_IMPACT_RATIO,
    IN_PERSON_DENIAL_RATE,
    INJECTED_EFFECT,
    LABEL_NOISE_RATE,
    NEED_RATE_IN_PERSON,
    NEED_RATE_ONLINE,
    SEX_MISSING_RATE,
    eligible_probability,
    expected_impact_ratios,
    generate_applications,
    need_probability,
    split_train_eval,
)
from sample_models.benefits_eligibility.train import (
    FEATURES,
    LABEL,
    load_model,
    save_model,
    train_model,
)


def _ratio(values: pd.Series | np.ndarray, channel: pd.Series) -> float:
    """in_person ÷ online mean of ``values``, plain pandas."""
    rates = pd.Series(np.asarray(values, dtype=float)).groupby(channel.to_numpy()).mean()
    return float(rates["in_person"] / rates["online"])


@pytest.fixture(scope="module")
def big() -> pd.DataFrame:
    return generate_applications(200_000, seed=11)


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory):
    rows = INJECTED_EFFECT["rows"]
    train, evaluation = split_train_eval(generate_applications(rows, seed=0), seed=0)
    model = train_model(train, seed=0)
    path = tmp_path_factory.mktemp("model") / "model.skops"
    untrusted = save_model(model, path)
    return model, evaluation, path, untrusted


# ----------------------------------------------------------------------------- data


def test_same_seed_is_identical_and_other_seed_differs() -> None:
    a = generate_applications(3_000, seed=5)
    b = generate_applications(3_000, seed=5)
    c = generate_applications(3_000, seed=6)
    pd.testing.assert_frame_equal(a, b)
    assert not a.drop(columns="application_id").equals(c.drop(columns="application_id"))
    assert (a["monthly_income"] != c["monthly_income"]).mean() > 0.99


def test_columns_dtypes_and_ranges() -> None:
    df = generate_applications(20_000, seed=1)
    assert tuple(df.columns) == COLUMNS
    assert len(df) == 20_000
    assert df["application_id"].is_unique
    assert df["application_id"].iloc[0] == "APP-0000001"
    assert df["application_id"].str.fullmatch(r"APP-\d{7}").all()
    for col in ("age", "household_size", "disability", "needs_support", "eligible"):
        assert pd.api.types.is_integer_dtype(df[col]), col
    assert pd.api.types.is_float_dtype(df["monthly_income"])
    for col in ("application_id", "age_band", "sex", "employment_status", "region", "channel", "language"):
        assert pd.api.types.is_string_dtype(df[col]), col

    assert df["age"].between(18, 90).all()
    assert df["age"].min() == 18 and df["age"].max() >= 85
    assert df["household_size"].between(1, 8).all()
    assert (df["monthly_income"] > 0).all()
    for col in ("disability", "needs_support", "eligible"):
        assert set(df[col].unique()) == {0, 1}, col
    assert set(df["age_band"]) == set(AGE_BAND_LABELS)
    assert set(df["sex"].dropna()) == {"female", "male"}
    assert set(df["employment_status"]) == set(EMPLOYMENT_STATUSES)
    assert set(df["region"]) == {"urban", "rural"}
    assert set(df["channel"]) == {"online", "in_person"}
    assert set(df["language"]) == {"majority", "minority"}
    assert df.drop(columns="sex").notna().all().all()

    # age_band agrees with age
    bins = pd.cut(df["age"], [17, 34, 54, 64, 90], labels=list(AGE_BAND_LABELS))
    assert (bins.astype(str).to_numpy() == df["age_band"].to_numpy()).all()
    # employment depends on age
    assert (df.loc[df["age"] < 25, "employment_status"] != "retired").all()
    assert (df.loc[df["age"] >= 65, "employment_status"] == "retired").mean() > 0.75


def test_missing_sex_share_is_present_but_small(big: pd.DataFrame) -> None:
    share = big["sex"].isna().mean()
    assert 0.5 * SEX_MISSING_RATE < share < 2 * SEX_MISSING_RATE
    assert big["sex"].isna().sum() >= 10


def test_in_person_share_rises_with_age(big: pd.DataFrame) -> None:
    in_person = (big["channel"] == "in_person").groupby(big["age_band"]).mean()
    shares = in_person.loc[list(AGE_BAND_LABELS)].to_numpy()
    assert np.all(np.diff(shares) > 0)
    assert shares[-1] - shares[0] > 0.3
    # and with rurality and minority language
    by_region = (big["channel"] == "in_person").groupby(big["region"]).mean()
    by_language = (big["channel"] == "in_person").groupby(big["language"]).mean()
    assert by_region["rural"] > by_region["urban"] + 0.1
    assert by_language["minority"] > by_language["majority"] + 0.1


def test_split_is_stratified_by_channel() -> None:
    df = generate_applications(10_000, seed=2)
    train, evaluation = split_train_eval(df, eval_fraction=0.3, seed=2)
    assert len(evaluation) == 3_000 and len(train) == 7_000
    assert set(train["application_id"]).isdisjoint(evaluation["application_id"])
    share = (df["channel"] == "in_person").mean()
    assert abs((evaluation["channel"] == "in_person").mean() - share) < 0.002
    assert abs((train["channel"] == "in_person").mean() - share) < 0.002


# ------------------------------------------------------------------- injected effect


def test_injected_effect_description() -> None:
    assert INJECTED_EFFECT["feature"] == "channel"
    assert INJECTED_EFFECT["disadvantaged_group"] == "in_person"
    assert INJECTED_EFFECT["reference_group"] == "online"
    assert INJECTED_EFFECT["denial_rate"] == IN_PERSON_DENIAL_RATE == 0.35
    lo, hi = INJECTED_EFFECT["impact_ratio_range"]
    assert 0 < lo < hi < 0.8
    assert hi - lo <= 0.2
    assert lo < INJECTED_EFFECT["bayes_decision_impact_ratio"] < hi
    assert lo < INJECTED_EFFECT["expected_label_impact_ratio"] < hi
    with pytest.raises(TypeError):
        INJECTED_EFFECT["denial_rate"] = 0.0  # type: ignore[index]


def test_documented_ratios_match_the_generating_process() -> None:
    # closed form of the label-level ratio from the two need rates
    e, d = LABEL_NOISE_RATE, IN_PERSON_DENIAL_RATE
    closed = (e + (1 - 2 * e) * (1 - d) * NEED_RATE_IN_PERSON) / (e + (1 - 2 * e) * NEED_RATE_ONLINE)
    assert closed == pytest.approx(EXPECTED_LABEL_IMPACT_RATIO, abs=0.002)
    assert NEED_RATE_IN_PERSON / NEED_RATE_ONLINE == pytest.approx(EXPECTED_NEED_IMPACT_RATIO, abs=0.002)
    # Monte-Carlo re-derivation with another seed (smaller than the documented 4M rows)
    ratios = expected_impact_ratios(n_rows=400_000, seed=3)
    assert ratios["need"] == pytest.approx(EXPECTED_NEED_IMPACT_RATIO, abs=0.01)
    assert ratios["label"] == pytest.approx(EXPECTED_LABEL_IMPACT_RATIO, abs=0.01)
    assert ratios["bayes_decision"] == pytest.approx(INJECTED_EFFECT["bayes_decision_impact_ratio"], abs=0.015)


def test_label_gap_versus_need(big: pd.DataFrame) -> None:
    channel = big["channel"]
    need_ratio = _ratio(big["needs_support"], channel)
    label_ratio = _ratio(big["eligible"], channel)
    # unbiased need: in-person applicants need support at least as often
    assert need_ratio >= 1.0
    assert need_ratio == pytest.approx(EXPECTED_NEED_IMPACT_RATIO, abs=0.03)
    # historical labels: the injected denials open a gap of about the denial rate
    assert label_ratio == pytest.approx(EXPECTED_LABEL_IMPACT_RATIO, abs=0.03)
    assert label_ratio / need_ratio == pytest.approx(
        EXPECTED_LABEL_IMPACT_RATIO / EXPECTED_NEED_IMPACT_RATIO, abs=0.03
    )
    # the gap is confined to in-person applicants in need
    in_person = channel == "in_person"
    denied_in_need = 1 - big.loc[in_person & (big["needs_support"] == 1), "eligible"].mean()
    expected = IN_PERSON_DENIAL_RATE * (1 - LABEL_NOISE_RATE) + (1 - IN_PERSON_DENIAL_RATE) * LABEL_NOISE_RATE
    assert denied_in_need == pytest.approx(expected, abs=0.015)
    online_denied_in_need = 1 - big.loc[~in_person & (big["needs_support"] == 1), "eligible"].mean()
    assert online_denied_in_need == pytest.approx(LABEL_NOISE_RATE, abs=0.005)
    # and the closed-form probabilities agree with the draws
    assert big["needs_support"].mean() == pytest.approx(need_probability(big).mean(), abs=0.005)
    assert big["eligible"].mean() == pytest.approx(eligible_probability(big).mean(), abs=0.005)


# --------------------------------------------------------------------------- model


@pytest.mark.slow
def test_skops_round_trip_with_trusted_types(trained) -> None:
    model, evaluation, path, untrusted = trained
    assert untrusted == sorted(untrusted) and len(untrusted) >= 1
    assert all(isinstance(t, str) for t in untrusted)
    assert untrusted == sio.get_untrusted_types(file=path)
    loaded = load_model(path, trusted=untrusted)
    x = evaluation[list(FEATURES)]
    np.testing.assert_array_equal(loaded.predict(x), model.predict(x))
    np.testing.assert_array_equal(loaded.predict_proba(x), model.predict_proba(x))


@pytest.mark.slow
def test_loading_without_trusted_list_is_refused(trained) -> None:
    _, _, path, untrusted = trained
    with pytest.raises(UntrustedTypesFoundException):
        sio.load(path)
    with pytest.raises(UntrustedTypesFoundException):
        load_model(path, trusted=[])


@pytest.mark.slow
def test_trained_model_reproduces_the_injected_bias(trained) -> None:
    model, evaluation, _, _ = trained
    assert "sex" not in FEATURES and "channel" in FEATURES
    decision = model.predict(evaluation[list(FEATURES)])
    assert float((decision == evaluation[LABEL].to_numpy()).mean()) > 0.78
    ratio = _ratio(decision, evaluation["channel"])
    lo, hi = INJECTED_EFFECT["impact_ratio_range"]
    assert lo <= ratio <= hi, ratio
    # the disparity is the injected bias, not need: need-based ratio on the same rows >= 1
    assert _ratio(evaluation["needs_support"], evaluation["channel"]) > 0.95


@pytest.mark.slow
def test_cli_writes_all_artifacts(tmp_path, capsys) -> None:
    out = tmp_path / "artifacts"
    assert cli.main(["--rows", "5000", "--seed", "1", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "impact ratio" in printed and "accuracy" in printed
    for name in ("train.parquet", "eval.parquet", "model.skops", "trusted_types.json"):
        assert (out / name).is_file(), name
    train = pd.read_parquet(out / "train.parquet")
    evaluation = pd.read_parquet(out / "eval.parquet")
    assert tuple(evaluation.columns) == COLUMNS and tuple(train.columns) == COLUMNS
    assert len(train) + len(evaluation) == 5_000
    expected = generate_applications(5_000, seed=1)
    # pandas < 3 reads strings back as object, whatever string dtype wrote them: compare them as written
    text = {c: expected[c].dtype for c in expected.columns if isinstance(expected[c].dtype, pd.StringDtype)}
    pd.testing.assert_frame_equal(
        pd.concat([train, evaluation]).sort_values("application_id").reset_index(drop=True).astype(text),
        expected,
    )
    trusted = json.loads((out / "trusted_types.json").read_text(encoding="utf-8"))
    model = load_model(out / "model.skops", trusted=trusted)
    assert set(np.unique(model.predict(evaluation[list(FEATURES)]))) <= {0, 1}


def test_clean_variant_is_the_same_sample_without_the_denials() -> None:
    from sample_models.benefits_eligibility.generate import eligible_probability, need_probability
    from sample_models.benefits_eligibility.train import CLEAN_FEATURES

    biased = generate_applications(20_000, seed=3)
    clean = generate_applications(20_000, seed=3, bias=False)
    pd.testing.assert_frame_equal(biased.drop(columns="eligible"), clean.drop(columns="eligible"))
    # the clean label is the need with symmetric 2 % noise: its disagreement with need is the noise
    # alone, the same in both channels (hand count of the flip rate)
    wrong = (clean["eligible"] != clean["needs_support"]).groupby(clean["channel"]).mean()
    assert wrong["in_person"] == pytest.approx(LABEL_NOISE_RATE, abs=0.006)
    assert wrong["online"] == pytest.approx(LABEL_NOISE_RATE, abs=0.006)
    # labels differ only where the biased variant denied someone in need in person
    changed = biased["eligible"] != clean["eligible"]
    assert changed.any() and (biased.loc[changed, "channel"] == "in_person").all()
    assert (biased.loc[changed, "needs_support"] == 1).all()
    expected = LABEL_NOISE_RATE + (1 - 2 * LABEL_NOISE_RATE) * need_probability(clean)
    assert np.allclose(eligible_probability(clean, bias=False), expected)
    assert "channel" not in CLEAN_FEATURES and set(CLEAN_FEATURES) < set(FEATURES)
