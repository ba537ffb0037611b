"""The ``govaudit`` command line.

Exit codes: 0 every gate passed; 1 a gate failed (or was inconclusive; or an auditor errored; or
warned, with --strict; or ``ledger verify`` / ``attest verify`` found the ledger or attestation
altered or signed by another key); 2 bad input (spec, data, column, model, an output path that cannot be
written, no space left on the device; one line on stderr naming what is wrong); 3 internal error;
130 interrupted (Ctrl-C, at any moment, even while the package loads; one line on stderr).

``govaudit run`` checks every output path before the audit runs, writes its reports, and appends
to the ledger last, so that a failure never leaves an entry a rerun would duplicate; nothing is
half-written (atomic files, one SQLite transaction per append). Text from the data (column, group
and file names) is printed with its control characters escaped.

Each command parses its arguments, calls the library and prints; one private module per command
group: the app and :func:`main` (``_app``), ``run`` (``_run``), ``list-auditors`` (``_auditors``),
``schema`` (``_schema``), ``explain`` (``_explain``), ``report`` and ``card`` (``_report``),
``manifest`` (``_manifest``), ``ledger`` (``_ledger``), ``keys`` (``_keys``), ``gate`` (``_gate``),
``coverage``, ``export`` and ``profiles`` (``_profiles``), ``aia`` (``_aia``), ``attest`` (``_attest``)
and ``register`` (``_register``).
"""

from govaudit.cli._aia import aia_app
from govaudit.cli._app import app, main
from govaudit.cli._attest import attest_app
from govaudit.cli._auditors import list_auditors
from govaudit.cli._explain import explain
from govaudit.cli._gate import gate
from govaudit.cli._keys import keys_app
from govaudit.cli._ledger import ledger_app
from govaudit.cli._manifest import manifest_app
from govaudit.cli._profiles import coverage, export, profiles_app
from govaudit.cli._register import register_app
from govaudit.cli._report import card, report
from govaudit.cli._run import run
from govaudit.cli._schema import schema

__all__ = ["app", "main"]

# Registered in the order `govaudit --help` lists them.
app.command("run")(run)
app.command("list-auditors")(list_auditors)
app.command("schema")(schema)
app.command("explain")(explain)
app.command("report")(report)
app.command("card")(card)
app.add_typer(manifest_app, name="manifest")
app.add_typer(ledger_app, name="ledger")
app.add_typer(keys_app, name="keys")
app.command("gate")(gate)
app.command("coverage")(coverage)
app.command("export")(export)
app.add_typer(profiles_app, name="profiles")
app.add_typer(aia_app, name="aia")
app.add_typer(attest_app, name="attest")
app.add_typer(register_app, name="register")
