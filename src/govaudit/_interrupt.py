"""Ctrl-C while the ``govaudit`` command starts: one line and exit 130, never a traceback.

The command (the ``govaudit`` script, or ``python -m govaudit.cli``) imports the whole package,
which takes seconds, before :func:`govaudit.cli.main` can catch anything. ``govaudit/__init__``
calls :func:`install` before any other import; it changes nothing unless this process is the
command, so a program or notebook that imports govaudit keeps Python's own Ctrl-C handling.
This module imports nothing from govaudit and nothing slow.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from types import TracebackType

__all__ = ["EXIT_INTERRUPTED", "INTERRUPTED", "install", "is_command_line", "is_interruption",
           "raise_if_interruption"]

#: Exit code after Ctrl-C: 128 + SIGINT, as shells report a command that Ctrl-C ended.
EXIT_INTERRUPTED = 130
#: The one line printed on stderr.
INTERRUPTED = "govaudit: interrupted"

_SCRIPTS = frozenset({"govaudit", "govaudit.exe", "govaudit-script.py"})
_MODULES = frozenset({"govaudit.cli", "govaudit.cli.__main__"})

_Hook = Callable[[type[BaseException], BaseException, "TracebackType | None"], object]


def is_command_line(argv: Sequence[str] | None = None, orig_argv: Sequence[str] | None = None) -> bool:
    """Whether this process is the ``govaudit`` command (defaults: :data:`sys.argv`, :data:`sys.orig_argv`).

    The console script is ``argv[0]``. For ``python -m MODULE``, ``argv[0]`` is ``"-m"`` while the
    module's packages are imported, and the module is named in the interpreter's own arguments.
    """
    argv = sys.argv if argv is None else argv
    orig = getattr(sys, "orig_argv", []) if orig_argv is None else orig_argv
    first = argv[0] if argv else ""
    if first == "-m":
        pairs = zip(orig, list(orig[1:]) + [""])
        return any((a == "-m" and b in _MODULES) or (a.startswith("-m") and a[2:] in _MODULES) for a, b in pairs)
    return first.replace("\\", "/").rsplit("/", 1)[-1].lower() in _SCRIPTS  # either separator: Windows too


#: Exceptions that libraries raise in place of KeyboardInterrupt when Ctrl-C lands inside them:
#: DuckDB's interrupted query, and pyarrow's cancelled operation (pyarrow re-sends the signal, but
#: raises this when the signal has already been handled). Named, so that neither is imported here.
_CANCELLED = frozenset({("duckdb", "InterruptException"), ("_duckdb", "InterruptException"),
                        ("pyarrow", "ArrowCancelled")})


#: Set in the ``govaudit`` command once Ctrl-C was pressed (see :func:`install`).
_pressed = False


def _on_ctrl_c(signum: int, frame: object) -> None:
    """Python's own Ctrl-C handling (raise KeyboardInterrupt), remembering that it happened."""
    global _pressed
    _pressed = True
    raise KeyboardInterrupt


def is_interruption(exc: BaseException) -> bool:
    """Whether ``exc`` is Ctrl-C: a KeyboardInterrupt, a library's stand-in for one, or any error in the
    ``govaudit`` command after Ctrl-C was pressed (a library may turn the interrupt into an error of its own).

    A pyarrow cancellation counts only when a signal caused it (its ``signum`` is set).
    """
    if isinstance(exc, KeyboardInterrupt) or _pressed:
        return True
    for cls in type(exc).__mro__:
        if (cls.__module__.split(".")[0], cls.__name__) in _CANCELLED:
            return cls.__name__ != "ArrowCancelled" or bool(getattr(exc, "signum", None))
    return False


def raise_if_interruption(exc: BaseException) -> None:
    """Raise KeyboardInterrupt (from ``exc``) when ``exc`` stands for Ctrl-C.

    For the ``except`` clauses that turn a library's errors into input errors: Ctrl-C inside the
    library must still stop the command, not be reported as an unreadable file.
    """
    if is_interruption(exc):
        raise KeyboardInterrupt from exc


def _interrupted_hook(previous: _Hook) -> _Hook:
    def hook(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt) or is_interruption(value):
            if sys.stderr is not None:
                print(INTERRUPTED, file=sys.stderr, flush=True)
            raise SystemExit(EXIT_INTERRUPTED)  # raised by the hook, it ends the process with this code
        previous(kind, value, tb)

    return hook


def install() -> None:
    """In the ``govaudit`` command only: an uncaught Ctrl-C prints :data:`INTERRUPTED` and exits 130.

    Ctrl-C raises KeyboardInterrupt as Python's own handler does, and is remembered, so that an error
    a library raises in its place (or while unwinding from it) still ends the command as Ctrl-C.
    """
    if is_command_line():
        sys.excepthook = _interrupted_hook(sys.excepthook)
        import signal
        import threading

        if threading.current_thread() is threading.main_thread() and \
                signal.getsignal(signal.SIGINT) is signal.default_int_handler:
            signal.signal(signal.SIGINT, _on_ctrl_c)
