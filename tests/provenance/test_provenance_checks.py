"""Each provenance check on small hand-made projects; every statistic against a hand count or scipy."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.stats import chi2, chisquare

import govaudit
from govaudit.provenance._quality import holm, missingness_test
from govaudit.provenance._auditor import CHECKS, ProvenanceAuditor
from govaudit.core import AuditSubject, Status
from govaudit.metrics import two_proportion_test
from govaudit.provenance import manifest_toml
from govaudit.provenance._profile import profile_table
from govaudit.records import sha256_file
from govaudit.testing import check_auditor
from _provenance_cases import case_frame as _frame, source_entry

AS_OF = date(2026, 6, 30)


def _columns(path: Path, *, personal: tuple[str, ...] = (), sensitive: tuple[str, ...] = ("group",),
             ranges: dict | None = None) -> list[dict]:
    ranges = ranges if ranges is not None else {"size": {"min": 1, "max": 4}, "group": {"allowed_values": ["a", "b"]}}
    cols = []
    for c in profile_table(path).columns:
        entry = {"name": c.name, "type": c.type, **ranges.get(c.name, {})}
        if c.name in personal:
            entry.update(personal_data=True, personal_category="financial")
        if c.name in sensitive:
            entry["sensitive"] = True
        cols.append(entry)
    return cols


def _source(path: Path, folder: Path, **extra) -> dict:
    return source_entry(path, _columns(path), AS_OF, **extra)


def project(folder: Path, train: pd.DataFrame | None = None, evaluation: pd.DataFrame | None = None, *,
            reference: list | None = None, edit=None, features: tuple[str, ...] = ("income", "size"),
            extra_files: dict | None = None) -> AuditSubject:
    """Write forms.csv, train.csv, eval.csv and manifest.toml; return the subject an audit would build."""
    train = _frame() if train is None else train
    evaluation = _frame(200, seed=1, start=10_000) if evaluation is None else evaluation
    forms = pd.concat([train, evaluation])
    forms.to_csv(folder / "forms.csv", index=False)
    train.to_csv(folder / "train.csv", index=False)
    evaluation.to_csv(folder / "eval.csv", index=False)
    lineage = {"inputs": ["forms"], "transformation": "split 2:1", "code_version": "v1"}
    data = {
        "manifest_version": 1, "name": "test",
        "sources": {
            "forms": _source(folder / "forms.csv", folder),
            "training_table": _source(folder / "train.csv", folder, lineage=lineage),
            "evaluation_table": _source(folder / "eval.csv", folder, lineage=lineage),
        },
        "reference": reference or [],
    }
    if edit is not None:
        edit(data)
    (folder / "manifest.toml").write_text(manifest_toml(data), encoding="utf-8")
    files = {"data": folder / "eval.csv", "training_data": folder / "train.csv", "manifest": folder / "manifest.toml",
             **(extra_files or {})}
    return AuditSubject(
        features=evaluation[list(features)], y_true=evaluation["label"].to_numpy(),
        sensitive_features=evaluation[["group"]].reset_index(drop=True), manifest_path=folder / "manifest.toml",
        files=files, name="test",
    )


def run(subject: AuditSubject, **config) -> list:
    return ProvenanceAuditor(as_of=AS_OF, label="label", **config).run(subject)


def by_check(findings: list, check: str) -> list:
    return [f for f in findings if f.check == f"provenance.{check}"]


def one(findings: list, check: str, group: str | None = None):
    chosen = [f for f in by_check(findings, check) if group is None or group in f.groups]
    assert len(chosen) == 1, [(f.check, f.groups) for f in chosen]
    return chosen[0]


# -- a clean project --------------------------------------------------------------------------------
def test_clean_project_passes_every_check(tmp_path):
    findings = run(project(tmp_path, reference=[{"feature": "group", "source": "census",
                                                  "shares": {"a": 0.75, "b": 0.25}}]))
    assert {f.check.split(".")[1] for f in findings} >= {name for name, _ in CHECKS} - {"model_registered"}
    for f in findings:
        if f.check == "provenance.model_registered":
            assert f.status is Status.SKIPPED
        elif f.check == "provenance.label_base_rates":
            assert f.status is Status.WARN  # the hand-made labels differ by group on purpose: 0.5 vs 0.3
        else:
            assert f.status is Status.PASS, (f.check, f.message)
        assert f.auditor == "provenance" and f.message and f.references


def test_runs_through_the_public_api_and_blocks_when_asked_for_without_a_manifest(tmp_path):
    subject = project(tmp_path)
    record = govaudit.audit(y_pred=subject.y_true, y_true=subject.y_true, sensitive_features=subject.sensitive_features,
                            manifest=subject.manifest_path, auditors={"provenance": {"as_of": AS_OF.isoformat()}})
    assert any(f.check == "provenance.integrity" and f.status is Status.PASS for f in record.findings)
    record = govaudit.audit(y_pred=subject.y_true, sensitive_features=subject.sensitive_features,
                            auditors=["provenance"])
    # asked for but unable to run: inconclusive (fail closed), not a silent skip
    assert [(f.check, f.status) for f in record.findings] == [("provenance.requirements", Status.INCONCLUSIVE)]
    assert record.verdict is govaudit.Verdict.INCONCLUSIVE


def test_conformance_kit(tmp_path):
    check_auditor(ProvenanceAuditor, project(tmp_path))


# -- declared, approved, lineage --------------------------------------------------------------------
def test_undeclared_file_fails_naming_it(tmp_path):
    log = tmp_path / "decisions.csv"
    pd.DataFrame({"case": [1, 2]}).to_csv(log, index=False)
    findings = run(project(tmp_path, extra_files={"decision_log": log}))
    f = one(findings, "declared", "decision_log")
    assert f.status is Status.FAIL and "decisions.csv is not declared" in f.message


def test_declared_by_hash_when_the_path_differs(tmp_path):
    subject = project(tmp_path)
    copy = tmp_path / "copy_of_eval.csv"
    copy.write_bytes((tmp_path / "eval.csv").read_bytes())
    subject = AuditSubject(**{**subject.__dict__, "files": {**subject.files, "data": copy}})
    f = one(run(subject), "declared", "data")
    assert f.status is Status.PASS and f.evidence["dataset"] == "evaluation_table"


def test_todo_fields_are_incomplete_not_passing(tmp_path):
    def edit(data):
        data["sources"]["training_table"]["owner"] = "TODO"
        data["sources"]["forms"]["approval"] = {"by": "TODO", "date": "TODO"}

    findings = run(project(tmp_path, edit=edit))
    f = one(findings, "declared", "training_data")
    assert f.status is Status.FAIL and "owner" in f.message
    lineage = one(findings, "lineage")
    assert lineage.status is Status.FAIL and "'forms' is not fully documented and approved" in lineage.message
    assert lineage.evidence["unapproved_upstream"] == ["forms"]


def test_third_party_source_needs_a_licence(tmp_path):
    def edit(data):
        data["sources"]["forms"]["supplier"] = "Vendor Ltd"

    lineage = one(run(project(tmp_path, edit=edit)), "lineage")
    assert lineage.status is Status.FAIL and "licence (third-party data)" in lineage.message


def test_undeclared_lineage_input_fails_by_name(tmp_path):
    def edit(data):
        data["sources"]["training_table"]["lineage"]["inputs"] = ["forms", "vendor_scores"]

    f = one(run(project(tmp_path, edit=edit)), "lineage")
    assert f.status is Status.FAIL and "vendor_scores" in f.message and f.groups == ("vendor_scores",)


# -- integrity --------------------------------------------------------------------------------------
def test_modified_file_fails_integrity_naming_sha256_first(tmp_path):
    subject = project(tmp_path)
    with open(tmp_path / "train.csv", "a") as fh:
        fh.write("K99999,a,1.0,1,1\n")
    f = one(run(subject), "integrity", "training_table")
    assert f.status is Status.FAIL
    assert "sha256 differs" in f.message and "1 more mismatch" in f.message
    assert f.evidence["mismatches"][1] == "row count differs (declared 400, file 401)"


def test_schema_mismatches_are_named(tmp_path):
    def edit(data):
        cols = data["sources"]["forms"]["columns"]
        cols[2]["type"] = "integer"  # income holds floats
        cols.append({"name": "ghost", "type": "string"})
        data["sources"]["forms"].pop("sha256")

    f = one(run(project(tmp_path, edit=edit)), "integrity", "forms")
    assert f.status is Status.FAIL
    assert f.evidence["mismatches"] == ["declared column 'ghost' is absent",
                                        "column 'income' is declared integer but holds float values"]


def test_missing_file_unhashed_source_and_uri_only(tmp_path):
    def edit(data):
        data["sources"]["forms"]["path"] = "gone.csv"
        data["sources"]["training_table"].pop("sha256")
        data["sources"]["extra"] = {**data["sources"]["evaluation_table"], "path": None,
                                    "uri": "s3://bucket/x.parquet", "lineage": None}

    findings = run(project(tmp_path, edit=edit))
    assert one(findings, "integrity", "forms").status is Status.FAIL
    assert "gone.csv does not exist" in one(findings, "integrity", "forms").message
    assert one(findings, "integrity", "training_table").status is Status.WARN
    assert one(findings, "integrity", "extra").status is Status.WARN


# -- model registration -----------------------------------------------------------------------------
def test_model_hash_is_compared_with_the_registration(tmp_path):
    model = tmp_path / "model.skops"
    model.write_bytes(b"model bytes v1")
    registration = {"name": "m", "version": "1", "sha256": sha256_file(model), "trained_on": ["training_table"]}

    def register(data):
        data["model"] = dict(registration)

    ok = one(run(project(tmp_path, edit=register, extra_files={"model": model})), "model_registered")
    assert ok.status is Status.PASS
    model.write_bytes(b"model bytes v2")
    changed = one(run(project(tmp_path, edit=register, extra_files={"model": model})), "model_registered")
    assert changed.status is Status.FAIL and "differs from the registered one" in changed.message
    unregistered = one(run(project(tmp_path, extra_files={"model": model})), "model_registered")
    assert unregistered.status is Status.FAIL and "not registered" in unregistered.message
    folder = tmp_path / "mlflow_model"
    folder.mkdir()
    assert one(run(project(tmp_path, extra_files={"model": folder})), "model_registered").status is Status.WARN


# -- freshness and retention ------------------------------------------------------------------------
def test_freshness_and_retention_against_the_audit_date(tmp_path):
    def edit(data):
        data["sources"]["forms"]["extracted"] = date(2025, 1, 15)
        data["sources"]["forms"]["retention_days"] = 400
        data["sources"]["training_table"].pop("extracted")  # falls back on the collection end

    findings = run(project(tmp_path, edit=edit), max_age_days=365)
    stale = one(findings, "freshness", "forms")
    assert stale.status is Status.FAIL and stale.value == (AS_OF - date(2025, 1, 15)).days == 531
    fresh = one(findings, "freshness", "training_table")
    assert fresh.status is Status.PASS and fresh.value == 40 and fresh.evidence["basis"] == "collected until"
    expired = one(findings, "retention", "forms")
    assert expired.status is Status.FAIL and expired.evidence["expires"] == "2026-02-19"  # 2025-01-15 + 400 days


def test_a_source_dated_after_the_audit_date_is_inconclusive_not_fresh(tmp_path):
    def edit(data):
        data["sources"]["forms"]["extracted"] = AS_OF + timedelta(days=3)

    future = one(run(project(tmp_path, edit=edit)), "freshness", "forms")
    assert future.status is Status.INCONCLUSIVE and future.value is None
    assert "3 days after the audit date" in future.message and future.evidence["age_days"] == -3


def test_personal_data_without_a_retention_period_warns(tmp_path):
    def edit(data):
        data["sources"]["forms"]["retention_days"] = None
        data["sources"]["forms"]["columns"][2].update(personal_data=True)

    assert one(run(project(tmp_path, edit=edit)), "retention", "forms").status is Status.WARN


# -- quality ----------------------------------------------------------------------------------------
def _with_missing(n_a_missing: int, n_b_missing: int) -> pd.DataFrame:
    frame = _frame()
    a, b = np.flatnonzero(frame["group"] == "a"), np.flatnonzero(frame["group"] == "b")
    frame.loc[np.r_[a[:n_a_missing], b[:n_b_missing]], "income"] = np.nan
    return frame


def test_differential_missingness_matches_hand_counts_and_the_z_test(tmp_path):
    train = _with_missing(15, 30)  # a: 15/300 = 5%, b: 30/100 = 30%
    findings = run(project(tmp_path, train=train))
    f = one(findings, "differential_missingness", "training_data")
    assert f.status is Status.WARN and "'income'" in f.message and "30.0% of 'b'" in f.message
    test = f.evidence["tests"][0]
    # Pearson chi-square on the 2x2 table by hand
    observed = np.array([[285, 15], [70, 30]], dtype=float)
    expected = observed.sum(1, keepdims=True) * observed.sum(0, keepdims=True) / observed.sum()
    statistic = ((observed - expected) ** 2 / expected).sum()
    assert test["statistic"] == pytest.approx(statistic)
    assert test["p_value"] == pytest.approx(chi2.sf(statistic, 1))
    z = two_proportion_test(30, 100, 15, 300)  # the same test as the squared two-proportion z
    assert test["statistic"] == pytest.approx(z.statistic ** 2)
    assert test["gap"] == pytest.approx(0.25)
    assert one(findings, "missingness", "training_data").status is Status.WARN  # 45/400 > 5%


def test_missing_at_random_is_not_flagged(tmp_path):
    train = _with_missing(6, 2)  # 2% in each group
    f = one(run(project(tmp_path, train=train)), "differential_missingness", "training_data")
    assert f.status is Status.PASS


def test_missingness_test_uses_fisher_for_small_tables():
    method, statistic, p = missingness_test(np.array([1, 0, 0, 0, 1, 1, 1, 0], bool), np.array(list("aaaabbbb")))
    from scipy.stats import fisher_exact

    expected = fisher_exact([[3, 1], [1, 3]])
    assert method == "fisher exact" and p == pytest.approx(expected.pvalue)


def test_holm_adjustment_by_hand():
    # sorted p: 0.01, 0.02, 0.04 with m = 3 -> 0.03, max(0.03, 0.04) = 0.04, max(0.04, 0.04) = 0.04
    assert holm([0.04, 0.01, float("nan"), 0.02]) == pytest.approx([0.04, 0.03, float("nan"), 0.04], nan_ok=True)


def test_duplicates_and_out_of_range_are_counted(tmp_path):
    train = _frame()
    train = pd.concat([train, train.iloc[:3]], ignore_index=True)  # 3 exact repeats (and repeated keys)
    train.loc[10:13, "group"] = "c"  # 4 values outside allowed_values
    train.loc[20:21, "size"] = 9  # 2 above max
    findings = run(project(tmp_path, train=train))
    dup = one(findings, "duplicates", "training_data")
    assert dup.status is Status.WARN and dup.evidence["repeated_rows"] == 3 and dup.evidence["repeated_keys"] == 3
    assert dup.value == pytest.approx(3 / 403)
    oor = one(findings, "out_of_range", "training_data")
    assert oor.status is Status.WARN and oor.evidence["out_of_range"] == {"group": 4, "size": 2}
    assert "'group' (4)" in oor.message


def test_repeats_within_a_limit_pass_and_say_how_many(tmp_path):
    train = _frame()
    train = pd.concat([train, train.iloc[:3].assign(case_id=["R1", "R2", "R3"])], ignore_index=True)
    train = pd.concat([train, train.iloc[:1]], ignore_index=True)  # one exact repeat (its key repeats too)
    evaluation = pd.concat([_frame(200, seed=1, start=10_000), train.iloc[:2]], ignore_index=True)

    def edit(data):
        for source in data["sources"].values():
            source.pop("primary_key")

    findings = run(project(tmp_path, train=train, evaluation=evaluation, edit=edit), max_duplicate_share=0.05,
                   max_overlap_rows=5)
    dup = one(findings, "duplicates", "training_data")
    assert dup.status is Status.PASS and dup.evidence["repeated_rows"] == 1
    assert "has 1 repeated row(s) (0.25%), within the limit of 5.00%." in dup.message
    leak = one(findings, "leakage")
    assert leak.status is Status.PASS and leak.value == 2
    assert leak.message.startswith("2 evaluation row(s) (0.99%), within the limit of 5, appear in the training data")  # 2 of 202


# -- representativeness and base rates ----------------------------------------------------------------
def test_representativeness_chi_square_by_hand_and_largest_shortfall_named(tmp_path):
    reference = [{"feature": "group", "source": "census 2021", "shares": {"a": 0.5, "b": 0.5}}]
    f = one(run(project(tmp_path, reference=reference)), "representativeness")
    observed, expected = np.array([300, 100]), np.array([200, 200])
    statistic = ((observed - expected) ** 2 / expected).sum()  # 50 + 50
    assert f.evidence["statistic"] == pytest.approx(statistic) == pytest.approx(chisquare(observed, expected).statistic)
    assert f.evidence["p_value"] == pytest.approx(chi2.sf(100.0, 1))
    assert f.status is Status.FAIL and f.groups == ("group", "b") and f.value == pytest.approx(0.25 / 0.5)
    assert "'b' (group) makes up 25.0% of rows against 50.0% in census 2021" in f.message


def test_representativeness_shortfall_without_significance_warns(tmp_path):
    reference = [{"feature": "group", "source": "census", "shares": {"a": 0.7, "b": 0.3}}]
    small = _frame(20)  # 15 a, 5 b: b's share 0.25 is 0.83 of 0.3; under a 0.9 floor, but not significant
    f = one(run(project(tmp_path, train=small, reference=reference), min_representation_ratio=0.9),
            "representativeness")
    assert f.status is Status.WARN and f.value == pytest.approx(0.25 / 0.3)
    assert f.evidence["p_value"] == pytest.approx(chisquare([15, 5], [14, 6]).pvalue) and f.evidence["p_value"] > 0.05


def test_label_base_rates_chi_square_by_hand(tmp_path):
    train = _frame()
    f = one(run(project(tmp_path, train=train)), "label_base_rates", "group")
    counts = pd.crosstab(train["group"], train["label"]).loc[["a", "b"], [1, 0]].to_numpy()
    rates = counts[:, 0] / counts.sum(1)
    observed = counts.astype(float)
    expected = observed.sum(1, keepdims=True) * observed.sum(0, keepdims=True) / observed.sum()
    assert f.evidence["test"]["statistic"] == pytest.approx(((observed - expected) ** 2 / expected).sum())
    assert f.value == pytest.approx(rates.min() / rates.max())
    assert f.evidence["table"] == "training_data"


def test_label_base_rates_fall_back_on_evaluation_labels(tmp_path):
    subject = project(tmp_path)
    f = one(ProvenanceAuditor(as_of=AS_OF).run(subject), "label_base_rates")
    assert f.evidence["table"] == "data"


# -- leakage ----------------------------------------------------------------------------------------
def test_leakage_by_key_fails_with_the_overlap_count(tmp_path):
    train = _frame()
    evaluation = pd.concat([_frame(200, seed=1, start=10_000), train.iloc[:7]], ignore_index=True)
    f = one(run(project(tmp_path, train=train, evaluation=evaluation)), "leakage")
    assert f.status is Status.FAIL and f.value == 7 and f.evidence["method"] == "key 'case_id'"


def test_leakage_by_row_hash_without_a_key_warns(tmp_path):
    train = _frame()
    evaluation = pd.concat([_frame(200, seed=1, start=10_000), train.iloc[:5]], ignore_index=True)

    def edit(data):
        for source in data["sources"].values():
            source.pop("primary_key")

    f = one(run(project(tmp_path, train=train, evaluation=evaluation, edit=edit)), "leakage")
    assert f.status is Status.WARN and f.value == 5 and f.evidence["method"].startswith("hash")


# -- personal data ----------------------------------------------------------------------------------
def test_personal_data_warns_by_column_and_never_records_values(tmp_path):
    train = _frame()
    train["contact"] = [f"user{i}@example.org" for i in range(len(train))]  # undeclared

    def edit(data):
        for source in data["sources"].values():
            source["columns"] = [c for c in source["columns"] if c["name"] != "contact"]
            for c in source["columns"]:
                if c["name"] == "income":
                    c.update(personal_data=True, personal_category="financial")
        data["sources"]["training_table"].pop("sha256")
        data["sources"]["forms"].pop("sha256")

    subject = project(tmp_path, train=train, edit=edit)
    f = one(run(subject), "personal_data")
    assert f.status is Status.WARN and f.groups == ("income", "contact")
    assert "'contact' in the training data looks like a e-mail address" in f.message
    record = govaudit.audit(y_pred=subject.y_true, sensitive_features=subject.sensitive_features,
                            manifest=subject.manifest_path, auditors={"provenance": {"as_of": AS_OF.isoformat()}})
    assert "example.org" not in record.to_json()
    allowed = one(run(subject, allow_personal_features=["income"]), "personal_data")
    assert allowed.groups == ("contact",)


# -- bad manifests stop the run ---------------------------------------------------------------------
def test_bad_manifest_stops_the_run_with_one_line(tmp_path, capsys):
    from govaudit.cli import main
    from govaudit.provenance import ManifestError

    def edit(data):
        data["sources"]["forms"]["sha256"] = "not-a-hash"

    subject = project(tmp_path, edit=edit)
    with pytest.raises(ManifestError, match=r"\[sources\.forms\.sha256\]"):
        ProvenanceAuditor().run(subject)
    spec = tmp_path / "audit.toml"
    spec.write_text('[audit]\nname = "t"\n[data]\npath = "eval.csv"\nprediction = "label"\n'
                    'sensitive_features = ["group"]\n[manifest]\npath = "manifest.toml"\n'
                    '[auditors.provenance]\n', encoding="utf-8")
    assert main(["run", str(spec), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "sha256 must be 64 lower-case hexadecimal characters" in err
