"""encode_groups: labels, ordering, missing values, intersections, limits and errors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import govaudit.metrics as gm
from govaudit.exceptions import ColumnError, InputDataError
from govaudit.metrics import GroupEncoding, encode_groups
from govaudit.metrics import _groups

VALUES = ["b", "a", None, "c", "a", "b", "a"]


def test_public_api_is_locked() -> None:
    assert sorted(gm.__all__) == sorted(
        [
            "LABELLED_METRICS",
            "LABEL_FREE_METRICS",
            "RATE_CELLS",
            "UNKNOWN",
            "CalibrationCounts",
            "CalibrationSlopes",
            "ScoreBins",
            "ScoreCells",
            "ScoreOrder",
            "calibration_bins",
            "calibration_counts",
            "gate_status",
            "calibration_slopes",
            "calibration_summary",
            "discrimination",
            "score_bins",
            "score_cells",
            "score_order",
            "scores_in_unit_interval",
            "ComparisonSettings",
            "GroupComparison",
            "GroupingAnalysis",
            "RateAnalysis",
            "analyse_counts",
            "analyse_rates",
            "ci_pair",
            "holm_adjusted",
            "judge_significance",
            "significance_block",
            "is_unknown_label",
            "GroupCounts",
            "GroupEncoding",
            "ProportionTest",
            "as_binary",
            "bootstrap_counts",
            "disparities",
            "encode_groups",
            "group_counts",
            "impact_ratios",
            "intersect_encodings",
            "percentile_interval",
            "rate_parts",
            "rates_from_counts",
            "share_test",
            "two_proportion_test",
            "wilson_interval",
            "AmountSettings",
            "amount_moments",
            "amount_table",
            "mean_ratio_bound_test",
            "median_interval",
            "median_ranks",
            "pick_reference",
            "share_ratio_bound_test",
            "exposure_bound_test",
            "precision_bound_test",
            "ranking_table",
            "share_curve",
            "top_share_bound_test",
            "ClassCounts",
            "class_counts",
            "class_text",
            "code_classes",
            "table_from_moments",
        ]
    )
    for name in gm.__all__:
        assert getattr(gm, name) is not None


CONTAINERS = {
    "list": lambda v: list(v),
    "numpy": lambda v: np.array(v, dtype=object),
    "series": lambda v: pd.Series(v, name="sex"),
    "dataframe_column": lambda v: pd.DataFrame({"sex": v, "other": range(len(v))})["sex"],
    "dataframe": lambda v: pd.DataFrame({"sex": v}),
}


@pytest.mark.parametrize("container", list(CONTAINERS), ids=list(CONTAINERS))
def test_containers_give_the_same_encoding(container: str) -> None:
    enc = encode_groups(CONTAINERS[container](VALUES))
    assert isinstance(enc, GroupEncoding)
    assert enc.labels == ("a", "b", "c", "unknown")
    assert enc.codes.dtype == np.int64
    np.testing.assert_array_equal(enc.codes, [1, 0, 3, 2, 0, 1, 0])
    assert enc.n_groups == 4
    expected_name = "sensitive_feature" if container in ("list", "numpy") else "sex"
    assert enc.columns == (expected_name,)


@pytest.mark.parametrize("missing", [None, np.nan, pd.NA], ids=["None", "nan", "pd.NA"])
def test_missing_values_form_one_group_placed_last(missing: object) -> None:
    enc = encode_groups(pd.Series(["x", missing, "w", missing], dtype=object), unknown_label="n/a")
    assert enc.labels == ("w", "x", "n/a")
    np.testing.assert_array_equal(enc.codes, [1, 2, 0, 2])


def test_mixed_missing_markers_are_one_group() -> None:
    enc = encode_groups(np.array([None, 1.0, np.nan, 2.0, pd.NA], dtype=object))
    assert enc.labels == ("1.0", "2.0", "unknown")
    np.testing.assert_array_equal(enc.codes, [2, 0, 2, 1, 2])


def test_numbers_sort_numerically_not_as_strings() -> None:
    enc = encode_groups(np.array([10, 9, 2, 10]))
    assert enc.labels == ("2", "9", "10")
    np.testing.assert_array_equal(enc.codes, [2, 1, 0, 2])


def test_float_column_with_nan_keeps_nan_as_unknown() -> None:
    enc = encode_groups(np.array([3.0, np.nan, 1.0]))
    assert enc.labels == ("1.0", "3.0", "unknown")
    np.testing.assert_array_equal(enc.codes, [1, 2, 0])


def test_nullable_and_boolean_dtypes() -> None:
    enc = encode_groups(pd.Series([2, None, 1], dtype="Int64", name="age_band"))
    assert enc.labels == ("1", "2", "unknown")
    enc = encode_groups(pd.Series([True, False, None], dtype="boolean"))
    assert enc.labels == ("False", "True", "unknown")


def test_categorical_uses_category_order_and_only_observed_levels() -> None:
    s = pd.Series(pd.Categorical(["low", "high", None, "low"], categories=["low", "mid", "high"]))
    enc = encode_groups(s)
    assert enc.labels == ("low", "high", "unknown")
    np.testing.assert_array_equal(enc.codes, [0, 1, 2, 0])


def test_values_printing_the_same_are_merged() -> None:
    # 1 and "1" would be two groups with one label; a literal "unknown" joins the missing group.
    enc = encode_groups(np.array([1, "1", "unknown", None, "a"], dtype=object))
    assert len(set(enc.labels)) == len(enc.labels)
    assert enc.labels[-1] == "unknown"
    assert enc.codes[0] == enc.codes[1]
    assert enc.codes[2] == enc.codes[3] == enc.n_groups - 1


def test_intersection_labels_order_and_presence() -> None:
    df = pd.DataFrame(
        {
            "sex": ["F", "M", None, "F", "M", "F"],
            "channel": ["web", "in_person", "web", "web", np.nan, "in_person"],
        }
    )
    enc = encode_groups(df)
    assert enc.columns == ("sex", "channel")
    # Only combinations present; lexicographic by per-column code (sorted values, missing last).
    assert enc.labels == (
        "F & in_person",
        "F & web",
        "M & in_person",
        "M & unknown",
        "unknown & web",
    )
    np.testing.assert_array_equal(enc.codes, [1, 2, 4, 1, 3, 0])
    # Column order decides the label order.
    rev = encode_groups(df, columns=["channel", "sex"])
    assert rev.labels[0] == "in_person & F"


def test_intersection_matches_pandas_groupby(make) -> None:
    d = make(5000, seed=3, n_sex=4, n_region=6)
    sens = d["sensitive"].fillna("unknown")
    enc = encode_groups(d["sensitive"])
    grouped = sens.groupby(["sex", "region"], sort=True).ngroup().to_numpy()
    names = [" & ".join(k) for k in sens.groupby(["sex", "region"], sort=True).groups]
    # pandas sorts "unknown" among the strings, we put it last: compare through the labels.
    assert sorted(enc.labels) == sorted(names)
    np.testing.assert_array_equal(np.asarray(enc.labels)[enc.codes], np.asarray(names)[grouped])


def test_three_column_intersection_and_sparse_path(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(0)
    df = pd.DataFrame({c: rng.integers(0, 7, 3000) for c in ("a", "b", "c")})
    dense = encode_groups(df)
    monkeypatch.setattr(_groups, "_use_dense", lambda n_possible, n_rows: False)
    monkeypatch.setattr(_groups, "_compact_dense", _fail)  # prove the other path is used
    sparse = encode_groups(df)
    assert dense.labels == sparse.labels
    np.testing.assert_array_equal(dense.codes, sparse.codes)
    assert dense.n_groups == len(df.drop_duplicates())


def _fail(*args: object, **kwargs: object) -> None:
    raise AssertionError("dense path used")


def test_columns_selects_and_accepts_a_string(data) -> None:
    one = encode_groups(data["sensitive"], "region")
    assert one.columns == ("region",)
    assert one.labels == ("r0", "r1", "r2", "r3")


def test_2d_array_is_several_features() -> None:
    enc = encode_groups(np.array([[1, 2], [1, 3], [1, 2]]))
    assert enc.columns == ("sensitive_feature_0", "sensitive_feature_1")
    assert enc.labels == ("1 & 2", "1 & 3")


# --- errors -----------------------------------------------------------------------------------


def test_missing_column_names_it_and_lists_available() -> None:
    df = pd.DataFrame({"sex": ["F"], "region": ["N"]})
    msg = r"column 'race' not found; available columns: \['sex', 'region'\]"
    with pytest.raises(ColumnError, match=msg):
        encode_groups(df, columns=["sex", "race"])


def test_columns_for_a_single_feature_must_match_its_name() -> None:
    with pytest.raises(ColumnError, match="single feature named 'sex'"):
        encode_groups(pd.Series(["F"], name="sex"), columns="race")


@pytest.mark.parametrize(
    "empty",
    [[], np.array([]), pd.Series([], dtype=object), pd.DataFrame({"sex": []})],
    ids=["list", "numpy", "series", "dataframe"],
)
def test_empty_input(empty: object) -> None:
    with pytest.raises(InputDataError, match=r"sensitive_features is empty \(0 rows\)"):
        encode_groups(empty)


def test_no_columns() -> None:
    with pytest.raises(InputDataError, match="has no columns"):
        encode_groups(pd.DataFrame(index=range(3)))


def test_identifier_like_column_is_refused() -> None:
    ids = pd.Series(np.arange(10_000), name="applicant_id")
    with pytest.raises(
        InputDataError,
        match=r"'applicant_id' has 10000 distinct values, more than the limit of 1000",
    ):
        encode_groups(ids)
    assert encode_groups(ids, max_levels=10_000).n_groups == 10_000


def test_level_limit_applies_per_column_of_an_intersection() -> None:
    df = pd.DataFrame({"sex": ["F", "M"] * 50, "zip": [str(i) for i in range(100)]})
    msg = r"'zip' has 100 distinct values, more than the limit of 50"
    with pytest.raises(InputDataError, match=msg):
        encode_groups(df, max_levels=50)


def test_three_dimensional_array_is_refused() -> None:
    with pytest.raises(InputDataError, match="got an array with 3 dimensions"):
        encode_groups(np.zeros((2, 2, 2)))


def test_categorical_fast_path_equals_the_generic_path() -> None:
    rng = np.random.default_rng(4)
    values = np.array(["c", "a", "b", None, "e"], dtype=object)[rng.integers(0, 5, 500)]
    cat = pd.Series(pd.Categorical(values, categories=["e", "d", "c", "b", "a"]), name="band")
    enc = encode_groups(cat)
    assert enc.labels == ("e", "c", "b", "a", "unknown")  # category order; "d" is unobserved
    generic = encode_groups(cat.astype(object))  # sorted by value instead
    mapping = dict(zip(generic.labels, range(generic.n_groups)))
    np.testing.assert_array_equal(
        np.asarray(enc.labels)[enc.codes], np.asarray(generic.labels)[generic.codes]
    )
    assert set(mapping) == set(enc.labels)
    with pytest.raises(InputDataError, match="'band' has 5 distinct values, more than the limit of 4"):
        encode_groups(cat, max_levels=4)


def test_intersecting_single_encodings_equals_encoding_the_columns_together() -> None:
    rng = np.random.default_rng(5)
    frame = pd.DataFrame({
        "sex": rng.choice(["f", "m", None], size=3000, p=[0.5, 0.45, 0.05]),
        "region": rng.choice([f"r{i}" for i in range(7)], size=3000),
        "age": rng.choice(["18-34", "35-54", "55+"], size=3000),
    })
    together = encode_groups(frame, ["sex", "region", "age"])
    folded = gm.intersect_encodings([encode_groups(frame, [c]) for c in ("sex", "region", "age")])
    assert folded.labels == together.labels
    assert folded.columns == together.columns
    np.testing.assert_array_equal(folded.codes, together.codes)


def test_intersecting_needs_two_encodings_of_equal_length() -> None:
    one = encode_groups(["a", "b"])
    with pytest.raises(InputDataError, match="two or more"):
        gm.intersect_encodings([one])
    with pytest.raises(InputDataError, match="different lengths"):
        gm.intersect_encodings([one, encode_groups(["a", "b", "c"])])
