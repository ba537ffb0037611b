"""Oversight rate tables, provenance tables, and the record's disclosure_control field."""

from __future__ import annotations

import json

import jsonschema
import numpy as np
import pandas as pd

from govaudit.auditors import BiasAuditor
from govaudit.core import Finding, Principle, Status
from govaudit.disclosure import DisclosureReport, protect_findings
from govaudit.metrics import encode_groups
from govaudit.oversight._config import OversightConfig
from govaudit.oversight._fairness import group_rates, rate_findings_for
from govaudit.records import AuditRecord, record_json_schema

from _attack import PublishedTable, solve
from _factories import make_record


def _oversight_findings(seed: int = 1) -> tuple[list[Finding], pd.DataFrame, dict[str, np.ndarray]]:
    rng = np.random.default_rng(seed)
    n = 400
    sex = np.array(["F"] * 6 + ["M"] * 200 + ["X"] * 194, dtype=object)
    region = rng.choice(["N", "S"], n)
    frame = pd.DataFrame({"sex": sex, "region": region})
    recommendation = rng.integers(0, 2, n)
    final = np.where(rng.random(n) < 0.15, 1 - recommendation, recommendation).astype(float)
    filed = (final == 0) & (rng.random(n) < 0.4)
    overturned = np.where(filed, (rng.random(n) < 0.5).astype(float), np.nan)
    decided = np.ones(n, dtype=bool)
    specs = group_rates(decided, decided.copy(), final, recommendation, filed, overturned)
    config = OversightConfig(sensitive_features=("sex", "region"), n_resamples=50)
    findings = rate_findings_for(specs, lambda f: encode_groups(frame, [f]), None, config)
    events = {s.rate: (s.mask, s.event) for s in specs}
    return findings, frame, events


def _rate_tables(findings: list[Finding], rate: str, what: str = "events") -> list[PublishedTable]:
    out = []
    for f in findings:
        ev = f.evidence
        if ev.get("rate") != rate or "groups" not in ev:
            continue
        cells = [(r["group"], r["cases"] or 0, r.get(what)) for r in ev["groups"]]
        out.append(PublishedTable(ev["feature"], (ev["feature"],), cells))
    return out


def test_oversight_rates_cannot_be_derived_for_a_small_group() -> None:
    raw, frame, events = _oversight_findings()
    findings, report = protect_findings(raw)
    for rate, (mask, event) in events.items():
        total = int((event & mask).sum())
        assert solve(_rate_tables(findings, rate), total).get(("sex", "F"), None) is None
    for f in findings:
        if f.evidence.get("feature") == "sex":
            rows = {r["group"]: r for r in f.evidence["groups"]}
            assert "events" not in rows["F"] and "override_rate" not in rows["F"]
            assert sum("events" not in r for r in rows.values()) >= 2
            assert f.evidence["gap_ci"] == [None, None]  # bootstrap over every group
    assert report.primary >= 3 and report.secondary >= 3


def test_sizes_of_outcome_defined_groups_are_withheld_with_them() -> None:
    raw, frame, events = _oversight_findings()
    findings, report = protect_findings(raw)
    for f in findings:
        if f.evidence.get("feature") == "sex" and f.evidence["rate"] in ("appeal_rate", "appeal_success_rate"):
            rows = {r["group"]: r for r in f.evidence["groups"]}
            assert rows["F"]["cases"] is None  # refused / decided appeals: counts of an outcome
            hidden = [g for g, r in rows.items() if r["cases"] is None]
            assert len(hidden) >= 2
            derived = solve(_rate_tables(findings, f.evidence["rate"], "cases"), f.evidence["total"])
            assert derived[("sex", "F")] is None
        if f.evidence.get("feature") == "sex" and f.evidence["rate"] == "override_rate":
            assert all(isinstance(r["cases"], int) for r in f.evidence["groups"])
    appeal = next(f for f in findings if f.evidence.get("rate") == "appeal_rate" and f.evidence["feature"] == "sex")
    success = next(f for f in findings if f.evidence.get("rate") == "appeal_success_rate"
                   and f.evidence["feature"] == "sex")
    withheld = {r["group"] for r in appeal.evidence["groups"] if "events" not in r}
    # decided appeals are appeals filed: a success group is withheld whenever its appeals are
    assert withheld <= {r["group"] for r in success.evidence["groups"] if "events" not in r}
    assert any(t.counts_withheld for t in report.tables)


def _label_rates_finding(frame: pd.DataFrame, y: np.ndarray, feature: str, threshold: int = 10) -> Finding:
    known = frame[feature].notna().to_numpy()
    rows = []
    for g, part in pd.Series(y[known]).groupby(frame[feature][known].astype(str).to_numpy()):
        rows.append({"group": g, "count": int(part.size), "rate": float(part.mean()) if part.size >= threshold else None,
                     "eligible": part.size >= 30, "suppressed": part.size < threshold})
    return Finding(auditor="provenance", check="provenance.label_base_rates", status=Status.PASS,
                   message="Label rates by group.", principles=(Principle.FAIRNESS,),
                   evidence={"table": "data", "feature": feature, "groups": rows, "unknown": int((~known).sum()),
                             "ratio": 0.9, "test": {"statistic": 1.0, "p_value": 0.3}})


def _positives(row: dict) -> int | None:
    """People with the favourable outcome, read off a bias row: true positives / true positive rate."""
    if row.get("tpr") in (None, 0) or row.get("precision") is None:
        return None
    return round(row["precision"] * row["selection_rate"] * row["count"] / row["tpr"])


def test_provenance_label_rates_join_the_bias_tables() -> None:
    rng = np.random.default_rng(4)
    sex = np.array(["F"] * 5 + ["M"] * 70 + ["X"] * 65, dtype=object)
    frame = pd.DataFrame({"sex": sex, "region": rng.choice(["N", "S", "E"], sex.size)})
    y_true, y_pred = rng.integers(0, 2, sex.size), rng.integers(0, 2, sex.size)
    bias = BiasAuditor(n_resamples=0).assess(y_true, y_pred, sensitive_features=frame).findings
    labels = [_label_rates_finding(frame, y_true, f) for f in ("sex", "region")]
    findings, _ = protect_findings([*bias, *labels])
    # an attacker reads each group's positives from the bias rows (true positive rate) or the label rates
    positives: dict[tuple[str, str], int] = {}
    for f in findings:
        for r in f.evidence.get("groups", []):
            if f.check == "bias.group_metrics" and _positives(r) is not None:
                positives[(f.evidence["feature"], r["group"])] = _positives(r)
            if f.check == "provenance.label_base_rates" and r["rate"] is not None:
                positives[(f.evidence["feature"], r["group"])] = round(r["rate"] * r["count"])
    tables = []
    for f in findings:
        if f.check == "bias.group_metrics":
            cells = [(r["group"], r["count"], positives.get((f.evidence["feature"], r["group"])))
                     for r in f.evidence["groups"]]
            tables.append(PublishedTable(f.evidence["feature"], (f.evidence["feature"],), cells))
    assert solve(tables, int(y_true.sum()))[("sex", "F")] is None
    label = next(f for f in findings if f.check == "provenance.label_base_rates" and f.evidence["feature"] == "sex")
    assert sum(r["rate"] is None for r in label.evidence["groups"]) >= 2


def test_missingness_tests_over_a_withheld_group_are_withheld() -> None:
    groups = {"F": {"count": 4, "missing_share": None}, "M": {"count": 60, "missing_share": 0.1},
              "X": {"count": 56, "missing_share": 0.3}}
    test = {"column": "income", "feature": "sex", "method": "chi-square", "statistic": 9.1, "p_value": 0.01,
            "groups": groups, "gap": 0.75, "highest": "F", "lowest": "M", "p_adjusted": 0.01, "significant": True,
            "flagged": True}
    finding = Finding(auditor="provenance", check="provenance.differential_missingness", status=Status.WARN,
                      value=0.75, threshold=0.1, operator="<=", groups=("data", "income", "sex"),
                      message="In the evaluation data, 'income' is missing for a suppressed share of 'F' ...",
                      evidence={"table": "data", "features": ["sex"], "tests": [test]})
    (out,), report = protect_findings([finding])
    shown = out.evidence["tests"][0]
    assert shown["gap"] is None and shown["statistic"] is None and shown["p_adjusted"] is None
    assert sum(g["missing_share"] is None for g in shown["groups"].values()) == 2
    assert out.value is None and "0.75" not in out.message and out.status is Status.WARN
    assert report.secondary == 1


def test_the_record_holds_the_summary_and_older_records_load() -> None:
    raw, _, _ = _oversight_findings()
    findings, report = protect_findings(raw)
    record = make_record(findings=findings).model_copy(update={"disclosure_control": report})
    document = json.loads(record.to_json())
    jsonschema.Draft202012Validator(record_json_schema()).validate(document)
    assert AuditRecord.from_json(record.to_json()).disclosure_control == report
    assert document["disclosure_control"]["threshold"] == 10
    older = make_record().model_dump(mode="json")
    older.pop("disclosure_control")
    older["schema_version"] = "1.0"
    assert AuditRecord.model_validate(older).disclosure_control is None
    assert isinstance(DisclosureReport.model_validate(document["disclosure_control"]), DisclosureReport)


def test_oversight_tables_protected_twice_change_no_more() -> None:
    raw, _, _ = _oversight_findings()
    once, first = protect_findings(raw)
    twice, second = protect_findings(once)
    assert twice == once and second.secondary == first.secondary


def test_oversight_tables_without_small_groups_are_left_alone() -> None:
    raw, frame, _ = _oversight_findings()
    large = [f for f in raw if f.evidence.get("feature") == "region"]
    findings, report = protect_findings(large)
    assert findings == large and report.tables == ()
