"""as_binary and group_counts: validation, containers, and a hand-counted table."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from govaudit.exceptions import InputDataError
from govaudit.metrics import GroupCounts, as_binary, encode_groups, group_counts, rates_from_counts

# A table counted by hand. Columns: group, y_true, y_pred.
HAND_ROWS = [
    ("A", 1, 1),
    ("A", 1, 1),
    ("A", 1, 0),
    ("A", 0, 1),
    ("A", 0, 0),
    ("A", 0, 0),
    ("A", 0, 0),
    ("A", 1, 1),
    ("B", 1, 0),
    ("B", 1, 0),
    ("B", 1, 1),
    ("B", 0, 0),
    ("B", 0, 1),
    ("B", 0, 1),
    ("B", 0, 0),
    ("B", 1, 0),
    ("B", 0, 0),
    ("B", 0, 0),
]
# A: TP = 3 (rows 1, 2, 8), FN = 1 (row 3), FP = 1 (row 4), TN = 3 (rows 5-7); n = 8
# B: TP = 1 (row 11), FN = 3 (rows 9, 10, 16), FP = 2 (rows 13, 14), TN = 4; n = 10
HAND_COUNTS = [[3, 1, 1, 3], [4, 2, 3, 1]]  # [TN, FP, FN, TP]
HAND_RATES = {
    "count": [8, 10],
    "share": [8 / 18, 10 / 18],
    "selection_rate": [4 / 8, 3 / 10],
    "tpr": [3 / 4, 1 / 4],
    "fpr": [1 / 4, 2 / 6],
    "fnr": [1 / 4, 3 / 4],
    "tnr": [3 / 4, 4 / 6],
    "precision": [3 / 4, 1 / 3],
    "accuracy": [6 / 8, 5 / 10],
    # A: PP = 4, PN = 4, label_pos = 4; B: PP = 3, PN = 7, label_pos = 4; 7 positive decisions in all
    "ppr": [4 / 7, 3 / 7],
    "prevalence": [4 / 8, 4 / 10],
    "npv": [3 / 4, 4 / 7],
    "fdr": [1 / 4, 2 / 3],
    "for": [1 / 4, 3 / 7],
}


def _hand_columns():
    group, y_true, y_pred = (list(col) for col in zip(*HAND_ROWS))
    return group, y_true, y_pred


def test_hand_counted_table() -> None:
    group, y_true, y_pred = _hand_columns()
    table = group_counts(y_pred, encode_groups(group), y_true=y_true)
    assert isinstance(table, GroupCounts)
    assert table.labels == ("A", "B")
    assert table.counts.dtype == np.int64
    np.testing.assert_array_equal(table.counts, HAND_COUNTS)
    assert table.has_labels
    np.testing.assert_array_equal(table.n, [8, 10])
    np.testing.assert_array_equal(table.selected, [4, 3])
    assert table.total == 18
    rates = rates_from_counts(table.counts)
    assert list(rates) == [
        "count", "share", "selection_rate", "ppr", "prevalence", "tpr", "fpr", "fnr", "tnr", "precision", "npv",
        "fdr", "for", "accuracy",
    ]
    for name, expected in HAND_RATES.items():
        np.testing.assert_allclose(rates[name], expected, err_msg=name)


def test_hand_counted_table_without_labels() -> None:
    group, _, y_pred = _hand_columns()
    table = group_counts(y_pred, encode_groups(group))
    assert not table.has_labels
    np.testing.assert_array_equal(table.counts, [[4, 4], [7, 3]])
    np.testing.assert_array_equal(table.selected, [4, 3])
    rates = rates_from_counts(table.counts)
    assert set(rates) == {"count", "share", "selection_rate", "ppr"}
    np.testing.assert_allclose(rates["selection_rate"], [0.5, 0.3])
    np.testing.assert_allclose(rates["ppr"], [4 / 7, 3 / 7])


def test_counts_match_a_row_loop_on_random_data(data) -> None:
    enc = encode_groups(data["sensitive"])
    table = group_counts(data["y_pred"], enc, y_true=data["y_true"])
    cells = 2 * data["y_true"] + data["y_pred"]
    frame = pd.DataFrame({"g": enc.codes, "cell": cells})
    expected = pd.crosstab(frame["g"], frame["cell"]).reindex(
        index=range(enc.n_groups), columns=range(4), fill_value=0
    )
    np.testing.assert_array_equal(table.counts, expected.to_numpy())
    assert table.total == len(cells)


def test_groups_present_in_encoding_but_empty_stay_zero() -> None:
    enc = encode_groups(["a", "b", "c"])
    table = group_counts(np.array([1, 0, 1]), enc, y_true=np.array([1, 1, 0]))
    np.testing.assert_array_equal(table.n, [1, 1, 1])


# --- as_binary ---------------------------------------------------------------------------------

CONTAINERS = {
    "list": lambda v: list(v),
    "numpy": lambda v: np.asarray(v),
    "series": lambda v: pd.Series(v),
    "dataframe_column": lambda v: pd.DataFrame({"y": v})["y"],
}


@pytest.mark.parametrize("container", list(CONTAINERS), ids=list(CONTAINERS))
@pytest.mark.parametrize(
    "values",
    [[0, 1, 1, 0], [0.0, 1.0, 1.0, 0.0], [False, True, True, False]],
    ids=["int", "float", "bool"],
)
def test_as_binary_containers(container: str, values: list) -> None:
    out = as_binary(CONTAINERS[container](values), "y_pred")
    assert out.dtype == np.int8
    np.testing.assert_array_equal(out, [0, 1, 1, 0])


@pytest.mark.parametrize("container", list(CONTAINERS), ids=list(CONTAINERS))
def test_as_binary_with_favourable_label(container: str) -> None:
    values = CONTAINERS[container](["granted", "denied", "granted"])
    out = as_binary(values, "y_pred", positive="granted")
    np.testing.assert_array_equal(out, [1, 0, 1])


@pytest.mark.parametrize(
    "series",
    [
        pd.Series([0, 1, 1], dtype="Int64"),
        pd.Series([False, True, True], dtype="boolean"),
        pd.Series(pd.Categorical([0, 1, 1])),
        pd.Series([0, 1, 1], dtype="uint8"),
    ],
    ids=["Int64", "boolean", "categorical", "uint8"],
)
def test_as_binary_pandas_dtypes(series: pd.Series) -> None:
    np.testing.assert_array_equal(as_binary(series, "y_true"), [0, 1, 1])


def test_as_binary_categorical_with_favourable_label() -> None:
    s = pd.Series(pd.Categorical(["no", "yes", "no"], categories=["yes", "no"]))
    np.testing.assert_array_equal(as_binary(s, "y", positive="yes"), [0, 1, 0])


def test_as_binary_numeric_favourable_label() -> None:
    np.testing.assert_array_equal(as_binary(np.array([2, 5, 5]), "y", positive=5), [0, 1, 1])
    np.testing.assert_array_equal(as_binary(np.array([-1, 1]), "y", positive=1), [0, 1])


def test_as_binary_single_value_is_allowed() -> None:
    # Nobody (or everybody) selected is a result to audit, not an input error.
    np.testing.assert_array_equal(as_binary([0, 0, 0], "y_pred"), [0, 0, 0])
    np.testing.assert_array_equal(as_binary(["no", "no"], "y_pred", positive="yes"), [0, 0])
    np.testing.assert_array_equal(as_binary(np.array([7, 7]), "y_pred", positive=7), [1, 1])


# --- errors ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "values",
    [
        [0, 1, np.nan],
        [0, None, 1],
        pd.Series([1, None, None], dtype="Int64"),
        np.array([1.0, np.nan, np.nan]),
    ],
    ids=["list-nan", "list-none", "Int64", "numpy"],
)
def test_missing_values_are_refused(values: object) -> None:
    n = int(pd.isna(pd.Series(values)).sum())
    with pytest.raises(InputDataError, match=rf"y_pred has {n} missing value\(s\)"):
        as_binary(values, "y_pred")


@pytest.mark.parametrize(
    ("values", "n", "examples"),
    [
        (["yes", "no", "yes"], 2, r"\['yes', 'no'\]"),
        (np.array([0, 1, 2]), 3, r"\[0, 1, 2\]"),
        (np.array([0.0, 0.5, 1.0]), 3, r"\[0.0, 0.5, 1.0\]"),
        (pd.Series(range(7)), 7, r"\[0, 1, 2, 3, 4, \.\.\.\]"),
        (["1", "0"], 2, r"\['1', '0'\]"),
    ],
    ids=["strings", "three-ints", "fraction", "many", "digit-strings"],
)
def test_non_binary_values_are_refused(values: object, n: int, examples: str) -> None:
    with pytest.raises(
        InputDataError,
        match=(
            rf"y_true must be binary .* found {n} distinct values: {examples}; "
            "pass the favourable label"
        ),
    ):
        as_binary(values, "y_true")


def test_favourable_label_must_be_one_of_two_values() -> None:
    msg = r"positive='yes'; found 2 distinct values: \['Y', 'N'\]"
    with pytest.raises(InputDataError, match=msg):
        as_binary(["Y", "N"], "y_pred", positive="yes")
    with pytest.raises(InputDataError, match=r"positive=1; found 3 distinct values: \[0, 1, 2\]"):
        as_binary(np.array([0, 1, 2]), "y_pred", positive=1)


@pytest.mark.parametrize(
    "values",
    [np.zeros((3, 2)), [[0, 1], [1, 0]], pd.DataFrame({"a": [0, 1]})],
    ids=["numpy-2d", "nested-list", "dataframe"],
)
def test_two_dimensional_input_is_refused(values: object) -> None:
    msg = r"y_pred must be one-dimensional; got shape \(\d+, \d+\)"
    with pytest.raises(InputDataError, match=msg):
        as_binary(values, "y_pred")


def test_length_mismatch_names_every_input() -> None:
    enc = encode_groups(["a", "b", "a"])
    with pytest.raises(
        InputDataError,
        match=r"y_pred=2, sensitive_features=3, y_true=3; y_pred, y_true and sensitive_features",
    ):
        group_counts([0, 1], enc, y_true=[0, 1, 1])
    with pytest.raises(InputDataError, match=r"y_pred=3, sensitive_features=3, y_true=4"):
        group_counts([0, 1, 1], enc, y_true=[0, 1, 1, 0])


def test_group_counts_validates_its_inputs() -> None:
    enc = encode_groups(["a", "b"])
    with pytest.raises(InputDataError, match="y_true must be binary"):
        group_counts([0, 1], enc, y_true=[0, 2])
    with pytest.raises(InputDataError, match=r"y_pred has 1 missing"):
        group_counts([0, np.nan], enc)
