"""``audit(data=df, sensitive_features=[names])`` is the same audit as passing the columns themselves,
and the table's hash is defined column by column (see ``assembly/_identity.py``)."""

from __future__ import annotations

import hashlib
import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import govaudit
from govaudit.assembly import frame_digest

DTYPES = ["object", "str", "string[pyarrow]", "category", "int"]


def _as(values: pd.Series, kind: str) -> pd.Series:
    if kind == "int":
        codes, _ = pd.factorize(values, sort=True)
        return pd.Series(codes, dtype="Int64").mask(codes < 0)
    return values.astype(kind)


def _table(seed: int, n: int, kind: str) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    sex = pd.Series(rng.choice(["female", "male", "x"], n, p=[0.5, 0.45, 0.05])).where(rng.random(n) > 0.03)
    region = pd.Series(rng.choice(["north", "south", "east", "west"], n))
    y_true = rng.integers(0, 2, n)
    y_pred = (rng.random(n) < np.where(region == "north", 0.35, 0.5)).astype(int)
    return pd.DataFrame({"sex": _as(sex, kind), "region": _as(region, kind), "y_true": y_true, "y_pred": y_pred},
                        index=rng.permutation(n) + 1000)


def _findings(record) -> list[dict]:
    return [json.loads(f.model_dump_json()) for f in record.findings]


@settings(max_examples=15, deadline=None)
@given(st.integers(0, 10_000), st.integers(200, 3000), st.sampled_from(DTYPES))
def test_named_columns_give_the_same_findings_as_the_columns_themselves(seed, n, kind):
    table = _table(seed, n, kind)
    settings_ = {"bias": {"intersectional": True, "n_resamples": 50}}
    named = govaudit.audit(data=table, label="y_true", prediction="y_pred", sensitive_features=["sex", "region"],
                           auditors=settings_)
    columns = table[["sex", "region"]]
    if kind == "int":  # nullable numbers named in a table are read as numpy values (Int64 with NA as float)
        columns = columns.assign(sex=columns["sex"].to_numpy(), region=columns["region"].to_numpy())
    given_ = govaudit.audit(y_true=table["y_true"].to_numpy(), y_pred=table["y_pred"].to_numpy(),
                            sensitive_features=columns, auditors=settings_)
    assert _findings(named) == _findings(given_)
    assert named.verdict == given_.verdict


def _line(name: str, dtype: str, rows: int, content: bytes) -> str:
    return f"{name}\t{dtype}\t{rows}\t{hashlib.sha256(content).hexdigest()}\n"


def _text(values: list) -> bytes:
    """The documented content of a text column, built value by value."""
    missing = bytes(1 if v is None else 0 for v in values)
    lengths = b"".join(len((v or "").encode()).to_bytes(8, "little") for v in values)
    return missing + lengths + b"".join((v or "").encode() for v in values)


def test_the_table_digest_is_computed_as_documented():
    frame = pd.DataFrame({"a": np.array([1, 2, 3], dtype="<i8"), "b": [0.5, 1.5, -2.0],
                          "c": pd.Categorical(["x", "y", "x"]), "d": ["pé", None, "q"],
                          "e": pd.Series(["", "zz", None], dtype="string[pyarrow]"),
                          "f": pd.array([1, None, 3], dtype="Int64"), "g": [1, "mixed", 2.5]})
    cats = _line("categories", str(frame["c"].cat.categories.dtype), 2, _text(["x", "y"]))  # str, or object before pandas 3
    expected = "".join([
        _line("a", "int64", 3, np.array([1, 2, 3], dtype="<i8").tobytes()),
        _line("b", "float64", 3, np.array([0.5, 1.5, -2.0], dtype="<f8").tobytes()),
        _line("c", "category", 3, np.array([0, 1, 0], dtype="<i1").tobytes()
              + hashlib.sha256(cats.encode()).hexdigest().encode()),
        _line("d", str(frame["d"].dtype), 3, _text(["pé", None, "q"])),
        _line("e", "string", 3, _text(["", "zz", None])),
        _line("f", "Int64", 3, pd.util.hash_pandas_object(frame["f"], index=False).to_numpy().astype("<u8").tobytes()),
        _line("g", "object", 3, pd.util.hash_pandas_object(frame["g"], index=False).to_numpy().astype("<u8").tobytes()),
    ])
    assert frame_digest(frame) == hashlib.sha256(expected.encode()).hexdigest()


@settings(max_examples=60, deadline=None)
@given(st.lists(st.none() | st.text(max_size=6), min_size=1, max_size=30), st.integers(0, 5),
       st.sampled_from(["object", "str", "string[pyarrow]"]))
def test_text_columns_hash_their_values_whatever_their_storage(values, start, kind):
    """Random text, sliced (an Arrow array with an offset) and in each storage: the documented content."""
    series = pd.Series(["pad"] * start + values + ["pad"] * 5, dtype=object).astype(kind).iloc[start:start + len(values)]
    frame = pd.DataFrame({"t": series.reset_index(drop=True)})
    # what the column holds: before pandas 3, astype("str") writes a missing value as the text "None"
    as_text = [None if pd.isna(v) else v for v in frame["t"].tolist()]
    surrogates = any(v is not None and any(0xD800 <= ord(ch) <= 0xDFFF for ch in v) for v in values)
    if not surrogates:
        expected = _line("t", str(frame["t"].dtype), len(values), _text(as_text))
        assert frame_digest(frame) == hashlib.sha256(expected.encode()).hexdigest()


def test_large_tables_hash_their_columns_in_parallel_to_the_same_digest(monkeypatch):
    from govaudit.assembly import _identity

    frame = _table(5, 3000, "str")
    serial = frame_digest(frame)
    monkeypatch.setattr(_identity, "_PARALLEL_ROWS", 1000)
    assert frame_digest(frame) == serial


def test_the_table_digest_sees_values_names_dtypes_and_order_but_not_the_index():
    frame = _table(1, 500, "category")
    digest = frame_digest(frame)
    assert frame_digest(frame.reset_index(drop=True)) == digest
    changed = frame.copy()
    changed.iloc[7, 2] = 1 - changed.iloc[7, 2]
    assert frame_digest(changed) != digest
    assert frame_digest(frame.rename(columns={"sex": "gender"})) != digest
    assert frame_digest(frame.astype({"y_true": "int32"})) != digest
    assert frame_digest(frame[["region", "sex", "y_true", "y_pred"]]) != digest
    relabelled = frame.copy()
    relabelled["sex"] = relabelled["sex"].cat.rename_categories({"x": "other"})
    assert frame_digest(relabelled) != digest


@pytest.mark.parametrize("kind", DTYPES)
def test_the_record_names_the_table_by_its_digest(kind):
    table = _table(3, 400, kind)
    record = govaudit.audit(data=table, label="y_true", prediction="y_pred", sensitive_features=["sex"],
                            auditors={"bias": {"n_resamples": 20}})
    data = [d for d in record.data if d.role == "data"]
    assert data and data[0].sha256 == frame_digest(table) and data[0].rows == 400
    assert "frame_digest" in data[0].name  # says which definition made the hash


@pytest.mark.parametrize("share_objects", [True, False])
@pytest.mark.parametrize("wide_offsets", [True, False])
def test_object_text_read_once_per_object_hashes_as_read_row_by_row(monkeypatch, share_objects, wide_offsets):
    """Rows sharing few objects (as read_csv gives them) hash exactly as when every row is read."""
    from govaudit.metrics import _object_identity

    pool = np.array(["pé", None, "q", np.nan, "", "x" * 40, "".join(["p", "é"])], dtype=object)
    values = pool[np.random.default_rng(1).integers(0, len(pool), 3000)]
    if not share_objects:
        values = np.array([v if not isinstance(v, str) else (v + "_")[:-1] for v in values], dtype=object)
    frame = pd.DataFrame({"t": pd.Series(values, dtype=object)})
    as_text = [None if not isinstance(v, str) else v for v in values]
    expected = hashlib.sha256(_line("t", "object", len(values), _text(as_text)).encode()).hexdigest()
    if wide_offsets:
        monkeypatch.setattr(_object_identity, "_MAX_STRING_BYTES", 10)
    read_once = _object_identity.strings_by_identity(values)
    assert (read_once is not None) == share_objects
    if read_once is not None:
        assert str(read_once.type) == ("large_string" if wide_offsets else "string")
    assert frame_digest(frame) == expected
    monkeypatch.setattr(_object_identity, "_MAX_SAMPLE_OBJECTS", 0)  # every row read
    assert _object_identity.strings_by_identity(values) is None
    assert frame_digest(frame) == expected
