"""Streaming profiles agree with pandas on the whole file, across batches; hashing streams in chunks."""

from __future__ import annotations

import hashlib
import tracemalloc

import numpy as np
import pandas as pd
import pytest

from govaudit.exceptions import InputDataError
from govaudit.provenance import profile_table
from govaudit.provenance import _profile
from govaudit.provenance._profile import table_schema
from govaudit.records import _hashing, sha256_file


@pytest.fixture()
def frame() -> pd.DataFrame:
    rng = np.random.default_rng(3)
    n = 5000
    income = rng.lognormal(7, 0.5, n).round(2)
    income[rng.random(n) < 0.1] = np.nan
    region = rng.choice(["north", "south", "east"], n).astype(object)
    region[rng.random(n) < 0.02] = None
    return pd.DataFrame({"id": [f"A{i:05d}" for i in range(n)], "age": rng.integers(18, 91, n),
                         "income": income, "region": region, "flag": rng.random(n) < 0.3})


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_profile_matches_pandas_across_many_batches(tmp_path, frame, suffix, monkeypatch):
    path = tmp_path / f"t{suffix}"
    frame.to_csv(path, index=False) if suffix == ".csv" else frame.to_parquet(path, index=False)
    # force many small batches so the per-batch merge is exercised
    monkeypatch.setattr(_profile, "CSV_BLOCK_SIZE", 16 * 1024)
    monkeypatch.setattr(_profile, "PARQUET_BATCH_ROWS", 700)
    if suffix == ".parquet":
        frame.to_parquet(path, index=False, row_group_size=700)
    profile = profile_table(path)
    assert profile.rows == len(frame)
    assert [c.name for c in profile.columns] == list(frame.columns)
    types = {c.name: c.type for c in profile.columns}
    assert types == {"id": "string", "age": "integer", "income": "float", "region": "string", "flag": "boolean"}
    for column in profile.columns:
        assert column.missing == int(frame[column.name].isna().sum()), column.name
    age, income = profile.column("age"), profile.column("income")
    assert (age.min, age.max) == (frame["age"].min(), frame["age"].max())
    assert income.min == pytest.approx(frame["income"].min()) and income.max == pytest.approx(frame["income"].max())
    assert profile.column("region").values == sorted(frame["region"].dropna().unique())
    assert profile.column("flag").values == [False, True]
    assert profile.column("id").values is None  # 5000 distinct values: not listed


def test_types_are_inferred_once_so_small_blocks_agree(tmp_path, monkeypatch):
    # the first rows look like integers, a later block has decimals, and one column is empty at first:
    # inferring from a larger sample gives one type per column for every block
    monkeypatch.setattr(_profile, "CSV_BLOCK_SIZE", 1024)
    lines = ["n,note"] + [f"{i}," for i in range(300)] + ["2.5,late text"]
    path = tmp_path / "mixed.csv"
    path.write_text("\n".join(lines) + "\n")
    profile = profile_table(path)
    assert (profile.column("n").type, profile.column("note").type) == ("float", "string")
    assert profile.column("note").missing == 300 and profile.rows == 301


def test_table_schema_cheap_for_parquet_and_streamed_for_csv(tmp_path, frame):
    frame.to_parquet(tmp_path / "t.parquet", index=False)
    frame.to_csv(tmp_path / "t.csv", index=False)
    for name in ("t.parquet", "t.csv"):
        rows, types = table_schema(tmp_path / name)
        assert rows == len(frame)
        assert list(types) == list(frame.columns)


def test_csv_whose_type_changes_after_the_inference_sample_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setattr(_profile, "CSV_BLOCK_SIZE", 1024)
    monkeypatch.setattr(_profile, "CSV_INFER_BYTES", 2048)
    lines = ["n"] + [str(i) for i in range(2000)] + ["not-a-number"]
    path = tmp_path / "bad.csv"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(InputDataError, match=r"bad\.csv: cannot be read as CSV: .*not-a-number"):
        profile_table(path)


def test_missing_and_unsupported_files(tmp_path):
    with pytest.raises(InputDataError, match="data file not found"):
        profile_table(tmp_path / "absent.csv")
    (tmp_path / "x.xlsx").write_bytes(b"PK")
    with pytest.raises(InputDataError, match=r"cannot profile '\.xlsx' files"):
        profile_table(tmp_path / "x.xlsx")
    with pytest.raises(InputDataError, match="is a folder"):
        profile_table(tmp_path)


def test_sha256_streams_in_chunks_with_constant_memory(tmp_path, monkeypatch):
    path = tmp_path / "blob.bin"
    data = np.random.default_rng(0).bytes(24 * 1024 * 1024)
    path.write_bytes(data)
    expected = hashlib.sha256(data).hexdigest()
    del data
    tracemalloc.start()
    digest = sha256_file(path)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert digest == expected
    assert peak < 3 * _hashing.CHUNK_SIZE  # one chunk at a time, not the 24 MiB file
    monkeypatch.setattr(_hashing, "CHUNK_SIZE", 1000)  # an odd chunk size gives the same digest
    assert sha256_file(path) == expected
