"""The typer app, ``--version``, and :func:`main`: every error as one line on stderr and an exit code.

Text from the data (group, column and file names) reaches the terminal through :func:`say` or the
error line, both of which show control characters as escapes instead of sending them.
"""

from __future__ import annotations

import errno
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from typer.core import TyperGroup

from govaudit._interrupt import EXIT_INTERRUPTED, INTERRUPTED, is_interruption
from govaudit._version import __version__
from govaudit.exceptions import GovauditError, StorageFullError
from govaudit.gate import EXIT_BAD_INPUT, EXIT_INTERNAL, EXIT_OK
from govaudit.report._printable import printable

__all__ = ["app", "emit", "main", "say"]


class _Interrupted(Exception):
    """Ctrl-C inside a command, carried past click (which would end it silently with 130, or print "Aborted!")."""


class _Commands(TyperGroup):
    """The root command group: every command runs inside its :meth:`invoke`."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            raise _Interrupted from None
        except Exception as exc:
            if is_interruption(exc):  # Ctrl-C inside DuckDB or pyarrow
                raise _Interrupted from None
            raise


app = typer.Typer(
    name="govaudit",
    cls=_Commands,
    help="Audit AI systems used by government: fairness, explainability, provenance, human oversight.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
_err = Console(stderr=True, highlight=False, soft_wrap=True)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"govaudit {__version__}")
        raise typer.Exit(EXIT_OK)


@app.callback()
def _root(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
) -> None:
    """Audit AI systems used by government."""


def say(text: object, *, err: bool = False) -> None:
    """Print a line that may hold text from the data, its control characters shown as ``\\xNN``."""
    typer.echo(printable(str(text)), err=err)


def emit(text: str, out: Path | None) -> None:
    """Print ``text``, or write it to ``out`` atomically and say so on stderr."""
    from govaudit.report._write import atomic_write_text

    if out is None:
        typer.echo(text, nl=not text.endswith("\n"))
    else:
        atomic_write_text(out, text)
        say(f"written: {out}", err=True)


def _one_line(message: object) -> str:
    """``message`` on one line, control characters from the data shown as escapes, not sent."""
    return " ".join(printable(str(message)).split())


def _error(message: object) -> None:
    _err.print(f"govaudit: error: {_one_line(message)}", markup=False)


def main(argv: list[str] | None = None) -> int:
    """Run the CLI and return its exit code (the console script exits with it)."""
    try:
        app(args=argv, prog_name="govaudit")  # standalone: ends with SystemExit
    except SystemExit as exc:
        code = exc.code
        if code == EXIT_INTERRUPTED:  # typer's own exit for a Ctrl-C while it reads the arguments
            _err.print(INTERRUPTED, markup=False)
        return code if isinstance(code, int) else (EXIT_OK if code is None else EXIT_BAD_INPUT)
    except (KeyboardInterrupt, _Interrupted):  # whatever was being written is left as it was (atomic writes)
        _err.print(INTERRUPTED, markup=False)
        return EXIT_INTERRUPTED
    except GovauditError as exc:
        _error(exc)
        return exc.exit_code
    except OSError as exc:  # e.g. the report folder is not writable
        _error(StorageFullError(exc.filename or "a file") if exc.errno == errno.ENOSPC else exc)
        return EXIT_BAD_INPUT
    except Exception as exc:  # never a traceback for the user; say it is ours
        _err.print(f"govaudit: internal error: {type(exc).__name__}: {_one_line(exc)}", markup=False)
        return EXIT_INTERNAL
    return EXIT_OK
