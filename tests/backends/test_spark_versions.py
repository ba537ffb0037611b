"""A pyspark older than the spark extra supports, or pyspark 4 with a pandas it refuses, is said up front."""

from __future__ import annotations

import pandas as pd
import pytest

from govaudit.backends import spark_unavailable

pyspark = pytest.importorskip("pyspark", reason="spark tests skipped: the spark backend needs pyspark")


@pytest.fixture(autouse=True)
def _fresh():
    spark_unavailable.cache_clear()  # the answer is cached per process
    yield
    spark_unavailable.cache_clear()


def test_too_old_pyspark_names_the_extra(monkeypatch) -> None:
    monkeypatch.setattr(pyspark, "__version__", "3.4.1")
    assert spark_unavailable() == ("the spark backend: pyspark 3.4.1 is too old (the oldest supported is 3.5.0); "
                                   "upgrade it with: pip install --upgrade 'govaudit[spark]'")


@pytest.mark.parametrize(("spark", "pandas", "refused"), [
    ("4.0.0", "2.1.4", True), ("4.1.0", "2.2.0", False), ("3.5.0", "2.1.0", False)])
def test_pyspark_4_with_pandas_before_2_2(monkeypatch, spark, pandas, refused) -> None:
    monkeypatch.setattr(pyspark, "__version__", spark)
    monkeypatch.setattr(pd, "__version__", pandas)
    why = spark_unavailable()
    if refused:
        assert why == (f"the spark backend: pyspark {spark} needs pandas >= 2.2, but {pandas} is installed; "
                       "upgrade pandas (pip install --upgrade 'pandas>=2.2') or use pyspark 3.5")
    else:
        assert why is None or "java" in why.lower()  # Java 17 may be missing on the machine
