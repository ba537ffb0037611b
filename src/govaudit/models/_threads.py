"""Model calls on small batches run on one thread.

Libraries that parallelise prediction with OpenMP (scikit-learn's histogram gradient boosting,
LightGBM, XGBoost) or a threaded BLAS start a parallel region per call, per tree or per block. On a
batch of a few thousand rows the work in each region is microseconds while starting and joining the
threads is not, and on a machine whose cores are busy with other work a region waits for a thread
that is not scheduled: a 64-row probe took 5-9 s with two threads and 0.2 s with one on the shared
2-core machine the benchmarks run on. Large batches keep the library's own threading.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["SINGLE_THREAD_BELOW_ROWS", "model_threads"]

#: Model calls on fewer rows than this run with one thread.
SINGLE_THREAD_BELOW_ROWS = 100_000


@contextmanager
def model_threads(rows: int) -> Iterator[None]:
    """Limit OpenMP and BLAS to one thread while a model answers ``rows`` rows, if that is few."""
    if rows >= SINGLE_THREAD_BELOW_ROWS:
        yield
        return
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # scikit-learn brings it; without it, leave the libraries as they are
        yield
        return
    with threadpool_limits(limits=1):
        yield
