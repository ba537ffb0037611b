"""The public transparency card: one page, the spec's [transparency] texts, small cells suppressed."""

from __future__ import annotations

import re
from textwrap import dedent

import numpy as np
import pandas as pd
import pytest

import govaudit
from govaudit.cli import main
from govaudit.report import render_card
from govaudit.report._card import suppression_limit

from _factories import make_record

TRANSPARENCY = {
    "decides": "Whether a household receives the winter heating allowance.",
    "human_review": "Ask at any benefits office or call 0800 123 456; a caseworker reviews the decision.",
    "appeal": "Write to the Appeals Board within 30 days of the decision.",
    "contact": "algorithm-register@example.gov",
}


def _record(small: int = 7, suppress_below: int = 10) -> govaudit.AuditRecord:
    rng = np.random.default_rng(5)
    n = 1200
    region = np.array(["north"] * 600 + ["south"] * (600 - small) + ["islands"] * small, dtype=object)
    y_pred = (rng.random(n) < 0.5).astype(int)
    return govaudit.audit(y_pred=y_pred, sensitive_features=pd.DataFrame({"region": region}), name="heating",
                          auditors={"bias": {"n_resamples": 0, "min_group_size": 5, "suppress_below": suppress_below}},
                          responsible={"owner": "Ministry of Energy", "approver": "Chief Data Officer"})


def _visible(html: str) -> str:
    html = re.sub(r"<style>.*?</style>", "", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_card_holds_the_citizen_facing_sections():
    text = _visible(render_card(_record(), transparency=TRANSPARENCY))
    for needle in ("What the system decides", TRANSPARENCY["decides"], "Who is responsible", "Ministry of Energy",
                   "What data it uses", "What was checked and what was found",
                   "How to ask for a human review or appeal", TRANSPARENCY["human_review"], TRANSPARENCY["appeal"],
                   TRANSPARENCY["contact"]):
        assert needle in text, needle
    assert "Auditor Not stated by the responsible body." in text


def test_small_groups_are_shown_as_fewer_than_n():
    record = _record(small=7)
    assert suppression_limit(record) == 10
    html = render_card(record)
    row = re.search(r'<th scope="row">islands</th>(.*?)</tr>', html, re.S).group(1)
    assert "fewer than 10" in row and "withheld" in row
    assert ">7<" not in row
    text = _visible(html)
    assert "Groups with fewer than 10 people are not shown in detail" in text
    # a large group's rate is shown, and equals a plain count
    frame = record.findings[0].evidence["groups"]
    north = next(r for r in frame if r["group"] == "north")
    assert f"north 600 {north['selection_rate'] * 100:.1f}%" in text


def test_suppression_follows_the_recorded_setting():
    record = _record(small=12, suppress_below=20)
    assert suppression_limit(record) == 20
    assert "fewer than 20" in render_card(record)
    assert "fewer than" not in render_card(_record(small=12, suppress_below=10))


def test_card_is_one_self_contained_page_in_chinese():
    html = render_card(make_record(), lang="zh", transparency=TRANSPARENCY)
    assert '<html lang="zh-Hans">' in html
    assert "<script" not in html and "http" not in html
    for needle in ("公开透明卡", "系统决定什么", "由谁负责", "如何申请人工复核或申诉", "未通过"):
        assert needle in html


def _spec(folder, transparency: str) -> str:
    folder.joinpath("decisions.csv").write_text("region,decision\n" + "north,1\nsouth,0\n" * 40)
    spec = folder / "audit.toml"
    spec.write_text(dedent(f"""
        [audit]
        name = "heating"
        [data]
        path = "decisions.csv"
        prediction = "decision"
        sensitive_features = ["region"]
        [auditors.bias]
        n_resamples = 0
        {transparency}
    """))
    return str(spec)


def test_card_command_reads_the_spec_transparency_section(tmp_path, capsys):
    section = "\n".join(["[transparency]"] + [f'{k} = "{v}"' for k, v in TRANSPARENCY.items()])
    spec = _spec(tmp_path, section)
    assert main(["run", spec, "--quiet", "--out", str(tmp_path / "out")]) in (0, 1)
    out = tmp_path / "card.html"
    assert main(["card", str(tmp_path / "out" / "record.json"), "--spec", spec, "--out", str(out)]) == 0
    text = _visible(out.read_text())
    assert TRANSPARENCY["appeal"] in text and TRANSPARENCY["decides"] in text


def test_unknown_transparency_key_is_a_spec_error(tmp_path, capsys):
    spec = _spec(tmp_path, '[transparency]\nappeals = "typo"')
    assert main(["run", spec, "--quiet"]) == 2
    assert "transparency.appeals" in capsys.readouterr().err


@pytest.mark.parametrize("args", [["--lang", "fr"], ["--pdf"]])
def test_card_command_bad_options(tmp_path, capsys, args):
    record = tmp_path / "record.json"
    record.write_text(make_record().to_json())
    assert main(["card", str(record), *args]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and ("fr" in err or "--out" in err)


def test_a_group_withheld_to_protect_a_smaller_one_shows_its_size_but_not_its_rate():
    record = _record(small=7)
    table = next(f for f in record.findings if f.check == "bias.group_metrics")
    rows = {r["group"]: r for r in table.evidence["groups"]}
    secondary = [g for g, r in rows.items() if r.get("suppression") in ("secondary", "linked")]
    assert rows["islands"]["suppressed"] and secondary  # one small group forces a second one to be withheld
    text = _visible(render_card(record))
    for group in secondary:
        assert re.search(rf"{group} {rows[group]['count']:,} withheld", text), text
    assert re.search(r"islands fewer than 10 withheld", text)
