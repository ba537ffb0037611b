"""The provenance auditor's findings in Chinese: every shape a real run produces is worded from its evidence.

Small projects (a manifest and CSV files in ``tmp_path``) are audited by the real auditor, chosen so
that each check gives its pass, fail, warn, skipped and inconclusive shapes; every finding must be
worded in Chinese (except the shapes listed in ``LEFT_IN_ENGLISH``), with no English words other
than the data, and the main findings must quote the evidence's numbers.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import govaudit
from govaudit.core import AuditSubject, Finding, Status
from govaudit.disclosure import protect_findings
from govaudit.provenance import ProvenanceAuditor, manifest_toml, profile_table
from govaudit.records import sha256_file
from govaudit.report._i18n import localise_message
from govaudit.verdicts import fail_closed

from _i18n_checks import ZH, zh
from _provenance_cases import case_frame as _frame, source_entry

AS_OF = date(2026, 6, 30)

#: Shapes deliberately left to the auditor's English words: name -> (is this the shape?, why).
LEFT_IN_ENGLISH = {
    "unreadable table": (
        lambda f: f.check == "provenance.integrity" and f.status is Status.FAIL
        and str(f.evidence.get("mismatches", [""])[0]).startswith("the file cannot be read as a table"),
        "its first mismatch quotes the table reader's own English error (and a local path)"),
    "no manifest, run directly": (
        lambda f: f.check == "provenance.requirements" and f.status is Status.SKIPPED and not f.evidence,
        "localise_message words a skipped <auditor>.requirements itself, and only from evidence['missing'], "
        "which the auditor's own no-manifest finding has not (through an audit it has, and is worded)"),
}
#: Technical tokens a Chinese message keeps (abbreviations, the spec's keys, a p-value's letter).
KEPT = ("[manifest] path", "[data] training", "[auditors.provenance] label", "SHA-256", "URI", "IP", "p")
#: Evidence keys holding the auditor's English words, not data.
ENGLISH_KEYS = {"table", "role", "basis", "method", "looks_like", "mismatches", "problems", "correction"}
#: Names this test's projects use (data: datasets, files, columns, groups, people, sources).
NAMES = {"forms", "training_table", "evaluation_table", "train.csv", "eval.csv", "forms.csv", "decisions.csv",
         "case_id", "group", "income", "size", "label", "contact", "ghost", "ghost2", "notes", "notes.txt",
         "vendor_scores", "old_table", "risk_model", "v2", "model.skops", "mlflow_model", "census 2021", "census",
         "region", "DPO", "copy", "snapshot", "snapshot.csv", "scan", "gone", "gone.csv", "undated", "approval.by",
         "licence", "owner", "s3://bucket/scan.parquet", "collection_period.start", "collection_period.end",
         "manifest", "a", "b", "c"}


# -- projects ---------------------------------------------------------------------------------------
RANGES = {"size": {"min": 1, "max": 4}, "group": {"allowed_values": ["a", "b"]}, "label": {"allowed_values": [0, 1]}}


def _source(path: Path, *, ranges: dict | None = None, **extra) -> dict:
    ranges = RANGES if ranges is None else ranges
    columns = [{"name": c.name, "type": c.type, **ranges.get(c.name, {}), **({"sensitive": True} if c.name == "group"
                                                                            else {})}
               for c in profile_table(path).columns]
    return source_entry(path, columns, AS_OF, **extra)


def _project(folder: Path, train: pd.DataFrame | None = None, evaluation: pd.DataFrame | None = None, *,
             reference: list | None = None, edit=None, extra_files: dict | None = None,
             features: tuple[str, ...] = ("income", "size")) -> AuditSubject:
    """forms.csv, train.csv, eval.csv and manifest.toml in ``folder``; the subject an audit would build."""
    folder.mkdir(parents=True, exist_ok=True)
    train = _frame() if train is None else train
    evaluation = _frame(200, seed=1, start=10_000) if evaluation is None else evaluation
    pd.concat([train, evaluation]).to_csv(folder / "forms.csv", index=False)
    train.to_csv(folder / "train.csv", index=False)
    evaluation.to_csv(folder / "eval.csv", index=False)
    lineage = {"inputs": ["forms"], "transformation": "split 2:1", "code_version": "v1"}
    data = {"manifest_version": 1, "name": "test", "reference": reference or [], "sources": {
        "forms": _source(folder / "forms.csv"),
        "training_table": _source(folder / "train.csv", lineage=lineage),
        "evaluation_table": _source(folder / "eval.csv", lineage=lineage),
    }}
    if edit is not None:
        edit(data, folder)
    (folder / "manifest.toml").write_text(manifest_toml(data), encoding="utf-8")
    files = {"data": folder / "eval.csv", "training_data": folder / "train.csv", "manifest": folder / "manifest.toml",
             **(extra_files or {})}
    return AuditSubject(features=evaluation[list(features)], y_true=evaluation["label"].to_numpy(),
                        sensitive_features=evaluation[["group"]].reset_index(drop=True),
                        manifest_path=folder / "manifest.toml", files=files, name="test")


def _run(subject: AuditSubject, **config) -> list[Finding]:
    return ProvenanceAuditor(as_of=AS_OF, label="label", **config).run(subject)


def _model(folder: Path, content: bytes = b"model bytes v1") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "model.skops").write_bytes(content)
    return folder / "model.skops"


# -- the scenarios ----------------------------------------------------------------------------------
def _clean(folder: Path) -> list[Finding]:
    """Everything declared, approved, fresh and complete; a registered model (its label rates differ)."""
    model = _model(folder)

    def edit(data, _):
        data["model"] = {"name": "risk_model", "version": "v2", "sha256": sha256_file(model),
                         "trained_on": ["training_table"]}

    subject = _project(folder, reference=[{"feature": "group", "source": "census", "shares": {"a": 0.75, "b": 0.25}}],
                       edit=edit, extra_files={"model": model})
    grouped = ("provenance.differential_missingness", "provenance.label_base_rates")
    return _run(subject) + [f for f in _run(subject, sensitive_features=[]) if f.check in grouped] + [
        f for f in _run(subject, min_base_rate_ratio=0.5) if f.check == "provenance.label_base_rates"]


def _broken(folder: Path) -> list[Finding]:
    """Missing values by group, repeats, out-of-range values, stale and expired sources, an undeclared
    decision log, incomplete entries, a changed model, leakage and undeclared personal data."""
    train = _frame()
    a, b = np.flatnonzero(train["group"] == "a"), np.flatnonzero(train["group"] == "b")
    train.loc[np.r_[a[:15], b[:30]], "income"] = np.nan  # a: 15/300 = 5%, b: 30/100 = 30%
    train.loc[[20, 21], "size"] = 9  # above max
    train.loc[[30, 31, 32], "size"] = 0  # below min
    train.loc[[40, 41], "label"] = 2  # not an allowed value
    train["contact"] = [f"user{i}@example.org" for i in range(len(train))]  # undeclared identifier
    train = pd.concat([train, train.iloc[:3]], ignore_index=True)  # 3 exact repeats (and repeated keys)
    evaluation = pd.concat([_frame(200, seed=1, start=10_000), train.iloc[50:57].drop(columns="contact")],
                           ignore_index=True)  # 7 evaluation rows are training rows
    folder.mkdir(parents=True, exist_ok=True)
    model = _model(folder, b"model bytes v2")  # registered with the hash of v1
    log = folder / "decisions.csv"
    pd.DataFrame({"case": [1, 2]}).to_csv(log, index=False)

    def edit(data, _):
        sources = data["sources"]
        for source in sources.values():
            source["columns"] = [c for c in source["columns"] if c["name"] != "contact"]
            for c in source["columns"]:
                if c["name"] == "income":
                    c.update(personal_data=True, personal_category="financial")
        sources["forms"].update(extracted=date(2025, 1, 15), retention_days=400, supplier="Vendor Ltd",
                                approval={"by": "TODO", "date": AS_OF - timedelta(days=10)})
        sources["training_table"].update(owner="TODO")
        sources["training_table"].pop("extracted")  # aged from its collection end
        sources["evaluation_table"].update(extracted=AS_OF + timedelta(days=3), supplier="Vendor Ltd")
        data["model"] = {"name": "risk_model", "sha256": sha256_file(_model(folder / "v1")),
                         "trained_on": ["old_table"], "approval": {"by": "TODO", "date": "TODO"}}

    subject = _project(folder, train=train, evaluation=evaluation, edit=edit,
                       reference=[{"feature": "group", "source": "census 2021", "shares": {"a": 0.5, "b": 0.5}}],
                       extra_files={"model": model, "decision_log": log})
    return _run(subject)


def _integrity(folder: Path) -> list[Finding]:
    """Each kind of integrity mismatch first, sources without a file, a hash or a date, undeclared lineage."""
    train = _frame()
    a, b = np.flatnonzero(train["group"] == "a"), np.flatnonzero(train["group"] == "b")
    train.loc[np.r_[a[:6], b[:2]], "income"] = np.nan  # 2% in each group
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "notes.txt").write_text("not a table\n", encoding="utf-8")
    (folder / "mlflow_model").mkdir()

    def edit(data, folder):
        sources = data["sources"]
        lineage = {"inputs": ["forms", "vendor_scores"], "transformation": "split", "code_version": "v1"}
        sources["forms"]["columns"] += [{"name": "ghost", "type": "string"}, {"name": "ghost2", "type": "string"}]
        next(c for c in sources["forms"]["columns"] if c["name"] == "income")["type"] = "integer"
        sources["training_table"].update(rows=999, lineage=lineage)
        sources["evaluation_table"].update(lineage=lineage)
        sources["evaluation_table"]["columns"] = [{**c, "type": "string"} if c["name"] == "size" else
                                                  {k: v for k, v in c.items() if k not in ("min", "max",
                                                                                           "allowed_values")}
                                                  for c in sources["evaluation_table"]["columns"]]
        for name in ("forms", "training_table", "evaluation_table"):
            sources[name].pop("sha256")
            sources[name].pop("primary_key")
        _frame(50).to_csv(folder / "snapshot.csv", index=False)
        sources["snapshot"] = _source(folder / "snapshot.csv")
        sources["copy"] = {**_source(folder / "eval.csv"), "primary_key": None}
        sources["copy"].pop("sha256")
        sources["scan"] = {**_source(folder / "eval.csv"), "path": None, "uri": "s3://bucket/scan.parquet",
                           "retention_days": None, "columns": [{"name": "income", "type": "float",
                                                                "personal_data": True}], "primary_key": None}
        sources["gone"] = {**_source(folder / "eval.csv"), "path": "gone.csv"}
        sources["notes"] = {**_source(folder / "eval.csv"), "path": "notes.txt", "columns": [], "primary_key": None}
        sources["notes"].pop("sha256")
        sources["notes"].pop("rows")
        sources["undated"] = {**_source(folder / "eval.csv"), "extracted": None,
                              "collection_period": {"start": "TODO", "end": "TODO"}}

    subject = _project(folder, train=train, edit=edit, extra_files={"model": folder / "mlflow_model"})
    with open(folder / "snapshot.csv", "a", encoding="utf-8") as fh:  # changed after it was declared
        fh.write("K99999,a,1.0,1,1\n")
    return _run(subject)


def _small(folder: Path) -> list[Finding]:
    """Too few rows to compare base rates, a non-significant shortfall, references that match nothing,
    an unregistered model, and leakage and repeats found by whole-row hash (no key declared)."""
    train = pd.concat([_frame(20), _frame(20).iloc[[1]]], ignore_index=True)  # a: 16, b: 5; row 1 repeated
    evaluation = pd.concat([_frame(200, seed=1, start=10_000), train.iloc[:5]], ignore_index=True)

    def edit(data, _):
        for source in data["sources"].values():
            source.pop("primary_key")

    reference = [{"feature": "region", "source": "census", "shares": {"north": 0.5, "south": 0.5}},
                 {"feature": "group", "source": "census", "shares": {"a": 0.7, "b": 0.3}},
                 {"feature": "size", "source": "census", "shares": {"7": 0.5, "8": 0.5}}]
    subject = _project(folder, train=train, evaluation=evaluation, edit=edit, reference=reference,
                       extra_files={"model": _model(folder)})
    return _run(subject, min_representation_ratio=0.9) + [
        f for f in _run(subject, min_representation_ratio=0.9, max_duplicate_share=0.5, max_overlap_rows=100)
        if f.check in ("provenance.duplicates", "provenance.leakage")]


def _no_files(folder: Path) -> list[Finding]:
    """A manifest and no data file, no model and no labels: the skipped shapes."""
    subject = _project(folder, reference=[{"feature": "group", "source": "census", "shares": {"a": 0.75, "b": 0.25}}])
    bare = AuditSubject(manifest_path=subject.manifest_path, files={"manifest": subject.manifest_path}, name="test")
    return [f for f in _run(bare) if f.check in ("provenance.declared", "provenance.model_registered",
                                                  "provenance.representativeness", "provenance.label_base_rates",
                                                  "provenance.leakage")]


def _requirements(folder: Path) -> list[Finding]:
    """No manifest: skipped when run directly, inconclusive when the audit asked for the auditor."""
    subject = _project(folder)
    record = govaudit.audit(y_pred=subject.y_true, sensitive_features=subject.sensitive_features,
                            auditors=["provenance"])
    bare = ProvenanceAuditor(as_of=AS_OF).run(AuditSubject(y_true=subject.y_true, name="test"))
    return list(record.findings) + bare + fail_closed(bare)


def _withheld(folder: Path) -> list[Finding]:
    """A group of 5: disclosure control withholds the label-rate ratio and the missingness gap."""
    train = _frame()
    train.loc[[1, 2, 3, 5, 6], "group"] = "c"  # a: 295, b: 100, c: 5
    b = np.flatnonzero(train["group"] == "b")
    a = np.flatnonzero(train["group"] == "a")
    train.loc[np.r_[a[:15], b[:30]], "income"] = np.nan

    def edit(data, _):
        for source in data["sources"].values():
            for c in source["columns"]:
                c.pop("allowed_values", None)

    findings, _ = protect_findings(_run(_project(folder, train=train, edit=edit)), threshold=10)
    return findings


SCENARIOS = {"clean": _clean, "broken": _broken, "integrity": _integrity, "small": _small, "no_files": _no_files,
             "requirements": _requirements, "withheld": _withheld}


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict[str, list[Finding]]:
    root = tmp_path_factory.mktemp("provenance_zh")
    return {name: [f for f in build(root / name) if f.auditor == "provenance"] for name, build in SCENARIOS.items()}


def _one(findings: list[Finding], check: str, status: Status | None = None, group: str | None = None) -> Finding:
    chosen = [f for f in findings if f.check == f"provenance.{check}" and (status is None or f.status is status)
              and (group is None or group in f.groups)]
    assert len(chosen) == 1, [(f.check, f.status, f.groups) for f in chosen]
    return chosen[0]


def _data(finding: Finding) -> set[str]:
    """The data a Chinese message may quote as it is: names, the auditor's name, and the evidence's own
    (non-English) text."""
    out = set(NAMES) | set(finding.groups) | {finding.auditor}

    def walk(value, key: str | None = None) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                if k not in ENGLISH_KEYS:
                    out.add(str(k))
                    walk(v, k)
        elif isinstance(value, list):
            for v in value:
                walk(v, key)
        elif isinstance(value, str):
            out.add(value)
            if re.fullmatch(r"[0-9a-f]{64}", value):
                out.add(value[:12])  # a hash as the messages abbreviate it

    walk(finding.evidence)
    return out


def _english_words(text: str, data: set[str]) -> list[str]:
    text = re.sub(r"\d+(?:\.\d+)?e[-+]\d+", " ", text)  # a number in scientific notation
    for token in sorted(set(KEPT) | data, key=len, reverse=True):
        text = re.sub(rf"(?<![A-Za-z0-9_]){re.escape(token)}(?![A-Za-z0-9_])", " ", text)
    return re.findall(r"[A-Za-z]+", text)


def _left(finding: Finding) -> str | None:
    return next((name for name, (shape, _) in LEFT_IN_ENGLISH.items() if shape(finding)), None)


# -- every finding -----------------------------------------------------------------------------------
def test_every_shape_is_produced(runs):
    shapes = {(f.check.removeprefix("provenance."), f.status.value) for fs in runs.values() for f in fs}
    expected = {
        "declared": "pass fail skipped", "model_registered": "pass fail warn skipped",
        "integrity": "pass fail warn", "freshness": "pass fail warn inconclusive", "retention": "pass fail warn",
        "lineage": "pass fail", "missingness": "pass warn", "differential_missingness": "pass warn skipped",
        "duplicates": "pass warn", "out_of_range": "pass warn", "representativeness": "pass fail warn skipped",
        "label_base_rates": "pass warn skipped", "leakage": "pass fail warn skipped", "personal_data": "pass warn",
        "requirements": "skipped inconclusive",
    }
    assert {(check, s) for check, statuses in expected.items() for s in statuses.split()} <= shapes
    # every shape left in English is one a real run produces, so the list stays true
    assert {_left(f) for fs in runs.values() for f in fs} - {None} == set(LEFT_IN_ENGLISH)


def test_every_finding_is_worded_in_chinese_with_no_english_but_the_data(runs):
    worded = 0
    for name, findings in runs.items():
        for finding in findings:
            text, original = localise_message(finding, ZH)
            if _left(finding) is not None:
                assert original and text == finding.message, (name, finding.check)
                continue
            assert not original, (name, finding.check, finding.status, finding.message)
            assert re.search(r"[\u4e00-\u9fff]", text) and text != finding.message
            assert "{" not in text and "}" not in text, text
            assert not _english_words(text, _data(finding)), (name, finding.check, text, _english_words(
                text, _data(finding)))
            worded += 1
    assert worded > 150


# -- the numbers are the evidence's ------------------------------------------------------------------
def test_sources_quote_their_dates_counts_and_hashes(runs):
    broken, integrity = runs["broken"], runs["integrity"]
    stale = _one(broken, "freshness", Status.FAIL, "forms")
    assert stale.value == (AS_OF - date(2025, 1, 15)).days == 531
    assert "提取日期为 2025-01-15（审计日期 2026-06-30 之前 531 天）：超过了允许的 365 天" in zh(stale)
    fresh = _one(broken, "freshness", Status.PASS, "training_table")
    assert "收集截止日期为 2026-05-21（审计日期 2026-06-30 之前 40 天）：在允许的 365 天之内" in zh(fresh)
    assert "晚 3 天" in zh(_one(broken, "freshness", Status.INCONCLUSIVE))
    expired = _one(broken, "retention", Status.FAIL)
    assert "（提取日期 2025-01-15）应于 2026-02-19 之前删除：已超过其 400 天的保存期限" in zh(expired)

    assert "行数不同（申报 999 行，文件有 400 行）" in zh(_one(integrity, "integrity", group="training_table"))
    forms = zh(_one(integrity, "integrity", group="forms"))
    assert "申报的列 ghost 不存在（另有 1 列同样不存在）；另有 1 处不符" in forms
    assert "列 size 申报为字符串类型，但其中是整数值" in zh(_one(integrity, "integrity", group="evaluation_table"))
    changed = _one(integrity, "integrity", group="snapshot")
    ev = changed.evidence
    assert f"申报的为 {ev['declared_sha256'][:12]}…，文件的为 {ev['sha256'][:12]}…" in zh(changed)
    assert "SHA-256、600 行数据及各列均相符" in zh(_one(runs["clean"], "integrity", group="forms"))

    model = _one(broken, "model_registered")
    text = zh(model)
    assert f"其 SHA-256（{model.evidence['sha256'][:12]}…）与登记的 SHA-256（" \
           f"{model.evidence['registered_sha256'][:12]}…）不同" in text
    assert "它登记的训练数据是 old_table，而不是 training_table；" \
           "其训练数据表 old_table 未申报；其批准信息尚未填写" in text
    assert "risk_model 的 v2 版" in zh(_one(runs["clean"], "model_registered"))

    assert "已于 2026-06-20 由 DPO 批准" in zh(_one(runs["clean"], "declared", group="training_data"))
    assert "licence（第三方数据）" in zh(_one(broken, "declared", group="data"))
    assert "上游来源 forms 的文档和批准不完整（approval.by、licence（第三方数据））" in zh(_one(broken, "lineage"))
    assert "training_table、evaluation_table 派生自未申报的 vendor_scores" in zh(_one(integrity, "lineage"))
    assert "共 2 个派生步骤" in zh(_one(runs["clean"], "lineage", Status.PASS))


def test_quality_quotes_shares_counts_and_tests(runs):
    broken = runs["broken"]
    missing = _one(broken, "missingness", Status.WARN)
    assert missing.value == pytest.approx(48 / 403)  # 45 missing incomes, 3 of them repeated
    assert f"有 1 列的缺失比例超过 5%；缺失最多的是 income，缺失 {48 / 403:.1%}" in zh(missing)

    gap = _one(broken, "differential_missingness", Status.WARN)
    test = gap.evidence["tests"][0]
    b, a = test["groups"]["b"], test["groups"]["a"]
    assert (b["count"], a["count"]) == (101, 302)  # with the 3 repeated rows (1 b, 2 a)
    assert b["missing_share"] == pytest.approx(31 / 101) and a["missing_share"] == pytest.approx(17 / 302)
    assert (f"income 的缺失比例在 b 组为 {31 / 101:.1%}，在 a 组为 {17 / 302:.1%}（按group划分）；"
            f"差异在统计上显著（校正后 p = {test['p_adjusted']:.2g}）") in zh(gap)

    assert f"3 行（{3 / 403:.2%}）与之前的某一行完全相同，且键 case_id 有 3 个值重复" in \
        zh(_one(broken, "duplicates", Status.WARN))
    assert "有 7 个值超出申报的允许值或取值范围（涉及 2 列）；最多的在 size（5 个）" in \
        zh(_one(broken, "out_of_range", Status.WARN))
    assert f"有 7 行评估数据（{7 / 207:.2%}）也出现在训练数据中（按键 case_id 匹配）" in \
        zh(_one(broken, "leakage", Status.FAIL))
    assert f"有 5 行评估数据（{5 / 205:.2%}）也出现在训练数据中（按 5 个共有列的哈希值匹配），因此" in \
        zh(_one(runs["small"], "leakage", Status.WARN))
    personal = zh(_one(broken, "personal_data"))
    assert "有 1 个已申报的个人数据列未经批准即作为模型输入（income）" in personal
    assert "训练数据中的 contact 看起来像电子邮件地址，依据是其取值" in personal


def test_groups_quote_shares_ratios_and_tests(runs):
    represent = _one(runs["broken"], "representativeness", Status.FAIL)
    ev = represent.evidence
    assert ev["lowest"] == "b" and ev["n"] == 403 and represent.value == pytest.approx((101 / 403) / 0.5)
    assert (f"b（group）占全部行的 {101 / 403:.1%}，而在 census 2021 中占 50.0%：只有其参照占比的 "
            f"{(101 / 403) / 0.5:.2f}，是代表性不足最严重的群组（卡方 {ev['statistic']:.1f}，p < 0.001）"
            ) in zh(represent)
    short = _one(runs["small"], "representativeness", Status.WARN, "b")
    assert (f"占全部行的 {5 / 21:.1%}，而在 census 中占 30.0%：只有其参照占比的 {(5 / 21) / 0.3:.2f}，"
            f"是代表性不足最严重的群组（卡方 {short.evidence['statistic']:.1f}，"
            f"p = {short.evidence['p_value']:.3f}，不显著）") in zh(short)

    rates = _one(runs["broken"], "label_base_rates", Status.WARN)
    rows = {r["group"]: r for r in rates.evidence["groups"]}
    b_rate, a_rate = rows["b"]["rate"], rows["a"]["rate"]
    assert (f"记录为有利标签的比例在 b 组为 {b_rate:.1%}，在 a 组为 {a_rate:.1%}（按group划分；比值 "
            f"{b_rate / a_rate:.2f}，p < 0.001）；以这些标签训练的模型会学到这一差距") in zh(rates)
    passed = _one(runs["clean"], "label_base_rates", Status.PASS)
    assert zh(passed).endswith("p < 0.001）。") and f"比值 {passed.value:.2f}" in zh(passed)
    assert "行数达到 30 的不足两个" in zh(_one(runs["small"], "label_base_rates", Status.WARN))


def test_withheld_numbers_stay_withheld_and_the_outcome_stands(runs):
    rates = _one(runs["withheld"], "label_base_rates")
    assert rates.value is None and rates.evidence["ratio"] is None  # disclosure control withheld the ratio
    assert "比值不予公布" in zh(rates) and "该检查对照门槛 >= 0.8 的结果（警告）不变" in zh(rates)
    gap = _one(runs["withheld"], "differential_missingness", Status.WARN)
    assert gap.value is None
    text = zh(gap)
    assert "差距及其检验不予公布" in text and "门槛 <= 0.02 的结果（警告）不变" in text
    assert not re.search(r"\d+\.\d%", text)  # no share quoted


def test_requirements_and_asked_for_auditor(runs):
    asked = [f for f in runs["requirements"] if f.status is Status.INCONCLUSIVE]
    assert {bool(f.evidence) for f in asked} == {True, False}
    closing = ZH("message.asked_for")
    assert zh(next(f for f in asked if f.evidence)) == f"provenance 审计器被跳过：审计缺少 manifest。{closing}"
    assert zh(next(f for f in asked if not f.evidence)) == \
        f"数据来源审计器需要数据清单（审计规范中的 [manifest] path），但未提供。{closing}"
    assert "发布被阻止" in closing


def test_unexpected_evidence_falls_back_on_the_english_words():
    odd = Finding(auditor="provenance", check="provenance.freshness", status=Status.PASS, message="Fresh.",
                  evidence={"dataset": "x", "date": "2026-01-01", "basis": "guessed", "age_days": 3})
    assert localise_message(odd, ZH) == ("Fresh.", True)
    other = Finding(auditor="provenance", check="provenance.something_new", status=Status.PASS, message="New.")
    assert localise_message(other, ZH) == ("New.", True)


def test_the_wording_file_defines_only_provenance_messages():
    import govaudit.report

    try:
        import tomllib
    except ImportError:  # Python 3.10: tomli, a declared dependency there
        import tomli as tomllib

    path = Path(govaudit.report.__file__).parent / "locales" / "zh" / "provenance.toml"
    table = tomllib.loads(path.read_text(encoding="utf-8"))
    assert list(table) == ["message"] and list(table["message"]) == ["provenance"]
    keys = {f"message.provenance.{k}" for k in table["message"]["provenance"] if isinstance(
        table["message"]["provenance"][k], str)}
    assert len(keys) > 80 and keys <= set(ZH.messages)
