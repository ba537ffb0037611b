"""The LL144 summary on a hand-built table: every rate and ratio equals a hand computation."""

from __future__ import annotations

import json
from fractions import Fraction

import pandas as pd
import pytest
from _profile_build import LL144_CELLS, ll144_spec, ll144_table

from govaudit.api import run_plan
from govaudit.profiles import export
from govaudit.profiles._exports import ll144_summary as ll144_summary_of
from govaudit.spec import load_spec


@pytest.fixture(scope="module")
def ll144_record(tmp_path_factory):
    folder = tmp_path_factory.mktemp("ll144")
    ll144_table().to_csv(folder / "applicants.csv", index=False)
    (folder / "audit.toml").write_text(ll144_spec())
    plan = load_spec(folder / "audit.toml")
    return run_plan(plan), plan


def hand(columns):
    """Rates and ratios by hand from the cell list: unknown = any missing part; 2% of all applicants."""
    total = sum(n for *_, n, _ in LL144_CELLS)
    cells: dict[str, list[int]] = {}
    for sex, race, n, selected in LL144_CELLS:
        parts = {"sex": sex, "race": race}
        label = " & ".join("unknown" if parts[c] is None else parts[c] for c in columns)
        cell = cells.setdefault(label, [0, 0])
        cell[0] += n
        cell[1] += selected
    unknown = {k: v for k, v in cells.items() if "unknown" in k.split(" & ")}
    known = {k: v for k, v in cells.items() if k not in unknown}
    small = {k for k, (n, _) in known.items() if Fraction(n, total) < Fraction(2, 100)}
    top = max(Fraction(s, n) for k, (n, s) in known.items() if k not in small)
    rows = {k: (n, float(Fraction(s, n)), None if k in small else float(Fraction(s, n) / top))
            for k, (n, s) in known.items()}
    return rows, small, sum(n for n, _ in unknown.values()), total


@pytest.mark.parametrize("columns", [("sex",), ("race",), ("sex", "race")])
def test_every_rate_and_ratio_equals_the_hand_count(ll144_record, columns):
    record, _ = ll144_record
    summary = ll144_summary_of(record)
    feature = " & ".join(columns)
    (section,) = [s for s in summary["selection_rates"] if s["columns"] == list(columns)]
    rows, small, unknown_count, total = hand(columns)
    assert section["total"] == total == 501
    assert section["unknown_count"] == unknown_count
    got = {c["category"]: (c["count"], c["rate"], c["impact_ratio"]) for c in section["categories"]}
    got.update({c["category"]: (c["count"], c["rate"], None) for c in section["excluded_categories"]})
    assert set(got) == set(rows), feature
    for label, (n, rate, ratio) in rows.items():
        assert got[label][0] == n
        assert got[label][1] == pytest.approx(rate, abs=1e-12)
        assert (got[label][2] is None) == (ratio is None)
        if ratio is not None:
            assert got[label][2] == pytest.approx(ratio, abs=1e-12)
    assert {c["category"] for c in section["excluded_categories"]} == small
    for c in section["excluded_categories"]:
        assert "under 2% of the audit data" in c["reason"]


def test_known_hand_figures(ll144_record):
    # written out once: sex female 115/246, male 133/245 (reference), 10 of unknown sex; native 5/501 < 2%
    summary = ll144_summary_of(ll144_record[0])
    by = {tuple(s["columns"]): s for s in summary["selection_rates"]}
    sex = {c["category"]: c for c in by[("sex",)]["categories"]}
    assert sex["female"]["rate"] == pytest.approx(115 / 246)
    assert sex["female"]["impact_ratio"] == pytest.approx((115 / 246) / (133 / 245))
    assert sex["male"]["impact_ratio"] == pytest.approx(1.0)
    assert by[("sex",)]["unknown_count"] == 10
    assert by[("race",)]["unknown_count"] == 6
    assert [c["category"] for c in by[("race",)]["excluded_categories"]] == ["native"]
    assert by[("sex", "race")]["unknown_count"] == 16


def test_summary_has_the_published_fields(ll144_record):
    record, plan = ll144_record
    text = export("ll144-summary", record, plan)
    summary = json.loads(text)
    assert summary["distribution_date"] == "2025-06-01"
    assert summary["data_source"].startswith("Historical applicants")
    assert summary["audit_date"] == record.created_at.date().isoformat()
    assert summary["small_category_rule"] == "ll144"  # filled in by the profile: the spec did not set it
    assert "P0001" not in text and '"applicant"' not in text  # aggregate only: no case ids, no case column


def test_the_run_meets_ll144(ll144_record):
    record, _ = ll144_record
    statuses = {r.id: r.status for r in record.coverage_matrix.profiles[0].requirements}
    assert set(statuses.values()) == {"met"}, statuses
    again = type(record).from_json(record.to_json())
    assert again.coverage_matrix == record.coverage_matrix


def test_without_intersection_ll144_lacks_evidence(tmp_path):
    ll144_table().to_csv(tmp_path / "applicants.csv", index=False)
    (tmp_path / "audit.toml").write_text(ll144_spec(bias="intersections = []"))
    record = run_plan(load_spec(tmp_path / "audit.toml"))
    rows = {r.id: r for r in record.coverage_matrix.profiles[0].requirements}
    assert rows["nyc-ll144/5-301/intersectional"].status == "no evidence"
    assert rows["nyc-ll144/5-301/selection-rates"].status == "met"


def test_no_bias_finding_is_a_clear_error(ll144_record):
    from govaudit.exceptions import InputDataError

    record = ll144_record[0].model_copy(update={"findings": ()})
    with pytest.raises(InputDataError, match="no bias.group_metrics"):
        ll144_summary_of(record)


def test_the_hand_table_is_what_was_audited():
    frame = ll144_table()
    assert len(frame) == 501 and frame["sex"].isna().sum() == 10 and frame["race"].isna().sum() == 6
    assert pd.Series(frame["selected"]).sum() == sum(s for *_, s in LL144_CELLS)
