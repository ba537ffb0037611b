"""What the first screen, the verdict sentence and the Markdown summary count: only met gates pass,
an accepted inconclusive gate is a warning, an unaccepted one blocks; gaps and gates read both ways."""

from __future__ import annotations

import math

from _factories import make_record

from govaudit.core import Finding, Principle, Severity, Status
from govaudit.report import render_html, render_markdown
from govaudit.report._html import _summary, verdict_lead, verdict_sentence
from govaudit.report._html_first import problems, scorecard, worst_first
from govaudit.report._i18n import load_catalogue
from govaudit.report._i18n_scores import score_message
from govaudit.report._plot_base import _errors
from govaudit.report._plot_calibration import plot_calibration

EN, ZH = load_catalogue("en"), load_catalogue("zh")


def _unjudged(accepted: str | None = None) -> Finding:
    return Finding(auditor="bias", check="bias.equalized_odds_ratio", status=Status.INCONCLUSIVE,
                   severity=Severity.MEDIUM, message="undecided", principles=(Principle.FAIRNESS,),
                   accepted=accepted)


def _reported() -> Finding:
    return Finding(auditor="bias", check="bias.group_metrics", status=Status.REPORTED, message="rates",
                   principles=(Principle.FAIRNESS,))


def _passed(principle: Principle = Principle.TRANSPARENCY) -> Finding:
    return Finding(auditor="provenance", check="provenance.hash_matches", status=Status.PASS, message="ok",
                   principles=(principle,))


def test_inconclusive_verdict_says_what_could_not_be_judged():
    record = make_record([_unjudged(), _passed()])
    assert record.verdict.value == "inconclusive"
    for t, words in ((EN, "1 gate(s) could not be judged"), (ZH, "1 项门槛无法判断")):
        sentence = verdict_sentence(record, t)
        assert words in sentence
        assert sentence != t("summary.passed", n=1, reported=0, skipped=0)
    md = render_markdown(record)
    assert "could not be judged" in md and "nothing that blocks the release" not in md


def test_reported_findings_are_not_counted_as_passed():
    record = make_record([_reported(), _passed()])
    assert verdict_sentence(record, EN).startswith("All 1 check(s) passed (1 reported without a gate, 0 skipped)")
    assert verdict_lead(record, EN, 0) == EN("first.lead.pass", checks=1)
    cards = {c["label"]: c for c in scorecard(record, EN)}
    fairness = cards["Fairness and justice"]
    assert fairness["status"] == "reported" and fairness["status_label"] == EN("status.reported")
    assert cards["Transparency"]["status"] == "pass"


def test_only_reported_findings_never_say_passed():
    record = make_record([_reported()])
    sentence = verdict_sentence(record, EN)
    assert "passed" not in sentence.split(":")[0] and sentence.startswith("No gate was checked")
    assert verdict_lead(record, EN, 0) == EN("first.lead.no_gate", checks=1)
    assert "全部" not in verdict_sentence(record, ZH)
    html = render_html(record)
    assert "checks that ran passed" not in html and EN("scorecard.pass") not in html


def test_accepted_inconclusive_is_a_warning_not_a_blocker():
    accepted = _unjudged(accepted="Too few cases of this group exist to judge the gate; reviewed by hand.")
    record = make_record([accepted, _passed()])
    assert record.verdict.value == "warn"
    assert problems(record, EN) == []
    fairness = {c["label"]: c for c in scorecard(record, EN)}["Fairness and justice"]
    assert fairness["status"] == "warn" and fairness["counts"] == "1 check(s): 0 blocking, 1 warning(s)"
    assert verdict_sentence(record, EN).startswith("No gate failed, but 1 check(s) raised a warning (Equalized")
    assert verdict_lead(record, EN, 0) == EN("first.lead.warn", warned=1, checks=2)
    # an unaccepted one still blocks
    blocked = make_record([_unjudged(), _passed()])
    assert [p["status"] for p in problems(blocked, EN)] == ["inconclusive"]
    assert {c["label"]: c for c in scorecard(blocked, EN)}["Fairness and justice"]["status"] == "fail"


def _ratio(value: float, gate: float, op: str, group: str) -> Finding:
    return Finding(auditor="bias", check="bias.impact_ratio", status=Status.FAIL, value=value, threshold=gate,
                   operator=op, groups=(group,), message="ratio",
                   evidence={"feature": "channel", "group": group, "reference": "online"})


def test_largest_gap_reads_a_ceiling_the_right_way_round():
    floor, ceiling = _ratio(0.7, 0.8, ">=", "paper"), _ratio(3.0, 1.25, "<=", "kiosk")
    assert worst_first(ceiling) < worst_first(floor)
    text = " ".join(_summary(make_record([floor, ceiling]), EN))
    assert "group kiosk" in text and "3.00 times" in text


def test_score_gate_shows_the_findings_own_operator():
    for op, shown in (("<=", "≤ 0.2"), (">=", "≥ 0.2")):
        finding = Finding(auditor="bias", check="bias.score_ks", status=Status.FAIL, value=0.1, threshold=0.2,
                          operator=op, evidence={"feature": "sex"}, message="ks")
        text = score_message(finding, ZH)
        assert text is not None and f"门槛 {shown}" in text


def test_calibration_plot_texts_and_undefined_intervals(monkeypatch):
    import govaudit.report._plot_calibration as module

    calls = []
    monkeypatch.setattr(module, "_errors", lambda rows, key: calls.append(key) or _errors(rows, key))
    rows = [{"observed_rate": 0.4, "observed_rate_ci": [math.nan, 0.5]}, {"observed_rate": 0.6}]
    assert _errors(rows, "observed_rate") == [[0.0, 0.0], [0.0, 0.0]]
    bins = [{"group": g, "mean_score": m, "observed_rate": m, "observed_rate_ci": [math.nan, math.nan]}
            for g in ("a", "b") for m in (0.2, 0.6)]
    finding = Finding(auditor="bias", check="bias.score_calibration", status=Status.REPORTED, message="cal",
                      evidence={"feature": "sex", "bins": bins,
                                "groups": [{"group": "a", "status": "compared"}, {"group": "b", "status": "compared"}]})
    plot = plot_calibration(finding, ZH)
    assert plot is not None and plot.caption.startswith("按sex划分的评分校准")
    assert "nan" not in str(plot.svg).lower()
    assert calls == ["observed_rate", "observed_rate"]  # the shared error bars, with their NaN guard
    english = plot_calibration(finding, EN)
    assert english is not None and english.caption == EN("calibration_plot.caption", feature="sex",
                                                          confidence=english.caption.split("Whiskers show ")[1]
                                                          .split(" Wilson")[0])


def test_console_sentence_counts_only_met_gates_and_accepted_warnings():
    from govaudit.report._text import verdict_sentence as console_sentence

    assert console_sentence(make_record([_reported(), _passed()])).startswith("All 1 check passed:")
    assert console_sentence(make_record([_reported()])).startswith("No gate was checked")
    accepted = _unjudged(accepted="Too few cases of this group exist to judge the gate; reviewed by hand.")
    assert console_sentence(make_record([accepted])).startswith("No gate failed, but 1 check raised a warning")
