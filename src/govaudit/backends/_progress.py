"""A progress bar for long DuckDB aggregations, on the terminal only.

DuckDB reports how far its running query has got (``query_progress()``, a percentage, readable from
another thread). While a backend aggregates, a thread polls it and draws a rich progress bar on
stderr. The bar is shown only when stderr is a terminal and no ``CI`` variable is set, so logs of
batch jobs and CI runs get nothing; it is transient (erased when done).
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, Any

__all__ = ["duckdb_progress", "progress_wanted"]

_POLL_SECONDS = 0.1


def progress_wanted(stream: IO[str] | None = None) -> bool:
    """Whether to draw progress on ``stream`` (default stderr): a terminal, outside CI."""
    stream = stream if stream is not None else sys.stderr
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty()) and not os.environ.get("CI")


@contextmanager
def duckdb_progress(con: Any, description: str, stream: IO[str] | None = None) -> Iterator[None]:
    """Draw the progress of the queries ``con`` runs inside the block, when :func:`progress_wanted`.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The connection running the aggregation.
    description : str
        What is aggregated, shown beside the bar.
    stream : file, optional
        Where to draw (default stderr).
    """
    stream = stream if stream is not None else sys.stderr
    if not progress_wanted(stream):
        yield
        return
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

    # DuckDB tracks progress only with its bar enabled; its own printing stays off (rich draws instead)
    con.execute("SET enable_progress_bar = true; SET enable_progress_bar_print = false; SET progress_bar_time = 0")
    stop = threading.Event()
    with Progress(TextColumn("{task.description}"), BarColumn(), TaskProgressColumn(), TimeElapsedColumn(),
                  console=Console(file=stream), transient=True) as bar:
        task = bar.add_task(description, total=100.0)

        def poll() -> None:
            while not stop.wait(_POLL_SECONDS):
                done = con.query_progress()
                if done >= 0:  # -1: no query running
                    bar.update(task, completed=done)

        thread = threading.Thread(target=poll, name="govaudit-progress", daemon=True)
        thread.start()
        try:
            yield
        finally:
            stop.set()
            thread.join()
