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


def _frame(cases: pd.DataFrame) -> pd.DataFrame:
    rng = np.random.default_rng(6)
    return cases[["group"]].assign(region=rng.choice(["north", "south"], len(cases)))


def test_reference_groups_name_each_groupings_reference(cases):
    frame = _frame(cases)
    auditor = AmountAuditor(reference_groups={"group": "b", "region": "south"}, intersectional=True)
    report = auditor.assess(cases["paid"], sensitive_features=frame)
    refs = {f.evidence["feature"]: f.evidence["reference"] for f in report.findings if f.check == "amounts.group_amounts"}
    both = report.by_group["group & region"]
    means = both[both["count"] >= 30].set_index("group")["mean"]  # among the groups large enough
    assert refs == {"group": "b", "region": "south", "group & region": means.idxmax()}  # the rest: highest_mean
    # the ratios are to the named group, counted by hand
    paid = cases["paid"].to_numpy()
    north = paid[frame["region"].to_numpy() == "north"].mean() / paid[frame["region"].to_numpy() == "south"].mean()
    gate = next(f for f in report.findings if f.check == "amounts.mean_ratio" and f.groups == ("north",))
    assert gate.value == pytest.approx(north, rel=1e-12)
    a = paid[cases["group"].to_numpy() == "a"].mean() / paid[cases["group"].to_numpy() == "b"].mean()
    assert next(f for f in report.findings if f.check == "amounts.mean_ratio" and f.groups == ("a",)).value == \
        pytest.approx(a, rel=1e-12)


def test_reference_groups_override_reference_and_bad_names_are_input_errors(cases):
    frame = _frame(cases)
    report = AmountAuditor(reference="largest", reference_groups={"region": "north"}).assess(
        cases["paid"], sensitive_features=frame)
    refs = {f.evidence["feature"]: f.evidence["reference"] for f in report.findings if f.check == "amounts.group_amounts"}
    assert refs == {"group": "a", "region": "north"}  # 'a' is the largest group
    with pytest.raises(InputDataError, match=r"reference_groups names 'sex', which is not a compared feature or "
                                             r"intersection; compared: group, region"):
        AmountAuditor(reference_groups={"sex": "f"}).assess(cases["paid"], sensitive_features=frame)
    with pytest.raises(InputDataError, match=r"'east' for 'region' is not in the data; groups: north, south"):
        AmountAuditor(reference_groups={"region": "east"}).assess(cases["paid"], sensitive_features=frame)


def test_a_too_small_reference_group_is_named_where_it_applies(cases):
    frame = _frame(cases)
    report = AmountAuditor(reference_groups={"group": "c"}, min_group_size=30).assess(
        cases["paid"], sensitive_features=frame)
    by_feature = {}
    for f in report.findings:
        if f.check == "amounts.mean_ratio":
            by_feature.setdefault(f.evidence["feature"], []).append(f)
    compared = [f for f in by_feature["group"] if f.groups != ("c",)]
    assert [f.groups for f in compared] == [("a",), ("b",)]
    assert all(f.status is Status.INCONCLUSIVE and "the reference group 'c' has fewer than the 30 cases" in f.message
               for f in compared)
    assert not any("reference group" in f.message for f in by_feature["region"])
