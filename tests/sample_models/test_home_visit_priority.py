"""The home-visit priority sample: the queue over-visits one group beyond its need, the allowance under-pays another."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import govaudit
from govaudit.cli import main
from sample_models.home_visit_priority import (CAPACITY, generate_cases, load_model, priority_scores, queue,
                                               top_k_shares)
from sample_models.home_visit_priority.__main__ import main as build

REPO = Path(__file__).resolve().parents[2]
NAME = "home_visit_priority"


def _audit(tmp_path: Path, *flags: str) -> tuple[int, govaudit.AuditRecord]:
    art = tmp_path / "artifacts"
    assert build(["--rows", "10000", "--history", "20000", "--out", str(art), *flags]) == 0
    text = (REPO / "audits" / f"{NAME}.toml").read_text()
    text = text.replace(f"../sample_models/{NAME}/artifacts/", "artifacts/").replace(f"../reports/{NAME}", "reports")
    spec = tmp_path / "spec.toml"
    spec.write_text(text)
    code = main(["run", str(spec), "--quiet"])
    return code, govaudit.AuditRecord.from_json((tmp_path / "reports" / "record.json").read_bytes())


def test_the_queue_visits_the_top_capacity_and_ranks_ties_by_case_order():
    rank, visited = queue(np.array([0.2, 0.9, 0.5, 0.9, 0.1]), capacity=0.4)
    assert rank.tolist() == [4, 1, 3, 2, 5]
    assert visited.tolist() == [0, 1, 0, 1, 0]


def test_top_k_shares_against_a_hand_count():
    groups = np.array(["a", "a", "b", "b", "b", "c"])
    rank = np.array([1, 4, 2, 5, 6, 3])
    need = np.array([1, 0, 1, 1, 0, 0])
    table = top_k_shares(groups, rank, 3, need).set_index("group")
    assert table.loc["a", "share_top_k"] == pytest.approx(1 / 3) and table.loc["a", "share_all"] == pytest.approx(2 / 6)
    assert table.loc["b", "top_k_over_all"] == pytest.approx((1 / 3) / (3 / 6))
    assert table.loc["b", "top_k_over_need"] == pytest.approx((1 / 3) / (2 / 3))
    assert table.loc["c", "share_of_need"] == 0.0 and np.isnan(table.loc["c", "top_k_over_need"])


def test_need_and_amounts_due_do_not_depend_on_the_groups():
    frame = generate_cases(60_000, seed=4)
    assert frame.groupby("migration_background")["need_found"].mean().agg(lambda s: s.max() - s.min()) < 0.02
    due = frame.groupby("caregiver_sex")["allowance_due"].mean()
    assert due["male"] / due["female"] == pytest.approx(1.0, abs=0.02)
    paid = frame.groupby("caregiver_sex")["allowance_paid"].mean()
    assert paid["male"] / due["male"] == pytest.approx(0.85, abs=0.005)
    clean = generate_cases(60_000, seed=4, bias=False)
    assert (clean["allowance_paid"] - clean["allowance_due"]).abs().gt(0).mean() == pytest.approx(0.03, abs=0.005)


@pytest.mark.slow
def test_injected_effects_are_found(tmp_path):
    code, record = _audit(tmp_path)
    assert code == 1
    failed = {(f.check, f.evidence.get("feature"), f.groups[0]) for f in record.findings
              if f.status is govaudit.Status.FAIL and f.groups}
    for check, feature, group in [("bias.selection_rate_ratio", "migration_background", "non_eu"),
                                  ("bias.fpr_ratio", "migration_background", "non_eu"),
                                  ("ranking.top_k_share_ratio", "migration_background", "non_eu"),
                                  ("ranking.exposure_ratio", "migration_background", "non_eu"),
                                  ("amounts.mean_ratio", "caregiver_sex", "male"),
                                  ("amounts.underpaid_share", "caregiver_sex", "male"),
                                  ("amounts.group_mae", "caregiver_sex", "male")]:
        assert (check, feature, group) in failed, check
    assert not any(c.startswith("bias.") and f == "caregiver_sex" for c, f, _ in failed)
    # the recorded figures against the data: the selection rate ratio and the under-paid share by hand
    cases = pd.read_parquet(tmp_path / "artifacts" / "cases.parquet")
    assert cases["visited"].sum() == round(CAPACITY * len(cases))
    rates = cases.groupby("migration_background")["visited"].mean()
    ratio = next(f for f in record.findings if f.check == "bias.selection_rate_ratio" and f.groups[0] == "non_eu")
    assert ratio.value == pytest.approx(rates["non_eu"] / rates["none"])
    male = cases[cases["caregiver_sex"] == "male"]
    under = next(f for f in record.findings if f.check == "amounts.underpaid_share" and f.groups == ("male",))
    assert under.value == pytest.approx(((male["allowance_paid"] - male["allowance_due"]) < -10).mean())
    # the queue's top 10 %: non_eu's share of it over its share of the caseload, by hand
    share = next(f for f in record.findings if f.check == "ranking.top_k_share_ratio" and f.groups == ("non_eu",)
                 and f.evidence["capacity"] == "10 %")
    top = cases.nsmallest(round(CAPACITY * len(cases)), "priority_rank")
    by_hand = (top["migration_background"] == "non_eu").mean() / (cases["migration_background"] == "non_eu").mean()
    assert share.value == pytest.approx(by_hand)
    # the saved model gives the recorded scores, and the scores the recorded ranks
    trusted = json.loads((tmp_path / "artifacts" / "trusted_types.json").read_text())
    model = load_model(tmp_path / "artifacts" / "model.skops", trusted)
    np.testing.assert_allclose(priority_scores(model, cases), cases["priority_score"], rtol=1e-12)
    assert (queue(cases["priority_score"].to_numpy())[0] == cases["priority_rank"].to_numpy()).all()


@pytest.mark.slow
def test_clean_variant_passes_every_gate(tmp_path):
    code, record = _audit(tmp_path, "--no-bias")
    assert code == 0
    assert not [f for f in record.findings if f.status in (govaudit.Status.FAIL, govaudit.Status.ERROR,
                                                            govaudit.Status.INCONCLUSIVE)]
