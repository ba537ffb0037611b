"""``govaudit aia score``: the one-screen summary, --json, and one-line errors with exit code 2."""

from __future__ import annotations

import json

import pytest
from _aia_build import SMALL

from govaudit.cli import main


@pytest.fixture()
def files(tmp_path):
    (tmp_path / "survey.json").write_text(json.dumps(SMALL))
    (tmp_path / "answers.json").write_text(json.dumps(
        {"r4-RS": "item2-10", "r1": "item3-4", "r2": ["b-2"], "m1": "item2-5", "m2": ["y-3"]}))
    return tmp_path


def test_summary_names_the_level_first(files, capsys):
    assert main(["aia", "score", str(files / "survey.json"), str(files / "answers.json")]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "impact level III: total score 14 of a maximum raw score of 20"
    assert "raw risk score:   16 of 20" in lines[1]
    assert lines[2] == "mitigation score: 8 of 20 (deduction from 8: reached: total = raw less 15 %, rounded)"
    assert lines[3] == "levels: I up to 5, II up to 10, III up to 15, IV above"
    assert "scored questions answered: 5 of 7" in lines[4]
    assert all(len(line) <= 100 for line in lines) and len(lines) <= 24


def test_json_output(files, capsys):
    assert main(["aia", "score", str(files / "survey.json"), str(files / "answers.json"), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["raw_score"], data["total_score"], data["impact_level"], data["deduction_applied"]) == (16, 14, 3, True)
    assert data["points"]["r4-RS"] == 10 and data["unanswered"] == ["m3", "m4"]


@pytest.mark.parametrize("answers, message", [
    ('{"r9": "item1-0"}', "unknown question 'r9'"),
    ('{"r1": "item9-9"}', "'r1' = 'item9-9' is not one of the question's choices"),
    ("{oops", "is not valid JSON"),
])
def test_errors_are_one_line_with_exit_code_2(files, capsys, answers, message):
    (files / "bad.json").write_text(answers)
    assert main(["aia", "score", str(files / "survey.json"), str(files / "bad.json")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("govaudit: error: AIA ") and message in err and len(err.strip().splitlines()) == 1
