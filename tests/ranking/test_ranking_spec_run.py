"""The spec path end to end: `govaudit run` on a generated queue whose [data] names a priority score or a rank,
with only [auditors.ranking]; and `govaudit.audit()` with the same columns."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import numpy as np
import pandas as pd
import pytest

import govaudit
from govaudit.cli import main

SPEC = """\
[audit]
name = "inspection_queue"

[data]
path = "queue.csv"
sensitive_features = ["background", "sex"]
{order}
relevance = "problem_found"

[output]
dir = "reports"

[auditors.ranking]
capacities = {capacities}
intersectional = true
gates = {{ top_k_share_ratio = {{ min = 0.8, max = 1.25 }}, exposure_ratio = {{ min = 0.8, max = 1.25 }}, precision_at_k_ratio = {{ min = 0.8 }} }}
"""


def _queue(seed: int, push: float, n: int = 3000) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({"background": rng.choice(["none", "eu", "non_eu"], n, p=[0.6, 0.25, 0.15]),
                          "sex": rng.choice(["f", "m"], n)})
    frame["risk"] = (rng.normal(size=n) + push * (frame["background"] == "non_eu")).round(2)  # ties
    frame["place"] = frame["risk"].rank(ascending=False, method="min").astype(int)
    frame["problem_found"] = (rng.random(n) < 0.3).astype(int)
    return frame


def _folder(tmp_path: Path, push: float, order: str = 'priority_score = "risk"', seed: int = 0, n: int = 3000,
            capacities: str = "[150, 0.25]") -> Path:
    _queue(seed, push, n).to_csv(tmp_path / "queue.csv", index=False)
    (tmp_path / "spec.toml").write_text(SPEC.format(order=order, capacities=capacities))
    return tmp_path


def _record(folder: Path) -> dict:
    return json.loads((folder / "reports" / "record.json").read_text())


def test_a_fair_queue_passes_and_the_record_holds_the_group_table(tmp_path):
    # enough cases that a fair queue's figures land inside the bands, not only short of failing them
    folder = _folder(tmp_path, push=0.0, n=40_000, capacities="[4000, 0.3]")
    html, junit = tmp_path / "report.html", tmp_path / "junit.xml"
    code = main(["run", str(folder / "spec.toml"), "--quiet", "--html", str(html), "--junit", str(junit)])
    record = _record(folder)
    assert code == 0, [f["message"] for f in record["findings"] if f["status"] not in ("pass", "reported")]
    jsonschema.Draft202012Validator(govaudit.record_json_schema()).validate(record)
    tables = [f for f in record["findings"] if f["check"] == "ranking.group_shares"]
    assert [t["evidence"]["feature"] for t in tables] == ["background", "sex", "background & sex"]
    frame = pd.read_csv(folder / "queue.csv")
    top = frame.nlargest(4000, "risk", keep="all")
    row = next(r for r in tables[0]["evidence"]["groups"] if r["group"] == "eu" and r["k"] == 4000)
    clear = top[top["risk"] > top["risk"].min()]  # cases above the tie at the cut are in for sure
    assert (clear["background"] == "eu").sum() <= row["in_top"] <= (top["background"] == "eu").sum()
    assert row["count"] == int((frame["background"] == "eu").sum())
    assert [c["k"] for c in tables[0]["evidence"]["capacities"]] == [4000, 12_000]
    page = html.read_text()
    assert "Share of each group by background among the first cases of the queue" in page
    assert "Priority queues acted on to a capacity" in page
    cases = [c.get("name") for c in ET.parse(junit).getroot().iter("testcase")]
    assert sum("ranking.top_k_share_ratio" in (n or "") for n in cases) >= 3 * 2


def test_a_queue_pushing_a_group_up_fails_the_release(tmp_path):
    folder = _folder(tmp_path, push=0.8)
    assert main(["run", str(folder / "spec.toml"), "--quiet"]) == 1
    failed = {(f["check"], f["groups"][0]) for f in _record(folder)["findings"] if f["status"] == "fail"}
    assert ("ranking.top_k_share_ratio", "non_eu") in failed and ("ranking.exposure_ratio", "non_eu") in failed


def test_a_rank_column_gives_the_same_figures_as_the_score(tmp_path):
    by_score = _folder(tmp_path / "s", push=0.8) if (tmp_path / "s").mkdir() is None else None
    by_rank = _folder(tmp_path / "r", push=0.8, order='rank = "place"') if (tmp_path / "r").mkdir() is None else None
    for folder in (by_score, by_rank):
        main(["run", str(folder / "spec.toml"), "--quiet"])
    tables = [[f["evidence"]["groups"] for f in _record(folder)["findings"] if f["check"] == "ranking.group_shares"]
              for folder in (by_score, by_rank)]
    assert tables[0] == tables[1]


def test_audit_takes_the_queue_and_capacities(tmp_path):
    frame = _queue(1, push=0.8)
    record = govaudit.audit(data=frame, sensitive_features=["background"], priority_score="risk",
                            relevance="problem_found", capacities=[200])
    assert {f.auditor for f in record.findings} == {"ranking"}
    failed = {(f.check, f.groups[0]) for f in record.findings if f.status.value == "fail"}
    assert ("ranking.top_k_share_ratio", "non_eu") in failed
    given = govaudit.audit(sensitive_features=frame[["background"]], y_rank=frame["place"],
                           auditors={"ranking": {"capacities": [200]}})
    assert [f.value for f in given.findings if f.check == "ranking.top_k_share_ratio"] == \
        [f.value for f in record.findings if f.check == "ranking.top_k_share_ratio"]


@pytest.mark.parametrize("edit, message", [
    (("risk", "high"), "column 'risk' must hold numbers (priority score)"),
    (("risk", ""), "column 'risk' has 1 missing or infinite value(s)"),
    (("problem_found", 2), "column 'problem_found' must hold relevance 0 or 1"),
])
def test_bad_queue_values_exit_2_with_one_line(tmp_path, capsys, edit, message):
    folder = _folder(tmp_path, push=0.0)
    frame = pd.read_csv(folder / "queue.csv")
    column, value = edit
    frame[column] = frame[column].astype(object)
    frame.loc[3, column] = value
    frame.to_csv(folder / "queue.csv", index=False)
    assert main(["run", str(folder / "spec.toml"), "--quiet"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and message in err[0] and "Traceback" not in err[0]


@pytest.mark.parametrize("change, message", [
    (('priority_score = "risk"', 'priority_score = "risk"\nrank = "place"'), "rank"),
    (("capacities = [150, 0.25]", "capacities = [0]"), "capacit"),
    (("capacities = [150, 0.25]", "capacities = [1.5]"), "share must be in (0, 1]"),
    (('priority_score = "risk"', 'priority_score = "riskiness"'), "column 'riskiness' (priority score) not found"),
])
def test_a_bad_spec_exits_2_naming_the_field(tmp_path, capsys, change, message):
    folder = _folder(tmp_path, push=0.0)
    spec = folder / "spec.toml"
    spec.write_text(spec.read_text().replace(*change))
    assert main(["run", str(spec), "--quiet"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and message in err[0], err
