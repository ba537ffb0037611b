"""Dates, durations and complex numbers are not amounts or priorities: an error naming the column, not a cast."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import govaudit
from govaudit.exceptions import ColumnError
from govaudit.inputs import amount_values
from govaudit.inputs._ranking import priority_values, relevance_values

NOT_NUMBERS = {
    "dates": pd.Series(pd.date_range("2024-01-01", periods=3)),
    "dates with a time zone": pd.Series(pd.date_range("2024-01-01", periods=3, tz="UTC")),
    "date objects": [pd.Timestamp("2024-01-01"), pd.Timestamp("2024-01-02"), None],
    "durations": pd.Series(pd.to_timedelta([1, 2, 3], unit="D")),
    "complex": np.array([1 + 2j, 3.0, 4.0]),
}


@pytest.mark.parametrize("values", NOT_NUMBERS.values(), ids=NOT_NUMBERS.keys())
@pytest.mark.parametrize("check", [lambda v: amount_values(v, "column 'paid'"),
                                   lambda v: priority_values(v, "column 'paid'", kind="score"),
                                   lambda v: priority_values(v, "column 'paid'", kind="rank"),
                                   lambda v: relevance_values(v, "column 'paid'")],
                         ids=["amount", "score", "rank", "relevance"])
def test_not_numbers_are_a_column_error(values, check):
    with pytest.raises(ColumnError, match=r"column 'paid' must hold numbers .*\(expected numbers\)"):
        check(values)


@pytest.mark.parametrize("role", ["amount", "priority_score"])
def test_a_date_column_is_refused_by_the_audit(role):
    frame = pd.DataFrame({"when": pd.date_range("2024-01-01", periods=60), "sex": ["f", "m"] * 30})
    auditor = "amounts" if role == "amount" else "ranking"
    with pytest.raises(ColumnError, match=r"column 'when' must hold numbers"):
        govaudit.audit(data=frame, sensitive_features=["sex"], auditors=[auditor], **{role: "when"})


def test_negative_amounts_are_refused_once_under_the_name_given():
    from govaudit.amounts import AmountAuditor
    from govaudit.exceptions import InputDataError

    sensitive = pd.DataFrame({"sex": ["f", "m", "f"]})
    with pytest.raises(InputDataError, match=r"column 'paid' has 1 negative amount\(s\) \(the smallest -2\)"):
        AmountAuditor().analyse(np.array([10.0, -2.0, 3.0]), sensitive, name="column 'paid'")
    with pytest.raises(InputDataError, match=r"y_amount has 1 negative amount\(s\)"):
        AmountAuditor().assess([10.0, -2.0, 3.0], sensitive_features=sensitive)
    assert AmountAuditor(allow_negative=True, min_group_size=2).analyse(
        np.array([10.0, -2.0, 3.0]), sensitive, name="column 'paid'").findings
