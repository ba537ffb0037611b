"""An engine's result in pandas: integer columns with nulls stay integers, so group labels read 1, 2 as in memory."""

from __future__ import annotations

import duckdb
import narwhals as nw

from govaudit.backends._collect import collect


_CON = duckdb.connect()  # kept open: a relation needs its connection


def _grouped():
    relation = _CON.sql("select * from (values (1), (2), (NULL), (1)) t(x)")
    return nw.from_native(relation).group_by("x", drop_null_keys=False).agg(nw.len().alias("n"))


def test_integer_keys_with_nulls_stay_integers() -> None:
    out = collect(_grouped()).sort_values("n", ignore_index=True)
    assert str(out["x"].dtype) == "Int32"
    assert dict(zip((str(v) for v in out["x"]), out["n"])) == {"1": 2, "2": 1, "<NA>": 1}


def test_floats_handed_over_for_integers_are_turned_back(monkeypatch) -> None:
    # DuckDB with pandas 2.1 handed integer columns with nulls over as float64: labels read 1.0, 2.0
    real = nw.DataFrame.to_pandas
    monkeypatch.setattr(nw.DataFrame, "to_pandas", lambda self: real(self).astype({"x": "float64"}))
    out = collect(_grouped())
    assert str(out["x"].dtype) == "Int32"
    assert sorted(str(v) for v in out["x"].dropna()) == ["1", "2"]
