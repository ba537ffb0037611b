"""Direct use and proxies of sensitive features: what each finding names, its score, its wording, its status."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression
from threadpoolctl import threadpool_limits

import govaudit
from govaudit import Status
from govaudit.explainability._auditor import ExplainabilityAuditor
from govaudit.explainability._config import ExplainabilityConfig
from govaudit.explainability._findings import Measured, direct_use_finding, proxy_findings
from govaudit.explainability._proxy import ProxyStrength, derivation


def _measured(shares: dict[str, float], interval: dict[str, tuple[float, float]] | None = None) -> Measured:
    """What the auditor measured, reduced to the importance shares (and their bootstrap intervals)."""
    columns = list(shares)
    importance = np.array([shares[c] for c in columns])
    bounds = {}
    if interval is not None:
        bounds = {"share_low": np.array([interval.get(c, (shares[c], shares[c]))[0] for c in columns]),
                  "share_high": np.array([interval.get(c, (shares[c], shares[c]))[1] for c in columns])}
    nan = np.full(len(columns), np.nan)
    return Measured(columns=columns, importance=importance, low=nan, high=nan, explainer={}, sample={},
                    adverse_total=0, adverse_explained=0, adverse_with_reason=0, first_reasons={}, reason_rows=0,
                    max_error=0.0, mean_error=0.0, rows_checked=0, rows_over=0, stability=1.0, stability_detail={},
                    **bounds)


def _proxy(strengths, measured, **config):
    [finding] = proxy_findings(strengths, measured, ExplainabilityConfig(**config), rows_used=1000)
    return finding


def test_the_value_is_the_score_of_the_input_the_finding_names():
    # checking_status scores 0.050 but predicts the band too weakly to be gated or named (AUC < 0.7);
    # age is named (AUC >= 0.8) with its own score, 0.042
    measured = _measured({"checking_status": 0.25, "age": 0.06, "duration": 0.69})
    strengths = [ProxyStrength("checking_status", "age_band", 0.60, "18-25"),
                 ProxyStrength("age", "age_band", 0.85, "18-25"),
                 ProxyStrength("duration", "age_band", 0.50, "18-25")]
    finding = _proxy(strengths, measured)
    assert finding.status is Status.WARN and finding.groups == ("age",)
    assert finding.value == pytest.approx((2 * 0.85 - 1) * 0.06)
    scores = {r["feature"]: r["score"] for r in finding.evidence["features"]}
    assert scores["checking_status"] == pytest.approx(0.05) and finding.value < scores["checking_status"]


def test_a_passing_proxy_finding_shows_the_score_nearest_the_gate():
    measured = _measured({"weak_but_heavy": 0.6, "gated": 0.04, "other": 0.36})
    strengths = [ProxyStrength("weak_but_heavy", "s", 0.6, "a"), ProxyStrength("gated", "s", 0.75, "a"),
                 ProxyStrength("other", "s", 0.5, "a")]
    finding = _proxy(strengths, measured)
    assert finding.status is Status.PASS and finding.groups == ()
    assert finding.value == pytest.approx(0.5 * 0.04) and finding.value <= finding.threshold


@pytest.mark.parametrize(("features", "sentence"), [
    (["age"], "age (AUC 0.90) strongly predicts age_band but carries little weight in the model."),
    (["age", "pension"], "age (AUC 0.90) and pension (AUC 0.90) strongly predict age_band but carry little "
                         "weight in the model."),
])
def test_strong_but_light_proxies_are_worded_in_the_singular_or_the_plural(features, sentence):
    measured = _measured({**{f: 0.01 for f in features}, "income": 0.9})
    strengths = [ProxyStrength(f, "age_band", 0.9, "65+") for f in features]
    finding = _proxy(strengths + [ProxyStrength("income", "age_band", 0.5, "65+")], measured)
    assert finding.status is Status.WARN
    assert finding.message == sentence
    assert "(s)" not in finding.message and "(y/ies)" not in finding.message


def test_a_justification_ending_in_a_full_stop_is_quoted_once():
    measured = _measured({"income": 0.5, "other": 0.5})
    finding = _proxy([ProxyStrength("income", "age_band", 0.8, "65+"), ProxyStrength("other", "age_band", 0.5, "65+")],
                     measured, justifications={"income": "The means test."})
    assert finding.status is Status.WARN
    assert finding.message == ("Possible proxy for age_band, justified in the spec: income predicts age_band = '65+' "
                               "with AUC 0.80 and carries 50% of the model's importance (The means test).")


@pytest.mark.parametrize(("interval", "status"), [
    ((0.09, 0.11), Status.FAIL),           # the whole interval is beyond the limit
    ((0.04, 0.08), Status.INCONCLUSIVE),   # the point estimate is, the interval is not
])
def test_the_proxy_gate_is_judged_on_the_bootstrap_interval_of_the_share(interval, status):
    # language predicts the group with AUC 0.975: score = 0.95 x share; the limit is 0.05
    measured = _measured({"language": 0.06, "income": 0.94}, {"language": interval})
    strengths = [ProxyStrength("language", "background", 0.975, "none"),
                 ProxyStrength("income", "background", 0.5, "none")]
    finding = _proxy(strengths, measured)
    assert finding.value == pytest.approx(0.95 * 0.06) and finding.value > finding.threshold
    assert finding.status is status and finding.groups == ("language",)
    row = finding.evidence["features"][0]
    assert row["score_ci"] == pytest.approx([0.95 * interval[0], 0.95 * interval[1]])
    if status is Status.INCONCLUSIVE:
        assert finding.message == (
            "Possible proxy for background: language predicts background = 'none' with AUC 0.97 and carries 6% "
            "(95% interval 4% to 8%) of the model's importance: a score of 0.057, above the limit of 0.05, whose "
            "interval reaches down to 0.038. The gate cannot be judged on this evidence.")


def test_without_resamples_the_point_estimate_decides():
    measured = _measured({"language": 0.06, "income": 0.94})
    finding = _proxy([ProxyStrength("language", "background", 0.975, "none")], measured)
    assert finding.status is Status.FAIL and finding.evidence["features"][0]["score_ci"] is None


def test_derivation_recognises_a_binning_and_a_recoding_but_not_an_association():
    rng = np.random.default_rng(0)
    age = pd.Series(rng.integers(18, 91, 2000))
    band = pd.Series(pd.cut(age, [17, 34, 54, 64, 90], labels=["18-34", "35-54", "55-64", "65+"]).astype(str))
    assert derivation(age, band) == "binning"
    assert derivation(age.astype(float) + rng.random(2000), band.where(age < 90, None)) == "binning"
    district = pd.Series(rng.choice([f"D{i}" for i in range(8)], 2000))
    region = district.map(lambda d: "north" if d in ("D0", "D3", "D5") else "south")
    assert derivation(district, region) == "recoding"
    # associated, not determined: a few rows of each band fall outside its interval
    noisy = age.where(rng.random(2000) > 0.02, age + 15)
    assert derivation(noisy, band) is None
    assert derivation(pd.Series([f"id{i}" for i in range(2000)]), region) is None  # an identifier
    assert derivation(age, pd.Series(["all"] * 2000)) is None                     # one group


@pytest.fixture(scope="module")
def age_model_report():
    """A model on age and income, audited with the age band (a binning of age) as a sensitive feature."""
    rng = np.random.default_rng(4)
    n = 3000
    age = rng.integers(18, 80, n)
    frame = pd.DataFrame({"age": age.astype(float), "income": rng.normal(size=n)})
    frame["age_band"] = np.where(age < 35, "18-34", np.where(age < 60, "35-59", "60+"))
    frame["sex"] = rng.choice(["female", "male"], n)
    y = (rng.random(n) < 1 / (1 + np.exp(-(frame["income"] - 0.03 * (age - 50))))).astype(int)
    model = LogisticRegression().fit(frame[["age", "income"]], y)
    subject = govaudit.build_subject(model=model, data=frame, sensitive_features=["age_band", "sex"],
                                     features=["age", "income"])
    with threadpool_limits(1):
        return ExplainabilityAuditor(n_resamples=50, background_size=50).explain(subject)


def test_a_sensitive_feature_binned_from_an_input_is_direct_use_naming_the_input(age_model_report):
    [direct] = [f for f in age_model_report.findings if f.check == "explainability.direct_use"]
    assert direct.status is Status.FAIL and direct.groups == ("age_band",)
    assert direct.message == ("The model uses the sensitive feature age_band (a binning of the input age: each of its "
                              "groups is an interval of age) directly, and the audit spec gives no justification for it.")
    [row] = direct.evidence["sensitive_inputs"]
    assert row["input"] == "age" and row["derived"] == "binning" and row["importance_share"] > 0.1
    # not also reported as a mere proxy of itself
    [proxy] = [f for f in age_model_report.findings
               if f.check == "explainability.proxy_risk" and f.evidence["sensitive_feature"] == "age_band"]
    assert "age" not in proxy.groups and all(r["feature"] != "age" for r in proxy.evidence["features"])


def test_a_binned_input_is_accepted_with_a_justification_of_either_name():
    strengths = [ProxyStrength("age", "age_band", 1.0, "65+", "binning")]
    measured = _measured({"age": 0.3, "income": 0.7})
    for key in ("age", "age_band"):
        finding = direct_use_finding(["age", "income"], ["age_band"], measured,
                                     ExplainabilityConfig(justifications={key: "Pension rules depend on age."}),
                                     strengths)
        assert finding.status is Status.PASS and finding.groups == ("age_band",)
        assert finding.message.endswith("the spec justifies it: age_band: Pension rules depend on age.")
    plain = direct_use_finding(["channel", "sex"], ["channel", "sex"], None, ExplainabilityConfig())
    assert plain.message == ("The model uses the sensitive features channel (a model input) and sex (a model input) "
                             "directly, and the audit spec gives no justification for them.")
