"""The spec path end to end: `govaudit run` on a spec whose [data] names an amount column and only [auditors.amounts]."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from govaudit.cli import main

SPEC = """\
[audit]
name = "benefit_amounts"

[data]
path = "cases.csv"
sensitive_features = ["sex", "region"]
amount = "paid"
{truth}
[output]
dir = "reports"

[auditors.amounts]
intersectional = true
gates = {{ mean_ratio = {{ min = 0.9 }}, above_ratio = {{ min = 0.8 }}, max_underpaid_share = 0.2 }}
underpaid_tolerance = 5.0
"""


def _folder(tmp_path: Path, shortfall: float, truth: bool = True, seed: int = 0) -> Path:
    rng = np.random.default_rng(seed)
    n = 1200
    frame = pd.DataFrame({"sex": rng.choice(["f", "m"], n), "region": rng.choice(["north", "south"], n)})
    due = rng.gamma(3.0, 100.0, n).round(2)
    frame["due"] = due
    frame["paid"] = (due * np.where(frame["region"] == "south", shortfall, 1.0)).round(2)
    frame.to_csv(tmp_path / "cases.csv", index=False)
    (tmp_path / "spec.toml").write_text(SPEC.format(truth='amount_true = "due"\n' if truth else ""))
    return tmp_path


def _record(folder: Path) -> dict:
    return json.loads((folder / "reports" / "record.json").read_text())


def test_fair_amounts_pass_and_the_record_holds_the_group_table(tmp_path):
    folder = _folder(tmp_path, shortfall=1.0)
    assert main(["run", str(folder / "spec.toml"), "--quiet"]) == 0
    record = _record(folder)
    tables = [f for f in record["findings"] if f["check"] == "amounts.group_amounts"]
    assert [t["evidence"]["feature"] for t in tables] == ["sex", "region", "sex & region"]
    frame = pd.read_csv(folder / "cases.csv")
    row = next(r for r in tables[0]["evidence"]["groups"] if r["group"] == "f")
    assert row["mean"] == pytest.approx(frame.loc[frame["sex"] == "f", "paid"].mean())
    assert row["count"] == int((frame["sex"] == "f").sum())


def test_a_region_paid_less_fails_the_release(tmp_path):
    folder = _folder(tmp_path, shortfall=0.7)
    assert main(["run", str(folder / "spec.toml"), "--quiet"]) == 1
    failed = {(f["check"], f["groups"][0]) for f in _record(folder)["findings"] if f["status"] == "fail"}
    assert ("amounts.mean_ratio", "south") in failed and ("amounts.underpaid_share", "south") in failed


def test_an_error_gate_without_the_correct_amount_blocks_as_inconclusive(tmp_path):
    folder = _folder(tmp_path, shortfall=1.0, truth=False)
    assert main(["run", str(folder / "spec.toml"), "--quiet"]) == 1
    statuses = {f["check"]: f["status"] for f in _record(folder)["findings"] if f["check"] == "amounts.underpaid_share"}
    assert statuses == {"amounts.underpaid_share": "inconclusive"}


@pytest.mark.parametrize("value, message", [("twelve", "column 'paid' must hold numbers"),
                                            ("", "column 'paid' has 1 missing or infinite amount"),
                                            ("-5", "column 'paid' has 1 negative amount(s) (the smallest -5)")])
def test_a_bad_amount_exits_2_with_one_line(tmp_path, capsys, value, message):
    folder = _folder(tmp_path, shortfall=1.0)
    frame = pd.read_csv(folder / "cases.csv")
    frame["paid"] = frame["paid"].astype(object)
    frame.loc[3, "paid"] = value
    frame.to_csv(folder / "cases.csv", index=False)
    assert main(["run", str(folder / "spec.toml"), "--quiet"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and message in err[0] and "Traceback" not in err[0]


def test_a_missing_amount_column_is_named(tmp_path, capsys):
    folder = _folder(tmp_path, shortfall=1.0)
    spec = folder / "spec.toml"
    spec.write_text(spec.read_text().replace('amount = "paid"', 'amount = "payment"'))
    assert main(["run", str(spec), "--quiet"]) == 2
    assert "column 'payment' (amount) not found" in capsys.readouterr().err
