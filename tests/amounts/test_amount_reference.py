"""A named reference group: only an eligible one is compared with; a misspelt one is an input error."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from govaudit import InputDataError, Status
from govaudit.amounts import AmountAuditor
from govaudit.metrics import pick_reference


@pytest.fixture(scope="module")
def cases() -> pd.DataFrame:
    rng = np.random.default_rng(5)
    group = np.array(["a"] * 200 + ["b"] * 150 + ["c"] * 12)
    return pd.DataFrame({"group": group, "paid": rng.gamma(2.0, 150.0, group.size)})


def test_a_misspelt_reference_is_an_input_error(cases):
    with pytest.raises(InputDataError, match=r"'bb' for 'group' is not in the data; groups: a, b, c"):
        AmountAuditor(reference="bb").assess(cases["paid"], sensitive_features=cases[["group"]])


def test_a_named_reference_too_small_makes_the_gates_inconclusive(cases):
    report = AmountAuditor(reference="c", min_group_size=30).assess(cases["paid"],
                                                                    sensitive_features=cases[["group"]])
    gates = [f for f in report.findings if f.check in ("amounts.mean_ratio", "amounts.above_ratio")]
    assert gates and all(f.status is Status.INCONCLUSIVE for f in gates)
    assert report.findings[0].evidence["reference"] is None
    judged_a = [f for f in gates if f.groups == ("a",)]
    assert all("'c' has fewer than the 30 cases" in f.message for f in judged_a)


def test_pick_reference_chooses_only_among_eligible_groups():
    table = pd.DataFrame({"group": ["a", "b"], "mean": [1.0, 2.0], "count": [50, 5]})
    eligible = np.array([True, False])
    assert pick_reference(table, "highest_mean", eligible) == 0
    assert pick_reference(table, "largest", eligible) == 0
    assert pick_reference(table, "a", eligible) == 0
    assert pick_reference(table, "b", eligible) is None
    with pytest.raises(InputDataError, match="'z' for 'sex'"):
        pick_reference(table, "z", eligible, "sex")


def test_a_named_reference_serves_the_features_that_have_it_and_the_others_keep_the_default(cases):
    rng = np.random.default_rng(6)
    frame = cases[["group"]].assign(region=rng.choice(["north", "south"], len(cases)))
    report = AmountAuditor(reference="a").assess(cases["paid"], sensitive_features=frame)
    table = report.by_group
    assert set(table) == {"group", "region"}
    group_ref = [f for f in report.findings if f.check == "amounts.group_amounts"]
    refs = {f.evidence["feature"]: f.evidence["reference"] for f in group_ref}
    assert refs["group"] == "a"
    means = table["region"].set_index("group")["mean"]
    assert refs["region"] == means.idxmax()  # highest_mean where no group is called 'a'
    with pytest.raises(InputDataError, match="'zz'"):
        AmountAuditor(reference="zz").assess(cases["paid"], sensitive_features=frame)
