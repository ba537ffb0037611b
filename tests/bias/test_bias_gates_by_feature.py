"""Per-feature gates: ``gates_by_feature`` replaces the default gates for one feature or intersection."""

from __future__ import annotations

import pandas as pd
import pytest

from govaudit import Status
from govaudit.auditors import BiasAuditor
from govaudit.exceptions import ColumnError

# Hand counts. group A: 10 people, 6 selected, TP=4 of 5 positives; group B: 10 people, 3 selected,
# TP=2 of 5 positives. So impact ratio B/A = 0.3 / 0.6 = 0.5 and equal opportunity difference
# = 4/5 - 2/5 = 0.4. `half` (X = first 5 of each group) selects X: 5+3 = 8 of 10, Y: 1+0 = 1 of 10,
# so its impact ratio is 0.1 / 0.8 = 0.125.
HAND = pd.DataFrame(
    {
        "group": ["A"] * 10 + ["B"] * 10,
        "half": (["X"] * 5 + ["Y"] * 5) * 2,
        "y_true": [1, 1, 1, 1, 0, 0, 1, 0, 0, 0] + [1, 1, 0, 1, 1, 1, 0, 0, 0, 0],
        "y_pred": [1, 1, 1, 1, 1, 1, 0, 0, 0, 0] + [1, 1, 1, 0, 0, 0, 0, 0, 0, 0],
    }
)


def _assess(**settings):
    return BiasAuditor(min_group_size=1, n_resamples=0, **settings).assess(
        HAND.y_true, HAND.y_pred, sensitive_features=HAND[["group", "half"]]
    ).findings


def _ratio(findings, group):
    return [f for f in findings if f.check == "bias.impact_ratio" and f.groups and f.groups[0] == group]


def test_default_gates_apply_to_every_feature():
    findings = _assess()
    [b] = _ratio(findings, "B")
    [y] = _ratio(findings, "Y")
    assert b.status is Status.FAIL and b.value == pytest.approx(0.3 / 0.6)
    assert y.status is Status.FAIL and y.value == pytest.approx(0.1 / 0.8)


def test_an_empty_table_reports_the_feature_without_gating_it():
    findings = _assess(gates_by_feature={"group": {}})
    assert _ratio(findings, "B") == []  # no impact-ratio gate for `group`
    [y] = _ratio(findings, "Y")  # `half` keeps the default four-fifths gate
    assert y.status is Status.FAIL
    assert not [f for f in findings if f.status is Status.FAIL and "group" in f.message and "half" not in f.message]
    # the group's rates are still reported
    rates = [f for f in findings if f.check == "bias.group_metrics" and "group" in str(f.evidence)]
    assert rates and all(f.status is not Status.FAIL for f in rates)


def test_replacement_gates_are_judged_against_the_hand_count():
    findings = _assess(gates_by_feature={"group": {"equal_opportunity_difference": {"max": 0.5}}})
    assert _ratio(findings, "B") == []
    eod = [f for f in findings if f.check == "bias.equal_opportunity_difference"]
    assert len(eod) == 1  # only `group` carries this gate
    assert eod[0].value == pytest.approx(4 / 5 - 2 / 5)
    assert eod[0].status is Status.PASS
    strict = _assess(gates_by_feature={"group": {"equal_opportunity_difference": {"max": 0.3}}})
    [eod] = [f for f in strict if f.check == "bias.equal_opportunity_difference"]
    assert eod.status is Status.FAIL


def test_an_unknown_feature_is_a_typed_error_naming_it():
    with pytest.raises(ColumnError, match="gates_by_feature names 'grup'.*audited: group, half"):
        _assess(gates_by_feature={"grup": {}})
