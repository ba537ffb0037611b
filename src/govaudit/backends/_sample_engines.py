"""The engines a stratified sample is drawn in: pandas, DuckDB and Spark.

Each hashes the rows with a seed, counts the rows per stratum, and returns the rows whose hash is
under their stratum's threshold.

Row hashes: on Parquet files read by DuckDB, the file name and row number (unique per row); on a
pandas DataFrame, the row position; elsewhere (CSV, a Spark DataFrame) the row's needed values,
so identical rows are kept or left together. See :mod:`govaudit.backends._sample` for how the
sample is drawn from them.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

__all__ = ["HASH", "HASH_SCALE", "ROWS", "SID", "DuckDBEngine", "Engine", "PandasEngine", "SparkEngine"]

#: hashes are compared as 53-bit integers (exact in float64, so thresholds are exact too)
_BITS = 53
HASH_SCALE = 1 << _BITS
SID, HASH, ROWS = "__sid", "__hash", "rows"


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _splitmix64(x: np.ndarray) -> np.ndarray:
    """SplitMix64's finaliser: a fast, well-mixed 64-bit hash of integers (arithmetic wraps modulo 2**64)."""
    with np.errstate(over="ignore"):
        z = x + np.uint64(0x9E3779B97F4A7C15)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return z ^ (z >> np.uint64(31))


class Engine:
    """What the sampler needs from an engine: rows per stratum, then the rows under each stratum's threshold."""

    def strata(self) -> pd.DataFrame:  # keys + ROWS, one row per stratum, in SID order
        raise NotImplementedError

    def kept(self, thresholds: np.ndarray) -> pd.DataFrame:  # needed columns + SID + HASH
        raise NotImplementedError


class PandasEngine(Engine):
    def __init__(self, frame: pd.DataFrame, keys: list[str], columns: list[str], seed: int) -> None:
        self.frame, self.columns = frame, columns
        seed_mix = _splitmix64(np.array([seed], dtype=np.uint64))[0]  # seeds 0, 1, 2... far apart
        positions = np.arange(len(frame), dtype=np.uint64) ^ seed_mix
        self.hash = (_splitmix64(positions) >> np.uint64(64 - _BITS)).astype(np.int64)
        if keys:
            grouped = frame.groupby(keys, dropna=False, sort=True)
            self.sid = grouped.ngroup().to_numpy(dtype=np.int64)
            self.table = grouped.size().rename(ROWS).reset_index()
        else:
            self.sid = np.zeros(len(frame), dtype=np.int64)
            self.table = pd.DataFrame({ROWS: [len(frame)]})

    def strata(self) -> pd.DataFrame:
        return self.table

    def kept(self, thresholds: np.ndarray) -> pd.DataFrame:
        mask = self.hash < thresholds[self.sid]
        out = self.frame.loc[mask, self.columns].reset_index(drop=True)
        return out.assign(**{SID: self.sid[mask], HASH: self.hash[mask]})


class DuckDBEngine(Engine):
    def __init__(self, con: Any, relation: Any, keys: list[str], columns: list[str], seed: int,
                 row_ids: bool) -> None:
        self.con, self.keys, self.columns = con, keys, columns
        identity = "parse_filename(filename), file_row_number" if row_ids else ", ".join(map(_quote, columns))
        relation.create_view("__rows")
        con.execute(f"CREATE TEMP VIEW __hashed AS SELECT {', '.join(map(_quote, columns))}, "
                    f"(hash({identity}, {int(seed)}::BIGINT) >> {64 - _BITS})::BIGINT AS {HASH} FROM __rows")
        k = ", ".join(map(_quote, keys))
        order = ", ".join(f"{_quote(c)} NULLS LAST" for c in keys) or "1"
        con.execute(f"CREATE TEMP TABLE __strata AS SELECT {k + ', ' if k else ''}count(*) AS {ROWS}, "
                    f"(row_number() OVER (ORDER BY {order}) - 1)::BIGINT AS {SID} FROM __rows"
                    + (f" GROUP BY {k}" if k else ""))

    def strata(self) -> pd.DataFrame:
        return self.con.execute(f"SELECT * EXCLUDE ({SID}) FROM __strata ORDER BY {SID}").df()

    def kept(self, thresholds: np.ndarray) -> pd.DataFrame:
        limits = pd.DataFrame({SID: np.arange(len(thresholds), dtype=np.int64), "__limit": thresholds})
        self.con.register("__limits", limits)
        on = " AND ".join(f"r.{_quote(c)} IS NOT DISTINCT FROM s.{_quote(c)}" for c in self.keys) or "TRUE"
        cols = ", ".join(f"r.{_quote(c)}" for c in self.columns)
        return self.con.execute(
            f"SELECT {cols}, s.{SID}, r.{HASH} FROM __hashed r JOIN __strata s ON {on} "
            f"JOIN __limits l ON s.{SID} = l.{SID} WHERE r.{HASH} < l.__limit").df()


class SparkEngine(Engine):
    def __init__(self, frame: Any, keys: list[str], columns: list[str], seed: int) -> None:
        from pyspark.sql import Window
        from pyspark.sql import functions as F

        self.F, self.keys, self.columns = F, keys, columns
        self.spark = frame.sparkSession
        mask = F.lit(HASH_SCALE - 1).cast("long")
        self.rows = frame.select(*columns, F.xxhash64(*[F.col(c) for c in columns], F.lit(int(seed)))
                                 .bitwiseAND(mask).alias(HASH))
        grouped = frame.groupBy(*keys).count() if keys else frame.groupBy().count()
        order = [F.col(c).asc_nulls_last() for c in keys] or [F.lit(1)]
        self.table = (grouped.withColumn(SID, F.row_number().over(Window.orderBy(*order)) - 1)
                      .withColumnRenamed("count", ROWS)).cache()

    def strata(self) -> pd.DataFrame:
        return self.table.orderBy(SID).toPandas().drop(columns=[SID])

    def kept(self, thresholds: np.ndarray) -> pd.DataFrame:
        F = self.F
        limits = self.spark.createDataFrame([(int(i), int(t)) for i, t in enumerate(thresholds)],
                                            f"{SID} long, __limit long")
        small = self.table.select(*[F.col(c).alias(f"__k{i}") for i, c in enumerate(self.keys)], SID).join(
            limits, SID)
        cond = [self.rows[c].eqNullSafe(small[f"__k{i}"]) for i, c in enumerate(self.keys)] or F.lit(True)
        joined = self.rows.join(F.broadcast(small), cond).where(F.col(HASH) < F.col("__limit"))
        return joined.select(*self.columns, SID, HASH).toPandas()
