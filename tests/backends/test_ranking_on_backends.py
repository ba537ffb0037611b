"""The ranking auditor's sums aggregated by DuckDB and Spark give the in-memory figures (ties, missing groups,
intersections, a capacity beyond the data), through the backend function and through a spec."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from govaudit.cli import main
from govaudit.ranking import RankingAuditor, ranking_aggregate

CAPACITIES = [40, 0.25, 10_000]


@pytest.fixture(scope="module")
def queue() -> pd.DataFrame:
    rng = np.random.default_rng(11)
    n = 2500
    sex = rng.choice(["female", "male"], n).astype(object)
    sex[rng.random(n) < 0.03] = None  # missing values form the 'unknown' group, as in memory
    return pd.DataFrame({"sex": sex, "region": rng.choice(["north", "south", "east"], n, p=[0.5, 0.3, 0.2]),
                         "risk": np.round(rng.normal(size=n) + 0.3 * (sex == "male"), 1),  # many ties
                         "found": (rng.random(n) < 0.3).astype(int)})


def _auditor() -> RankingAuditor:
    return RankingAuditor(capacities=CAPACITIES, min_group_size=2, suppress_below=0, intersectional=True)


def _memory(queue: pd.DataFrame, order: str = "risk", kind: str = "score") -> dict[str, pd.DataFrame]:
    given = {"priority_score": queue[order]} if kind == "score" else {"rank": queue[order]}
    return _auditor().assess(sensitive_features=queue[["sex", "region"]], relevance=queue["found"], **given).by_group


def _same(memory: dict[str, pd.DataFrame], backend: dict[str, pd.DataFrame]) -> None:
    assert list(memory) == list(backend) == ["sex", "region", "sex & region"]
    for a, b in zip(memory.values(), backend.values()):
        a = a.sort_values(["capacity", "group"]).reset_index(drop=True)
        b = b.sort_values(["capacity", "group"]).reset_index(drop=True)
        pd.testing.assert_frame_equal(a, b, check_dtype=False, rtol=1e-9)


def _through(native, queue, order="risk", kind="score") -> None:
    aggregate = ranking_aggregate(native, sensitive_features=["sex", "region"], order=order, kind=kind,
                                  relevance="found", capacities=CAPACITIES)
    assert aggregate.n_rows == len(queue) and aggregate.capacities == (40, 625, 2500)
    memory = _memory(queue, order, kind)
    backend = _auditor().analyse_aggregate(aggregate, ["sex", "region"]).by_group
    _same(memory, backend)


def test_duckdb_gives_the_in_memory_figures(queue, tmp_path):
    import duckdb

    queue.to_parquet(tmp_path / "queue.parquet", index=False)
    con = duckdb.connect()
    try:
        _through(con.read_parquet(str(tmp_path / "queue.parquet")), queue)
        ranked = queue.assign(place=queue["risk"].rank(ascending=False, method="min").astype(int))
        _through(con.from_df(ranked), ranked, order="place", kind="rank")
    finally:
        con.close()


def test_spark_gives_the_in_memory_figures(queue, spark):
    _through(spark.createDataFrame(queue), queue)


SPEC = """\
[audit]
name = "queue"

[data]
path = "{path}"
{backend}
sensitive_features = ["sex", "region"]
priority_score = "risk"
relevance = "found"

[output]
dir = "{out}"

[auditors.ranking]
capacities = [40, 0.25]
intersectional = true
gates = {{ top_k_share_ratio = {{ min = 0.8, max = 1.25 }}, precision_at_k_ratio = {{ min = 0.8 }} }}
"""


@pytest.mark.parametrize("backend", ["duckdb", "spark"])
def test_a_spec_on_a_backend_records_what_memory_records(queue, tmp_path, backend, request):
    if backend == "spark":
        request.getfixturevalue("spark")
    queue.to_parquet(tmp_path / "queue.parquet", index=False)
    records = {}
    for name, line in (("memory", ""), (backend, f'backend = "{backend}"')):
        spec = tmp_path / f"{name}.toml"
        spec.write_text(SPEC.format(path=tmp_path / "queue.parquet", backend=line, out=tmp_path / name))
        assert main(["run", str(spec), "--quiet"]) in (0, 1)
        records[name] = json.loads((tmp_path / name / "record.json").read_text())["findings"]
    mem, other = records["memory"], records[backend]
    assert [(f["check"], f["status"], f["groups"]) for f in mem] == [(f["check"], f["status"], f["groups"])
                                                                    for f in other]
    for a, b in zip(mem, other):
        assert (a.get("value") is None) == (b.get("value") is None)
        if a.get("value") is not None:
            assert a["value"] == pytest.approx(b["value"], rel=1e-9)
