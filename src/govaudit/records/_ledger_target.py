"""Where an audit run appends its record: the ledger and the signing key, resolved before the run."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from govaudit.exceptions import InputDataError
from govaudit.records._keys import load_signing_key, passphrase_from_env
from govaudit.records._ledger import Ledger
from govaudit.records._ledger_entry import LedgerEntry
from govaudit.records._record import AuditRecord
from govaudit.records._signing import SigningKey

if TYPE_CHECKING:
    from govaudit.spec import AuditPlan

__all__ = ["DEFAULT_LEDGER_NAME", "SIGNING_KEY_ENV", "LedgerTarget", "prepare_ledger"]

#: Environment variable naming the private key file that signs entries appended by ``govaudit run``.
SIGNING_KEY_ENV = "GOVAUDIT_SIGNING_KEY"
#: File name of the embedded default ledger, beside the audit's report folder.
DEFAULT_LEDGER_NAME = "ledger.sqlite"

MSG_NO_KEY = (f"a ledger was requested ({{path}}) but no signing key was given: use --signing-key, set "
              f"{SIGNING_KEY_ENV}, or set [output] signing_key in the spec")


@dataclass
class LedgerTarget:
    """Where ``govaudit run`` appends its record, with the key, both checked before the audit runs."""

    path: Path
    key: SigningKey

    def append(self, record: AuditRecord) -> LedgerEntry:
        """Append ``record`` (creating the ledger file if needed)."""
        with Ledger(self.path, create=True) as ledger:
            return ledger.append(record, self.key)


def prepare_ledger(plan: "AuditPlan", out_dir: Path, ledger: Path | None,
                   signing_key: Path | None) -> LedgerTarget | None:
    """Resolve the ledger and signing key for ``govaudit run``; ``None`` when no ledger is requested.

    The ledger is ``--ledger``, else the spec's ``[output] ledger`` (a path relative to the spec,
    or ``true`` for the embedded default ``ledger.sqlite`` beside the report folder, which is
    ``reports/ledger.sqlite`` in the default layout). The key is ``--signing-key``, else the file
    named by ``GOVAUDIT_SIGNING_KEY``, else ``[output] signing_key``. An existing ledger must be a
    govaudit ledger whose newest entry matches its checkpoint. All of this is checked before the
    audit runs, so a problem stops the run before anything is written.

    Parameters
    ----------
    plan : AuditPlan
        The validated spec.
    out_dir : Path
        The audit's report folder (the default ledger sits beside it).
    ledger, signing_key : Path or None
        The ledger and the private key given on the command line, which take precedence.

    Returns
    -------
    LedgerTarget or None

    Raises
    ------
    InputDataError
        A ledger is requested without a key; the key cannot be loaded; the ledger cannot be appended to.
    """
    spec_value = getattr(plan.spec.output, "ledger", None)
    if ledger is not None:
        path = ledger
    elif spec_value is True:
        path = Path(out_dir).parent / DEFAULT_LEDGER_NAME
    elif spec_value:
        path = plan.resolve(Path(spec_value))
    else:
        return None
    spec_key = getattr(plan.spec.output, "signing_key", None)
    key_path = signing_key or (Path(os.environ[SIGNING_KEY_ENV]) if os.environ.get(SIGNING_KEY_ENV) else None)
    if key_path is None and spec_key is not None:
        key_path = plan.resolve(Path(spec_key))
    if key_path is None:
        raise InputDataError(MSG_NO_KEY.format(path=path))
    key = load_signing_key(key_path, passphrase_from_env())
    if path.exists():
        with Ledger(path) as existing:
            existing.check_appendable()  # refuse before the run, not after the reports are written
    return LedgerTarget(path, key)
