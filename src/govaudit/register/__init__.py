"""The public register: a static website of a verified ledger's audited systems, and register exports.

- :func:`build_site`: ``govaudit register build LEDGER --out DIR``, every audited system with its
  latest verdict, failed checks in plain words, transparency card, audits and approvals, the
  ledger's size and Merkle root with how to verify it, in English and Chinese. A ledger that does
  not verify is refused.
- :func:`register_export`: ``govaudit register export LEDGER|RECORD --format nl|uk-atrs``, the
  Dutch algorithm register's publication standard 1.0.0 and the UK ATRS v3.0 record, filled from the
  record and spec, with the fields the owner must still write (:class:`RegisterExport`);
  :func:`validate_document` validates one against a JSON Schema the user gives.
- :func:`read_register`: the systems of a verified ledger (:class:`Register`, :class:`RegisterSystem`).
"""

from typing import TYPE_CHECKING

from govaudit._lazy import lazy_exports

if TYPE_CHECKING:
    from govaudit.register._export import PLACEHOLDER, RegisterExport, complete, validate_document
    from govaudit.register._formats import REGISTER_FORMATS, export_record, register_export
    from govaudit.register._site import SiteSummary, build_site
    from govaudit.register._systems import Register, RegisterSystem, read_register
else:
    __getattr__, __dir__ = lazy_exports(__name__, {
        "govaudit.register._export": ("PLACEHOLDER", "RegisterExport", "complete", "validate_document"),
        "govaudit.register._formats": ("REGISTER_FORMATS", "export_record", "register_export"),
        "govaudit.register._site": ("SiteSummary", "build_site"),
        "govaudit.register._systems": ("Register", "RegisterSystem", "read_register"),
    }, globals())

__all__ = [
    "PLACEHOLDER",
    "REGISTER_FORMATS",
    "Register",
    "RegisterExport",
    "RegisterSystem",
    "SiteSummary",
    "build_site",
    "complete",
    "export_record",
    "read_register",
    "register_export",
    "validate_document",
]
