"""Each column route (Categorical codes, Arrow dictionary encoding, object strings through Arrow, small
integers, factorize) and the one-pass counting of every grouping give what a row-by-row reference
gives: the same labels, in the same order, the same codes and the same counts, on random data of
every dtype, with missing values, values that print the same (1 and "1"), empty strings, a literal
"unknown" and categories with unused levels."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from _group_reference import Band, column_groups, columns, confusion_counts, intersection_groups
from govaudit.exceptions import ColumnError, InputDataError
from govaudit.metrics import _columns, _groups, _joint, _object_identity, _tally, encode_groups
from govaudit.metrics._joint import count_groupings


SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(st.data())
def test_one_column_gives_the_reference_labels_and_codes(data: st.DataObject) -> None:
    column = data.draw(columns(data.draw(st.integers(1, 40))))
    enc = encode_groups(column.rename("f"))
    labels, codes = column_groups(column)
    assert enc.labels == labels
    assert enc.codes.dtype == np.int64
    np.testing.assert_array_equal(enc.codes, codes)


@SETTINGS
@given(st.data())
def test_an_intersection_gives_the_reference_labels_and_codes(data: st.DataObject) -> None:
    n = data.draw(st.integers(1, 40))
    a, b = data.draw(columns(n)), data.draw(columns(n))
    enc = encode_groups(pd.DataFrame({"a": a, "b": b}))
    labels, codes = intersection_groups([a, b])
    assert enc.labels == labels
    np.testing.assert_array_equal(enc.codes, codes)


def _frame_and_outcomes(data: st.DataObject) -> tuple[pd.DataFrame, np.ndarray, np.ndarray, np.ndarray]:
    n = data.draw(st.integers(1, 40))
    frame = pd.DataFrame({"a": data.draw(columns(n)), "b": data.draw(columns(n)), "c": data.draw(columns(n))})
    binary = st.lists(st.integers(0, 1), min_size=n, max_size=n)
    dtype = data.draw(st.sampled_from([np.int8, np.int64, np.bool_, np.uint8]))
    y_true, y_pred = (np.array(data.draw(binary)).astype(dtype) for _ in range(2))
    scores = np.array(data.draw(st.lists(st.sampled_from([0.1, 0.5, 0.9, 2.0]), min_size=n, max_size=n)))
    return frame, y_true, y_pred, scores


GROUPINGS = [("a",), ("b",), ("a", "b"), ("c", "a"), ("a", "b", "c"), ("c",)]


def _check_against_reference(frame: pd.DataFrame, y_true: np.ndarray, y_pred: np.ndarray,
                             scores: np.ndarray, counted: list) -> None:
    above = (scores > np.median(scores)).astype(int)
    for cols, result in zip(GROUPINGS, counted):
        labels, codes = intersection_groups([frame[c] for c in cols])
        assert result.encoding.labels == labels
        assert result.encoding.columns == cols
        np.testing.assert_array_equal(result.decisions.counts, confusion_counts(codes, len(labels), y_pred, y_true))
        np.testing.assert_array_equal(result.scores.counts, confusion_counts(codes, len(labels), above))
        np.testing.assert_array_equal(result.n, np.bincount(codes, minlength=len(labels)))
        assert result.decisions.counts.dtype == result.scores.counts.dtype == np.int64


@SETTINGS
@given(st.data())
def test_every_grouping_counted_in_one_pass_equals_the_reference(data: st.DataObject) -> None:
    frame, y_true, y_pred, scores = _frame_and_outcomes(data)
    counted = count_groupings(frame, GROUPINGS, y_pred=y_pred, y_true=y_true, y_score=scores)
    _check_against_reference(frame, y_true, y_pred, scores, counted)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_small_slices_and_the_per_row_path_count_the_same(data: st.DataObject) -> None:
    frame, y_true, y_pred, scores = _frame_and_outcomes(data)
    with pytest.MonkeyPatch.context() as patch:
        # several slices per column and per count, and no joint table: each grouping folded per row
        patch.setattr(_tally, "SLICE_ROWS", 3)
        patch.setattr(_joint, "_MAX_DENSE_CELLS", 0)
        counted = count_groupings(frame, GROUPINGS, y_pred=y_pred, y_true=y_true, y_score=scores)
    _check_against_reference(frame, y_true, y_pred, scores, counted)


def test_decisions_alone_and_scores_alone() -> None:
    frame = pd.DataFrame({"a": ["x", "y", None, "x"], "b": pd.Categorical(["p", "q", "p", "p"])})
    [alone] = count_groupings(frame, [("a", "b")], y_pred=np.array([1, 0, 1, 1]))
    np.testing.assert_array_equal(alone.decisions.counts, [[0, 2], [1, 0], [0, 1]])
    assert alone.scores is None and alone.encoding.labels == ("x & p", "y & q", "unknown & p")
    [scored] = count_groupings(frame, [("b",)], y_score=np.array([0.1, 0.9, 0.5, 0.7]))
    assert scored.decisions is None
    np.testing.assert_array_equal(scored.scores.counts, [[2, 1], [0, 1]])
    assert count_groupings(frame, []) == []


def test_arrow_strings_in_several_chunks() -> None:
    parts = [pd.Series(["b", None, "a"], dtype="str"), pd.Series(["c", "a", None, "b"], dtype="str")]
    column = pd.concat(parts, ignore_index=True)
    enc = encode_groups(column)
    assert (enc.labels, enc.codes.tolist()) == (("a", "b", "c", "unknown"), [1, 3, 0, 2, 0, 3, 1])


def test_object_strings_whose_new_values_appear_late() -> None:
    values = np.array(["b", "a"] * 50 + [None] + ["a"] * 40 + ["late"], dtype=object)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_tally, "SLICE_ROWS", 16)
        enc = encode_groups(pd.Series(values, dtype=object))
    labels, codes = column_groups(pd.Series(values, dtype=object))
    assert enc.labels == labels == ("a", "b", "late", "unknown")
    np.testing.assert_array_equal(enc.codes, codes)


def test_columns_read_in_parallel_raise_the_first_columns_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_groups, "_PARALLEL_ROWS", 1)
    frame = pd.DataFrame({"id": np.arange(2000), "sex": ["f", "m"] * 1000})
    with pytest.raises(InputDataError, match="'id' has 2000 distinct values"):
        _groups.encode_columns(frame, ["id", "missing"])
    with pytest.raises(ColumnError, match="'missing' not found"):
        _groups.encode_columns(frame, ["sex", "missing", "id"])
    read = _groups.encode_columns(frame, ["sex", "id", "sex"], max_levels=5000)
    assert list(read) == ["sex", "id"] and read["sex"].labels == ("f", "m")


def test_sparse_categories_and_integer_gaps_are_compacted_when_the_joint_table_would_not_fit() -> None:
    rng = np.random.default_rng(3)
    frame = pd.DataFrame({
        "cat": pd.Categorical(rng.choice(["c0", "c9999"], 300), categories=[f"c{i}" for i in range(10_000)]),
        "gap": rng.choice([0, 60_000], 300),
    })
    y_pred = rng.integers(0, 2, 300)
    [both] = count_groupings(frame, [("cat", "gap")], y_pred=y_pred)
    labels, codes = intersection_groups([frame["cat"], frame["gap"]])
    assert both.encoding.labels == labels
    np.testing.assert_array_equal(both.decisions.counts, confusion_counts(codes, len(labels), y_pred))


@SETTINGS
@given(st.data())
def test_object_columns_read_row_by_row_give_the_reference_groups(data: st.DataObject) -> None:
    # with no object sharing allowed, every object column goes the row-by-row route
    column = data.draw(columns(data.draw(st.integers(1, 40))))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_object_identity, "_MAX_SAMPLE_OBJECTS", 0)
        enc = encode_groups(column.rename("f"))
    labels, codes = column_groups(column)
    assert enc.labels == labels
    np.testing.assert_array_equal(enc.codes, codes)


def _late_values() -> np.ndarray:
    """Strings whose later values first appear after earlier ones, beyond the first slices."""
    early = np.array(["b", "a", None], dtype=object)
    late = np.array(["a", "late", "b", "later", None, "a"], dtype=object)
    return np.concatenate([early[np.arange(100) % 3], late, early[np.arange(50) % 3], np.array(["last"], dtype=object)])


@pytest.mark.parametrize("share_objects", [True, False])
def test_values_first_seen_late_are_found_without_falling_back_to_factorize(share_objects: bool) -> None:
    values = _late_values()
    if not share_objects:  # each row an object of its own
        values = np.array([None if v is None else (v + "_")[:-1] for v in values], dtype=object)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_tally, "SLICE_ROWS", 16)
        if not share_objects:
            patch.setattr(_object_identity, "_MAX_SAMPLE_OBJECTS", 0)
        patch.setattr(_columns, "_factorized", lambda values: pytest.fail("fell back to factorize"))
        enc = encode_groups(pd.Series(values, dtype=object))
    labels, codes = column_groups(pd.Series(values, dtype=object))
    assert enc.labels == labels == ("a", "b", "last", "late", "later", "unknown")
    np.testing.assert_array_equal(enc.codes, codes)


def test_first_positions_of_entries_that_appear_after_lower_ones() -> None:
    indices = np.array([0, 1, 0, 1, 0, 1, 2, 0, 0, 1, 3, 4, 2], dtype=np.int32)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_tally, "SLICE_ROWS", 4)
        first = _object_identity.first_positions(indices, 5)
    np.testing.assert_array_equal(first, [0, 1, 6, 10, 11])


def test_rows_sharing_few_objects_are_read_once_per_object() -> None:
    # equal strings held by different objects still make one group; a str enum labels its group
    # when it comes first, as factorize does
    ab, ab_copy = "ab", "".join(["a", "b"])
    assert ab == ab_copy and ab is not ab_copy
    pool = np.array([Band.LOW, ab, None, ab_copy, "low", np.nan], dtype=object)
    picks = np.random.default_rng(0).integers(0, len(pool), 5000)
    values = pool[picks]
    shared = _object_identity.recurring_objects(values)
    assert shared is not None
    codes, distinct = shared
    in_order = pd.unique(picks)  # the pool's objects in order of first appearance
    assert [id(o) for o in distinct] == [id(pool[i]) for i in in_order]
    np.testing.assert_array_equal(codes, pd.Index(in_order).get_indexer(picks))
    enc = encode_groups(pd.Series(values, dtype=object))
    labels, codes = column_groups(pd.Series(values, dtype=object))
    assert enc.labels == labels
    np.testing.assert_array_equal(enc.codes, codes)


def test_rows_with_objects_of_their_own_are_not_read_by_identity() -> None:
    values = np.array([f"v{i % 7}" for i in range(70_000)], dtype=object)  # 70,000 distinct objects
    assert _object_identity.recurring_objects(values) is None
    assert _object_identity.recurring_objects(values[:0]) is None
    assert _object_identity.recurring_objects(values[::2]) is None  # not contiguous
