"""``python -m sample_models.welfare_fraud_risk.manifest``: the welfare sample's data manifest.

Drafted from the files with :func:`govaudit.provenance.draft_manifest` (hashes, row counts, column
types), then completed with what only the data owner knows (owner, legal basis, period, approval,
retention) and the drafter's column guesses confirmed; written with
:func:`govaudit.provenance.manifest_toml`. Declares the training table (past investigations), the
evaluation table, the decision log and the control sample (each when present), and the registered
model. The manifest is complete in both variants: this sample's failures are the proxy, the missing
human review and the over-selection the control sample shows.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Any

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

from govaudit.provenance import TODO, draft_manifest, manifest_toml
from govaudit.records import sha256_file

__all__ = ["SENSITIVE", "write_manifest"]

OWNER = "Municipal Department of Work and Income"
SENSITIVE = ("migration_background", "sex", "age", "age_band", "language_proficiency")
_PERSONAL = {"case_id": "identifier", "reviewer_1": "identifier", "age": "demographic", "age_band": "demographic",
             "sex": "demographic", "migration_background": "demographic", "language_proficiency": "demographic",
             "neighbourhood": "location", "household_size": "household", "months_on_benefit": "financial",
             "monthly_benefit": "financial", "address_changes": "location", "missed_appointments": "conduct",
             "income_mismatch": "financial", "irregularity_found": "conduct", "score": "assessment",
             "risk": "assessment", "error_found": "conduct"}
_WHAT = {
    "training_table": ("train.parquet", "Recipients investigated in 2022-2024 and the outcome (70 % part)."),
    "evaluation_table": ("eval.parquet", "Recipients investigated in 2022-2024 and the outcome (30 % part)."),
    "decision_log": ("decision_log.parquet", "Every score of 2025, the investigator's review and the decision."),
    "control_sample": ("control_sample.parquet", "Checks of 2025: the model's highest-risk cases and a random "
                       "control sample of recipients, with the outcome of each check."),
}


def _confirm(column: dict[str, Any]) -> dict[str, Any]:
    """Replace the drafter's guesses with the owner's answer for this column."""
    column.pop("review", None)
    for key in ("personal_data", "personal_category", "sensitive"):
        column.pop(key, None)
    name = column["name"]
    if name in _PERSONAL:
        column.update(personal_data=True, personal_category=_PERSONAL[name])
    if name in SENSITIVE:
        column["sensitive"] = True
    return column


def write_manifest(folder: Path, *, as_of: date | None = None) -> Path:
    """Draft, complete and write ``folder/manifest.toml``."""
    as_of = as_of or date.today()
    names = {name: spec for name, spec in _WHAT.items() if (folder / spec[0]).is_file()}
    draft = tomllib.loads(draft_manifest([folder / spec[0] for spec in names.values()], relative_to=folder))
    by_file = {entry["path"]: entry for entry in draft["sources"].values()}
    sources = {}
    for name, (file, text) in names.items():
        entry = by_file[file]
        entry.pop("licence")
        entry.update(description=text, owner=OWNER,
                     legal_basis="Participation Act s. 53a (public task: checking entitlement); GDPR Art. 6(1)(e)",
                     collection_method="Case-management system extract",
                     collection_period={"start": as_of - timedelta(days=700), "end": as_of - timedelta(days=30)},
                     extracted=as_of - timedelta(days=20), retention_days=1825,
                     approval={"by": "Data Protection Officer, Department of Work and Income",
                               "date": as_of - timedelta(days=14)},
                     columns=[_confirm(c) for c in entry["columns"]])
        assert TODO not in repr(entry), f"{name}: a field is still TODO"
        sources[name] = entry
    manifest = {"manifest_version": 1, "name": "welfare_fraud_risk",
                "description": "Data behind the welfare fraud-risk score (synthetic sample).", "sources": sources,
                "model": {"name": "welfare-fraud-risk-gbm", "version": "1.0", "path": "model.skops",
                          "sha256": sha256_file(folder / "model.skops"), "trained_on": ["training_table"],
                          "approval": {"by": "Chief Data Officer", "date": as_of - timedelta(days=7)}}}
    path = folder / "manifest.toml"
    path.write_text(manifest_toml(manifest, header="# Data manifest of the welfare fraud-risk sample."), encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sample_models.welfare_fraud_risk.manifest",
                                     description="Write the welfare sample's data manifest.")
    parser.add_argument("--data-dir", type=Path, required=True, help="folder with train/eval.parquet and model.skops")
    args = parser.parse_args(argv)
    print(f"wrote {write_manifest(args.data_dir)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
