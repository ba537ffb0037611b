"""Only the per-depth sums ranking_table reads are computed, in memory and on DuckDB."""

from __future__ import annotations

import numpy as np
import pandas as pd

from govaudit.metrics._ranking_cases import case_columns, column_names
from govaudit.ranking import ranking_aggregate


def test_no_column_is_computed_that_the_table_does_not_read():
    read = {name for i in range(3) for name in column_names(i)} | {"__n", "__relevant"}
    columns = case_columns(np.array([3.0, 2.0, 2.0, 1.0]), np.array([1.0, 0.0, 1.0, 0.0]), (1, 2, 4), "log")
    assert set(columns) == read

    import duckdb

    frame = pd.DataFrame({"risk": [3.0, 2.0, 2.0, 1.0], "sex": ["f", "m", "f", "m"], "found": [1, 0, 1, 0]})
    con = duckdb.connect()
    try:
        aggregate = ranking_aggregate(con.from_df(frame), sensitive_features=["sex"], order="risk",
                                      relevance="found", capacities=[1, 2])
    finally:
        con.close()
    depths = {name for i in range(len(aggregate.depths)) for name in column_names(i)}
    assert set(aggregate.table.columns) == {"sex", "__n", "__relevant"} | depths
