"""A pyspark older than the spark extra supports is said up front, naming the extra."""

from __future__ import annotations

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


def test_the_oldest_supported_pyspark_is_accepted(monkeypatch) -> None:
    monkeypatch.setattr(pyspark, "__version__", "3.5.0")
    why = spark_unavailable()
    assert why is None or "Java" in why  # Java 17 may be missing on the machine
