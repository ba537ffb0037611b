"""Progress of ``govaudit run`` on a terminal: the step under way, a spinner and the time elapsed.

Drawn on stderr, and only when stderr is a terminal and no ``CI`` variable is set (the same rule as
the backends' aggregation bars, :func:`govaudit.backends._progress.progress_wanted`), so pipes, logs
and CI get nothing; ``--no-progress`` and ``--quiet`` turn it off. The display is transient: it is
erased when the run ends, leaving only the summary. The library never prints: the runner tells a
callback each step's name (``run_plan(progress=...)``) and this module draws it. A backend's
aggregation bar (DuckDB, Spark) becomes a row of the same display.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console

from govaudit.report._printable import printable

__all__ = ["progress_console", "run_progress"]

#: Told the name of each step as it begins.
Step = Callable[[str], None]


def progress_console(*, enabled: bool = True) -> Console | None:
    """The stderr console to draw progress on, or None when progress is off, stderr is no terminal, or in CI."""
    from govaudit.backends._progress import progress_wanted

    if not enabled or not progress_wanted():
        return None
    return Console(stderr=True, highlight=False)


def _ignore(step: str) -> None:
    """Progress is off."""


@contextmanager
def run_progress(console: Console | None) -> Iterator[Step]:
    """Draw the steps a run reports on ``console`` while the block runs; yield the callback to report them.

    With ``console`` None nothing is drawn and the callback does nothing. Each step replaces the
    last on one line (spinner, step, elapsed time); the line is erased when the block ends, also
    on an error or Ctrl-C.

    Parameters
    ----------
    console : rich.console.Console or None
        Where to draw, as :func:`progress_console` chooses it.
    """
    from govaudit.backends._progress import bars_drawn_by

    if console is None:
        with bars_drawn_by(None):  # --no-progress and -q silence the backends' bars too
            yield _ignore
        return
    from rich.progress import BarColumn, Progress, SpinnerColumn, TaskProgressColumn, TextColumn, TimeElapsedColumn

    with Progress(SpinnerColumn(), TextColumn("{task.description}", markup=False), BarColumn(),
                  TaskProgressColumn(), TimeElapsedColumn(), console=console, transient=True) as bar:
        task = bar.add_task("Starting", total=None)

        def step(name: str) -> None:
            bar.update(task, description=" ".join(printable(name).split()))
            bar.refresh()  # drawn now, not at the next tick: a short step is still seen

        with bars_drawn_by(bar):  # a backend's aggregation bar is a row of this display, not a second one
            yield step
