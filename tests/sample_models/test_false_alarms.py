"""A clean sample passes and a biased one is caught: the five demo samples over a few seeds (benchmarks/false_alarms.py)."""

from __future__ import annotations

import pytest

from benchmarks.false_alarms import BLOCKING, EFFECTS, Effect, run_all, summarise
from sample_models.demo import NAMES

#: seeds of the slow test; the benchmark's table (20 seeds) is in its results and the samples' READMEs
SEEDS = (1, 2)


def test_an_effect_is_caught_only_by_its_check_failing_on_its_feature_and_names():
    effect = Effect("language proxy", "explainability.proxy_risk", "migration_background", ("language_proficiency",))
    finding = {"check": "explainability.proxy_risk", "status": "fail", "groups": ["language_proficiency"],
               "evidence": {"sensitive_feature": "migration_background"}}
    assert effect.caught_by(finding)
    assert not effect.caught_by({**finding, "status": "inconclusive"})
    assert not effect.caught_by({**finding, "groups": ["neighbourhood"]})
    assert not effect.caught_by({**finding, "evidence": {"sensitive_feature": "sex"}})
    assert not effect.caught_by({**finding, "check": "explainability.direct_use"})
    by_feature = Effect("impact ratio on channel", "bias.impact_ratio", "channel")
    assert by_feature.caught_by({"check": "bias.impact_ratio", "status": "fail", "evidence": {"feature": "channel"}})
    assert not by_feature.caught_by({"check": "bias.impact_ratio", "status": "fail", "evidence": {"feature": "sex"}})


def test_every_sample_documents_its_effects_and_the_summary_counts_them():
    assert set(EFFECTS) == {"benefits_full", "welfare_fraud_risk_full", "job_matching", "community_access_face_match",
                            "home_visit_priority"}
    runs = [{"sample": "job_matching", "seed": s, "variant": v, "verdict": verdict, "blocking": blocking,
             "caught": caught, "seconds": 1.0}
            for s, v, verdict, blocking, caught in [
                (1, "clean", "warn", [], []), (2, "clean", "inconclusive", ["bias.impact_ratio[sex] (inconclusive)"], []),
                (1, "biased", "fail", [], [e.label for e in EFFECTS["job_matching"]]),
                (2, "biased", "fail", [], [e.label for e in EFFECTS["job_matching"][1:]])]]
    summary = summarise(runs)["job_matching"]
    assert (summary["false_alarms"], summary["clean_runs"], summary["false_alarm_seeds"]) == (1, 2, [2])
    assert summary["blocking_checks"] == {"bias.impact_ratio[sex] (inconclusive)": 1}
    first = EFFECTS["job_matching"][0].label
    assert summary["detection"][first] == 1 and summary["missed_seeds"][first] == [2]
    assert all(summary["detection"][e.label] == 2 for e in EFFECTS["job_matching"][1:])


@pytest.mark.slow  # about 40 s on an idle 2-core machine (two processes): 20 builds and audits
def test_clean_samples_pass_and_every_documented_effect_is_caught():
    results = run_all(NAMES, SEEDS, quick=True, jobs=2)
    assert len(results) == len(NAMES) * len(SEEDS) * 2
    alarms = [(r["sample"], r["seed"], r["blocking"]) for r in results
              if r["variant"] == "clean" and r["verdict"] in BLOCKING]
    assert not alarms
    missed = [(r["sample"], r["seed"], e.label) for r in results if r["variant"] == "biased"
              for e in EFFECTS[r["sample"]] if e.label not in r["caught"]]
    assert not missed
