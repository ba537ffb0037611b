"""The bias auditor reads each column once and counts every grouping in one pass; its findings, group
tables and disparities equal those built from a row-by-row reference of the groups and counts, on
random data of every dtype (missing values, values that print the same, unused categories...)."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from _group_reference import columns, confusion_counts, intersection_groups
from govaudit.bias import BiasAuditor
from govaudit.bias._auditor import _by_group, _check_min_group_size, _disparity_table
from govaudit.bias._findings import grouping_findings
from govaudit.exceptions import InputDataError
from govaudit.metrics import GroupCounts, GroupEncoding, analyse_counts, judge_significance

GROUPINGS = [("a", ("a",)), ("b", ("b",)), ("a & b", ("a", "b"))]
#: findings of the score audit and the fairness trade-off (tested in tests/bias/test_scores*.py)
SCORE_CHECKS = {"bias.score_calibration", "bias.score_discrimination", "bias.fairness_tradeoff"}


def _reference(config, frame: pd.DataFrame, y_true: np.ndarray, y_pred: np.ndarray, y_score: np.ndarray | None):
    """Analyses from the reference groups and counts, judged by the auditor's own rules."""
    analyses = []
    above = None if y_score is None else (y_score > np.median(y_score)).astype(int)
    for feature, cols in GROUPINGS:
        labels, codes = intersection_groups([frame[c] for c in cols])
        encoding = GroupEncoding(np.asarray(codes, dtype=np.int64), labels, cols)
        decisions = GroupCounts(labels, confusion_counts(codes, len(labels), y_pred, y_true))
        scores = None if above is None else GroupCounts(labels, confusion_counts(codes, len(labels), above))
        n = np.bincount(codes, minlength=len(labels))
        analyses.append(analyse_counts(feature, encoding, n, decisions, scores, config))
    return analyses


def _dump(findings) -> str:
    return json.dumps([f.model_dump(mode="json") for f in findings], sort_keys=True)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_findings_tables_and_disparities_equal_the_reference(data: st.DataObject) -> None:
    n = data.draw(st.integers(2, 60))
    frame = pd.DataFrame({"a": data.draw(columns(n)), "b": data.draw(columns(n))})
    binary = st.lists(st.integers(0, 1), min_size=n, max_size=n)
    y_true, y_pred = np.array(data.draw(binary), dtype=np.int8), np.array(data.draw(binary))
    assume(0 < y_true.sum() < n)  # one observed class is refused before any counting
    y_score = data.draw(st.one_of(st.none(), st.lists(st.floats(0, 1), min_size=n, max_size=n).map(np.array)))
    auditor = BiasAuditor(intersectional=True, n_resamples=30, min_group_size=data.draw(st.sampled_from([1, 4])),
                          suppress_below=data.draw(st.sampled_from([0, 3])))
    analyses = _reference(auditor.config, frame, y_true, y_pred, y_score)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            report = auditor.assess(y_true, y_pred, sensitive_features=frame, y_score=y_score)
        except InputDataError as error:
            with pytest.raises(InputDataError, match="min_group_size") as expected:
                _check_min_group_size(analyses, auditor.config)
            assert str(error) == str(expected.value)
            return
    findings = judge_significance([f for a in analyses for f in grouping_findings(a, auditor.config)])
    assert _dump([f for f in report.findings if f.check not in SCORE_CHECKS]) == _dump(findings)
    tables = _by_group(analyses)
    assert list(report.by_group) == list(tables)
    for name, table in tables.items():
        pd.testing.assert_frame_equal(report.by_group[name], table)
    pd.testing.assert_frame_equal(report.disparities, _disparity_table(analyses))
