"""A progress bar for long DuckDB and Spark aggregations, on the terminal only.

DuckDB reports how far its running query has got (``query_progress()``, a percentage, readable from
another thread); Spark reports the tasks of its running stages (``SparkContext.statusTracker()``).
While a backend aggregates, a thread polls the engine and draws a rich progress bar on stderr. The
bar is shown only when stderr is a terminal and no ``CI`` variable is set, so logs of batch jobs and
CI runs get nothing; it is transient (erased when done). A command that draws its own progress
(``govaudit run``) hands it over with :func:`bars_drawn_by`: the bars then join that display as rows
instead of a second live display fighting it for the terminal, or are not drawn at all.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import IO, Any

__all__ = ["bars_drawn_by", "duckdb_progress", "progress_wanted", "spark_progress", "spark_tasks_done"]

_POLL_SECONDS = 0.1

#: Reads how far the engine has got: (completed, total), or None when it is running nothing.
Reader = Callable[[], "tuple[float, float] | None"]


_OWN = object()  # no command draws progress: each bar is its own live display
#: The display the bars join (a ``rich.progress.Progress``), None for no bars, or :data:`_OWN`.
_HOST: ContextVar[Any] = ContextVar("govaudit_progress_host", default=_OWN)


def progress_wanted(stream: IO[str] | None = None) -> bool:
    """Whether to draw progress on ``stream`` (default stderr): a terminal, outside CI, and not turned off."""
    host = _HOST.get()
    if host is None:
        return False
    if host is not _OWN:
        # a command's display exists only on a terminal; while it draws, stderr is rich's stand-in,
        # which does not tell isatty in older rich releases
        return True
    stream = stream if stream is not None else sys.stderr
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty()) and not os.environ.get("CI")


@contextmanager
def bars_drawn_by(progress: Any) -> Iterator[None]:
    """Inside the block, the backends' bars are rows of ``progress`` (a ``rich.progress.Progress``), or none if None."""
    token = _HOST.set(progress)
    try:
        yield
    finally:
        _HOST.reset(token)


@contextmanager
def _display(stream: IO[str]) -> Iterator[Any]:
    """The ``Progress`` to add a bar to: the command's, or a transient one of the bar's own on ``stream``."""
    host = _HOST.get()
    if host is not _OWN:
        yield host
        return
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("{task.description}"), BarColumn(), TaskProgressColumn(), TimeElapsedColumn(),
                  console=Console(file=stream), transient=True) as bar:
        yield bar


@contextmanager
def _polled_bar(read: Reader, description: str, stream: IO[str]) -> Iterator[None]:
    """Draw a bar from ``read()``, polled from a thread while the block runs, and remove it after."""
    stop = threading.Event()
    with _display(stream) as bar:
        task = bar.add_task(description, total=100.0)

        def poll() -> None:
            while not stop.wait(_POLL_SECONDS):
                done = read()
                if done is not None:
                    bar.update(task, completed=done[0], total=done[1])

        thread = threading.Thread(target=poll, name="govaudit-progress", daemon=True)
        thread.start()
        try:
            yield
        finally:
            stop.set()
            thread.join()
            if _HOST.get() is not _OWN:  # a row of the command's display goes; a bar of its own ends with it
                bar.remove_task(task)


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
    # DuckDB tracks progress only with its bar enabled; its own printing stays off (rich draws instead)
    con.execute("SET enable_progress_bar = true; SET enable_progress_bar_print = false; SET progress_bar_time = 0")

    def read() -> tuple[float, float] | None:
        done = con.query_progress()
        return (done, 100.0) if done >= 0 else None  # -1: no query running

    with _polled_bar(read, description, stream):
        yield


def spark_tasks_done(tracker: Any) -> tuple[int, int] | None:
    """Completed and total tasks of the active stages a Spark status tracker reports, or None when none run.

    Parameters
    ----------
    tracker : pyspark.StatusTracker
        ``SparkContext.statusTracker()``.
    """
    try:
        stages = [tracker.getStageInfo(i) for i in tracker.getActiveStageIds()]
    except Exception:  # the context stopped under us: nothing to draw (never an error from a progress bar)
        return None
    stages = [s for s in stages if s is not None]  # a stage may finish between the two calls
    total = sum(s.numTasks for s in stages)
    return (sum(s.numCompletedTasks for s in stages), total) if total else None


@contextmanager
def spark_progress(context: Any, description: str, stream: IO[str] | None = None) -> Iterator[None]:
    """Draw the progress of the Spark jobs running inside the block, when :func:`progress_wanted`.

    The bar shows the tasks of the active stages done (``numCompletedTasks`` of ``numTasks``), read
    from ``context.statusTracker()``; each job the aggregation runs (the median, then the grouping)
    fills it again.

    Parameters
    ----------
    context : pyspark.SparkContext or None
        The context running the aggregation; None (e.g. a Spark Connect session, which has no
        status tracker) draws nothing.
    description : str
        What is aggregated, shown beside the bar.
    stream : file, optional
        Where to draw (default stderr).
    """
    stream = stream if stream is not None else sys.stderr
    if context is None or not progress_wanted(stream):
        yield
        return
    tracker = context.statusTracker()
    with _polled_bar(lambda: spark_tasks_done(tracker), description, stream):
        yield
