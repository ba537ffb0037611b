"""Classes named as numbers match the data's classes, bad shapes are typed errors, and a group's name
cannot change a finding's status."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from govaudit.auditors import MultiClassAuditor
from govaudit.core import Status
from govaudit.exceptions import InputDataError
from govaudit.metrics import code_classes


def _cases(n: int = 2_000, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.choice([0, 1, 2], n), rng.choice(["north", "south"], n)


def test_a_group_named_warning_does_not_make_the_table_a_warning():
    decided, region = _cases()
    region = np.where(region == "north", "Warning list", "Ordinary list")
    report = MultiClassAuditor(adverse_class="2").assess(decided, sensitive_features=pd.Series(region, name="list"))
    table = next(f for f in report.findings if f.check == "multiclass.confusion")
    assert "Warning list" in table.message  # named in the range of shares ...
    assert table.status is Status.REPORTED  # ... yet every group is judged


def test_a_group_that_cannot_be_judged_still_warns():
    decided, region = _cases()
    region = region.astype(object)
    region[:15] = "islands"  # 15 cases, below min_group_size = 30
    report = MultiClassAuditor(adverse_class="2").assess(decided, sensitive_features=pd.Series(region, name="r"))
    table = next(f for f in report.findings if f.check == "multiclass.confusion")
    assert table.status is Status.WARN and "'islands' (15 cases) cannot be judged" in table.message


def test_classes_given_as_floats_match_integer_data():
    decided, region = _cases()
    auditor = MultiClassAuditor(adverse_class=2.0, classes=[0.0, 1.0, 2.0], n_resamples=0)
    assert auditor.config.classes == ("0", "1", "2") and auditor.config.adverse_class == "2"
    report = auditor.assess(decided, sensitive_features=pd.Series(region, name="region"))
    assert report.classes == ("0", "1", "2")
    gate = next(f for f in report.findings if f.check == "multiclass.adverse_rate_ratio")
    assert gate.evidence["class"] == "2"


@pytest.mark.parametrize("values", [np.zeros((4, 2)), [[0, 1], [1, 2]], pd.DataFrame({"a": [0, 1], "b": [1, 2]}),
                                    np.int64(3)])
def test_classes_not_one_dimensional_are_a_typed_error(values):
    with pytest.raises(InputDataError, match=r"y_class_pred must be one-dimensional; got shape \("):
        code_classes(values, "y_class_pred")


def test_a_class_gate_on_a_class_not_in_the_data_is_a_typed_error():
    decided, region = _cases()
    auditor = MultiClassAuditor(adverse_class="2", class_gates={"7": {"rate_ratio": {"max": 1.5}}})
    with pytest.raises(InputDataError, match="'7'"):
        auditor.assess(decided, sensitive_features=pd.Series(region, name="region"))
