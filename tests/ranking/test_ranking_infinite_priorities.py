"""An infinite priority score or rank is refused on DuckDB as it is in memory."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from govaudit.exceptions import InputDataError
from govaudit.ranking import RankingAuditor, ranking_aggregate


@pytest.mark.parametrize("bad", [np.inf, -np.inf])
@pytest.mark.parametrize("kind", ["score", "rank"])
def test_an_infinite_priority_is_an_input_error_in_memory_and_on_duckdb(bad, kind):
    import duckdb

    frame = pd.DataFrame({"risk": [3.0, bad, 1.0, 2.0], "sex": ["f", "m", "f", "m"]})
    given = {"priority_score": frame["risk"]} if kind == "score" else {"rank": frame["risk"]}
    with pytest.raises(InputDataError, match="1 missing or infinite value"):
        RankingAuditor().assess(sensitive_features=frame[["sex"]], **given)
    con = duckdb.connect()
    try:
        with pytest.raises(InputDataError, match=r"column 'risk' \(.*\) has 1 missing or infinite value"):
            ranking_aggregate(con.from_df(frame), sensitive_features=["sex"], order="risk", kind=kind,
                              capacities=[2])
    finally:
        con.close()
