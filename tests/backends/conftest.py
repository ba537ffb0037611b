"""A small decision log with missing sensitive values, written as Parquet and CSV; one SparkSession for all."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest


def make_log(n: int = 3000, seed: int = 3) -> pd.DataFrame:
    """Decisions that favour one region, with missing values in two sensitive features."""
    rng = np.random.default_rng(seed)
    sex = rng.choice(["female", "male", "x"], size=n, p=[0.48, 0.48, 0.04]).astype(object)
    sex[rng.random(n) < 0.03] = None
    region = rng.choice(["north", "south", "east"], size=n, p=[0.5, 0.3, 0.2]).astype(object)
    age = pd.array(rng.choice([1, 2, 3], size=n), dtype="Int64")
    age[rng.random(n) < 0.02] = pd.NA
    score = rng.random(n) - 0.15 * (region == "south")
    eligible = (rng.random(n) < 0.3 + 0.4 * score).astype(int)
    return pd.DataFrame({
        "case": np.arange(n),
        "sex": sex,
        "region": region,
        "age_band": age,
        "eligible": np.where(eligible == 1, "granted", "refused"),
        "decision": np.where(score > 0.4, "granted", "refused"),
        "score": score,
    })


@pytest.fixture(scope="session")
def decision_log() -> pd.DataFrame:
    return make_log()


@pytest.fixture(scope="session")
def log_files(tmp_path_factory, decision_log) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("log")
    parquet, csv = folder / "log.parquet", folder / "log.csv"
    decision_log.to_parquet(parquet, index=False)
    decision_log.to_csv(csv, index=False)
    # the same rows split over three Parquet files, for globs
    for i, part in enumerate(np.array_split(np.arange(len(decision_log)), 3)):
        decision_log.iloc[part].to_parquet(folder / f"part-{i}.parquet", index=False)
    return {"parquet": parquet, "csv": csv, "glob": folder / "part-*.parquet", "folder": folder}


@pytest.fixture(scope="session")
def spark():
    """One local[2] SparkSession shared by every Spark test (the JVM takes seconds to start).

    Skips, saying what is missing (pyspark, or Java 17+), when Spark cannot run here.
    """
    from govaudit.backends import SparkSettings, spark_unavailable
    from govaudit.backends._spark import session

    why = spark_unavailable()
    if why:
        pytest.skip(f"spark tests skipped: {why}")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)  # pyspark's note about pandas 3
        spark = session(SparkSettings(config={"spark.sql.shuffle.partitions": "2"}))
    yield spark
    spark.stop()

