"""Wall-clock time per phase of a run, collected only when asked for (``govaudit run --timings``).

Code marks its phases with ``with phase("loading the model"):``; outside :func:`collect` that costs
one context-variable lookup. Timings never go into the record, whose JSON stays deterministic.

Examples
--------
>>> from govaudit.timings import collect
>>> with collect() as timings:  # doctest: +SKIP
...     record = govaudit.run_plan(load_spec("audits/benefits_full.toml"))
>>> timings  # doctest: +SKIP
{'loading data': 0.41, 'loading the model': 0.83, 'prediction': 0.62, 'auditor bias': 1.9, ...}
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

__all__ = ["Timings", "collect", "phase"]


class Timings(dict):
    """Seconds per phase, in the order the phases first ran (a phase run twice adds up)."""

    def total(self) -> float:
        """Seconds in all phases."""
        return sum(self.values())

    def lines(self) -> list[str]:
        """One line per phase, and the total."""
        width = max((len(k) for k in self), default=5)
        rows = [f"{name:<{width}}  {seconds:8.3f} s" for name, seconds in self.items()]
        return rows + [f"{'total':<{width}}  {self.total():8.3f} s"]


_current: ContextVar[Timings | None] = ContextVar("govaudit_timings", default=None)


@contextmanager
def collect(timings: Timings | None = None) -> Iterator[Timings]:
    """Collect the phases run inside the block into ``timings`` (a new :class:`Timings` by default)."""
    target = Timings() if timings is None else timings
    token = _current.set(target)
    try:
        yield target
    finally:
        _current.reset(token)


@contextmanager
def phase(name: str) -> Iterator[None]:
    """Time the block as phase ``name`` when timings are being collected."""
    timings = _current.get()
    if timings is None:
        yield
        return
    start = time.perf_counter()
    try:
        yield
    finally:
        timings[name] = timings.get(name, 0.0) + time.perf_counter() - start
