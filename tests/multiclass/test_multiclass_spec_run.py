"""The spec path end to end: `govaudit run` on a spec whose [data] names the class columns and only
[auditors.multiclass]; the reports word the checks in English and Chinese."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from rich.console import Console

from govaudit.cli import main
from govaudit.records import AuditRecord
from govaudit.report import render_html, render_junit
from govaudit.report._summary import plain_check, render_brief

SPEC = """\
[audit]
name = "case_triage"

[data]
path = "cases.csv"
sensitive_features = ["sex", "region"]
class_prediction = "track"
{truth}
[output]
dir = "reports"

[auditors.multiclass]
classes = ["no action", "letter", "interview", "investigation"]
adverse_class = "investigation"
intersectional = true
gates = {{ adverse_rate_ratio = {{ max = 1.25 }} }}
"""
CLASSES = ["no action", "letter", "interview", "investigation"]


def _folder(tmp_path: Path, extra: float, truth: bool = True, seed: int = 0) -> Path:
    rng = np.random.default_rng(seed)
    n = 20_000
    frame = pd.DataFrame({"sex": rng.choice(["f", "m"], n), "region": rng.choice(["north", "south"], n)})
    frame["right"] = rng.choice(CLASSES, n, p=[0.4, 0.3, 0.2, 0.1])
    frame["track"] = np.where(rng.random(n) < 0.8, frame["right"], rng.choice(CLASSES, n))
    frame.loc[(frame["region"] == "south") & (rng.random(n) < extra), "track"] = "investigation"
    frame.to_csv(tmp_path / "cases.csv", index=False)
    (tmp_path / "spec.toml").write_text(SPEC.format(truth='class_label = "right"\n' if truth else ""))
    return tmp_path


def _record(folder: Path) -> dict:
    return json.loads((folder / "reports" / "record.json").read_text())


def test_a_clean_triage_passes_and_the_record_holds_the_matrices(tmp_path):
    folder = _folder(tmp_path, extra=0.0)
    assert main(["run", str(folder / "spec.toml"), "--quiet"]) == 0
    record = _record(folder)
    tables = [f for f in record["findings"] if f["check"] == "multiclass.confusion"]
    assert [t["evidence"]["feature"] for t in tables] == ["sex", "region", "sex & region"]
    frame = pd.read_csv(folder / "cases.csv")
    row = next(r for r in tables[0]["evidence"]["groups"] if r["group"] == "f")
    women = frame[frame["sex"] == "f"]
    assert row["matrix"][3][1] == int(((women["right"] == "investigation") & (women["track"] == "letter")).sum())
    assert row["predicted"] == [int((women["track"] == c).sum()) for c in CLASSES]


def test_a_region_sent_to_investigation_more_often_fails_the_release(tmp_path):
    folder = _folder(tmp_path, extra=0.1)
    assert main(["run", str(folder / "spec.toml"), "--quiet"]) == 1
    failed = {(f["check"], f["groups"][0]) for f in _record(folder)["findings"] if f["status"] == "fail"}
    assert ("multiclass.adverse_rate_ratio", "south") in failed


def test_without_the_true_class_the_classes_decided_are_still_audited(tmp_path):
    folder = _folder(tmp_path, extra=0.0, truth=False)
    assert main(["run", str(folder / "spec.toml"), "--quiet"]) == 0
    table = next(f for f in _record(folder)["findings"] if f["check"] == "multiclass.confusion")
    assert table["evidence"]["truth"] is False and table["evidence"]["groups"][0]["matrix"] is None


@pytest.mark.parametrize("edit, message", [
    (lambda s: s.replace('class_prediction = "track"', 'class_prediction = "lane"'),
     "column 'lane' (class pred) not found"),
    (lambda s: s.replace('"interview", "investigation"]', '"investigation"]'), "not among the classes given"),
    (lambda s: s.replace('adverse_class = "investigation"', 'adverse_class = "prison"'),
     "'prison' is not among the classes"),
])
def test_a_bad_spec_or_class_exits_2_with_one_line(tmp_path, capsys, edit, message):
    folder = _folder(tmp_path, extra=0.0)
    spec = folder / "spec.toml"
    spec.write_text(edit(spec.read_text()))
    assert main(["run", str(spec), "--quiet"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and message in err[0] and "Traceback" not in err[0]


def test_the_reports_word_every_check(tmp_path):
    folder = _folder(tmp_path, extra=0.1)
    main(["run", str(folder / "spec.toml"), "--quiet"])
    record = AuditRecord.model_validate(_record(folder))
    english, chinese = render_html(record, lang="en"), render_html(record, lang="zh")
    assert "Confusion matrix of each group by region" in english and "Classes decided by group" in english
    assert "按region划分的各群体混淆矩阵" in chinese and "各群体的分类结果" in chinese
    assert english.count("<svg") >= 6  # class shares and confusion heatmaps for each grouping
    junit = render_junit(record)
    assert 'classname="multiclass.adverse_rate_ratio"' in junit or "multiclass.adverse_rate_ratio" in junit
    console = Console(record=True, width=80)
    render_brief(record, console)
    text = console.export_text()
    assert plain_check("multiclass.adverse_rate_ratio") in text
    assert plain_check("multiclass.adverse_rate_ratio") == "a group is sent to the harshest track more often"
