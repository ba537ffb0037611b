"""``python -m sample_models.benefits_eligibility.manifest``: the sample's data manifest.

Run it on a folder written by ``python -m sample_models.benefits_eligibility --out DIR``. It writes,
beside ``train.parquet``, ``eval.parquet`` and ``model.skops``:

- the two **sources** the model tables were built from, as extracts: ``application_forms.csv``
  (what applicants declared, and the caseworker's decision) and ``income_register.csv`` (monthly
  income from the national income register, supplied by another public body under an agreement);
- ``manifest.toml`` declaring both sources, the **derived** training and evaluation tables (their
  lineage: joined on ``application_id``, then split), the registered model and census-style
  reference shares for ``age_band`` and ``region``.

With ``--broken`` it writes a deliberately broken variant instead, **changing files in DIR** (use a
copy): the training table's lineage names an undeclared third-party source (a credit bureau), the
evaluation file is modified after it was hashed, the income-register extract is stale, and most
applicants aged 65+ are dropped from the training table, so that group is under-represented. The
provenance auditor finds each by name (``tests/provenance/test_provenance_sample.py``).
"""

from __future__ import annotations

import argparse
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from govaudit.provenance import manifest_toml
from govaudit.records import sha256_file

from .generate import AGE_BAND_LABELS, AGE_BAND_SHARES, COLUMNS, EMPLOYMENT_STATUSES, RURAL_SHARE

__all__ = ["BROKEN", "FORM_COLUMNS", "INCOME_COLUMNS", "build_manifest", "main", "write_manifest"]

FORM_COLUMNS = ("application_id", "age", "age_band", "sex", "household_size", "employment_status", "disability",
                "region", "channel", "language", "needs_support", "eligible")
INCOME_COLUMNS = ("application_id", "monthly_income")
#: What the broken variant breaks, by check id -> the name the finding must carry.
BROKEN = {
    "provenance.lineage": "credit_bureau_scores",
    "provenance.integrity": "evaluation_table",
    "provenance.freshness": "income_register",
    "provenance.representativeness": "65+",
}
#: Share of applicants aged 65+ the broken training table keeps.
BROKEN_KEEP_65_PLUS = 0.25

_DPO = "Data Protection Officer, Ministry of Social Affairs"
_CODE = "sample_models.benefits_eligibility 1.0 (generate.split_train_eval, seed 0)"

#: name -> (type, description, unit, allowed values, min, max, personal category or None, sensitive)
_COLUMNS: dict[str, tuple[Any, ...]] = {
    "application_id": ("string", "Application reference number", None, None, None, None, "identifier", False),
    "age": ("integer", "Age at application", "years", None, 18, 90, "demographic", True),
    "age_band": ("string", "Age band", None, list(AGE_BAND_LABELS), None, None, "demographic", True),
    "sex": ("string", "Sex as declared (missing: not declared)", None, ["female", "male"], None, None,
            "demographic", True),
    "household_size": ("integer", "People in the household", "persons", None, 1, 8, "household", False),
    "monthly_income": ("float", "Monthly household income", "EUR per month", None, 0, None, "financial", False),
    "employment_status": ("string", "Employment status", None, list(EMPLOYMENT_STATUSES), None, None,
                          "employment", False),
    "disability": ("integer", "Recognised disability (1 = yes)", None, None, 0, 1, "health", True),
    "region": ("string", "Urban or rural address", None, ["urban", "rural"], None, None, None, False),
    "channel": ("string", "How the application was made", None, ["online", "in_person"], None, None, None, True),
    "language": ("string", "Language of the application", None, ["majority", "minority"], None, None,
                 "demographic", True),
    "needs_support": ("integer", "Caseworker's assessment of need (1 = in need)", None, None, 0, 1, "assessment",
                      False),
    "eligible": ("integer", "Decision (1 = benefit granted)", None, None, 0, 1, "decision", False),
}


def _columns(names: tuple[str, ...] | list[str]) -> list[dict[str, Any]]:
    out = []
    for name in names:
        kind, text, unit, allowed, low, high, category, sensitive = _COLUMNS[name]
        out.append({"name": name, "type": kind, "description": text, "unit": unit, "allowed_values": allowed,
                    "min": low, "max": high, "personal_data": category is not None or None,
                    "personal_category": category, "sensitive": sensitive or None})
    return out


def _table(folder: Path, file: str) -> dict[str, Any]:
    path = folder / file
    rows = len(pd.read_parquet(path, columns=["application_id"])) if path.suffix == ".parquet" else \
        sum(1 for _ in path.open("rb")) - 1
    return {"path": file, "format": path.suffix.lstrip("."), "sha256": sha256_file(path), "rows": rows}


def build_manifest(folder: Path, as_of: date, *, broken: bool = False) -> dict[str, Any]:
    """The manifest mapping for the files in ``folder`` (hashes and counts read from them)."""
    approved = {"by": _DPO, "date": as_of - timedelta(days=14)}
    period = {"start": as_of - timedelta(days=730), "end": as_of - timedelta(days=30)}
    income_extracted = as_of - timedelta(days=900 if broken else 21)
    derived_inputs = ["application_forms", "income_register"] + (["credit_bureau_scores"] if broken else [])
    model_columns = list(COLUMNS)  # the joined table keeps every column of both sources
    common = {"owner": "Ministry of Social Affairs, Benefits Directorate",
              "legal_basis": "Social Assistance Act s. 12 (public task); GDPR Art. 6(1)(e)",
              "collection_period": period, "approval": approved, "retention_days": 3650}
    sources: dict[str, Any] = {
        "application_forms": {
            "description": "Benefit applications as submitted online or at a service counter, with the "
                           "caseworker's assessment and decision.",
            **common, "collection_method": "Application forms (online portal and paper forms keyed in at counters)",
            "extracted": as_of - timedelta(days=21), **_table(folder, "application_forms.csv"),
            "primary_key": "application_id", "columns": _columns(FORM_COLUMNS)},
        "income_register": {
            "description": "Monthly household income of each applicant from the national income register.",
            **common, "supplier": "Tax and Customs Administration (national income register)",
            "licence": "Data-sharing agreement DSA-2025-014 between the Ministry and the Administration",
            "collection_method": "Employer and benefit-payer returns to the income register",
            "collection_period": {"start": income_extracted - timedelta(days=700),
                                  "end": income_extracted - timedelta(days=10)},
            "extracted": income_extracted, **_table(folder, "income_register.csv"),
            "primary_key": "application_id", "columns": _columns(INCOME_COLUMNS)},
    }
    for name, file, part in (("training_table", "train.parquet", "70%"), ("evaluation_table", "eval.parquet", "30%")):
        sources[name] = {
            "description": f"Model table: the {part} part of the joined applications.",
            **common, "collection_method": "Derived (see lineage)", "extracted": as_of - timedelta(days=20),
            **_table(folder, file), "primary_key": "application_id", "columns": _columns(model_columns),
            "lineage": {"inputs": derived_inputs,
                        "transformation": f"Join of the forms and income extracts on application_id; {part} of "
                                          "rows in a split stratified by channel.",
                        "code_version": _CODE}}
    return {
        "manifest_version": 1,
        "name": "benefits_eligibility",
        "description": "Data behind the benefit-eligibility model (synthetic sample).",
        "sources": sources,
        "model": {"name": "benefits-eligibility-gbm", "version": "1.0", "path": "model.skops",
                  "sha256": sha256_file(folder / "model.skops"), "trained_on": ["training_table"],
                  "approval": {"by": "Chief Data Officer", "date": as_of - timedelta(days=7)}},
        "reference": [
            {"feature": "age_band", "source": "Applicant population register 2025 (synthetic)",
             "shares": dict(zip(AGE_BAND_LABELS, AGE_BAND_SHARES))},
            {"feature": "region", "source": "Census 2021, households by urbanisation (synthetic)",
             "shares": {"urban": round(1 - RURAL_SHARE, 4), "rural": RURAL_SHARE}},
        ],
    }


def _write_sources(folder: Path) -> None:
    both = pd.concat([pd.read_parquet(folder / "train.parquet"), pd.read_parquet(folder / "eval.parquet")])
    both = both.sort_values("application_id")
    both[list(FORM_COLUMNS)].to_csv(folder / "application_forms.csv", index=False)
    both[list(INCOME_COLUMNS)].to_csv(folder / "income_register.csv", index=False)


def _break_files(folder: Path, seed: int = 0) -> None:
    """Under-represent 65+ in the training table (before it is hashed)."""
    rng = np.random.default_rng(seed)
    train = pd.read_parquet(folder / "train.parquet")
    old = (train["age_band"] == "65+").to_numpy()
    keep = ~old | (rng.random(len(train)) < BROKEN_KEEP_65_PLUS)
    train[keep].to_parquet(folder / "train.parquet", index=False)


def _modify_after_hashing(folder: Path) -> None:
    """Change some evaluation labels after the manifest recorded the file's hash."""
    evaluation = pd.read_parquet(folder / "eval.parquet")
    evaluation.loc[evaluation.index[:25], "eligible"] = 1 - evaluation.loc[evaluation.index[:25], "eligible"]
    evaluation.to_parquet(folder / "eval.parquet", index=False)


def write_manifest(folder: Path, *, as_of: date | None = None, broken: bool = False) -> Path:
    """Write the source extracts and ``manifest.toml`` into ``folder`` (the broken variant alters files)."""
    as_of = as_of or date.today()
    for needed in ("train.parquet", "eval.parquet", "model.skops"):
        if not (folder / needed).is_file():
            raise FileNotFoundError(f"{folder / needed} not found: run "
                                    f"`python -m sample_models.benefits_eligibility --out {folder}` first")
    _write_sources(folder)
    if broken:
        _break_files(folder)
    header = ("# Data manifest of the benefit-eligibility sample, written by "
              "`python -m sample_models.benefits_eligibility.manifest`"
              + (" --broken: a deliberately BROKEN variant." if broken else "."))
    path = folder / "manifest.toml"
    path.write_text(manifest_toml(build_manifest(folder, as_of, broken=broken), header=header), encoding="utf-8")
    if broken:
        _modify_after_hashing(folder)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sample_models.benefits_eligibility.manifest",
                                     description="Write the benefits sample's data manifest and source extracts.")
    parser.add_argument("--data-dir", type=Path, required=True, help="folder with train.parquet, eval.parquet, model.skops")
    parser.add_argument("--broken", action="store_true", help="write the broken variant (changes files in the folder)")
    parser.add_argument("--as-of", type=date.fromisoformat, default=None, help="date the manifest is written (default today)")
    args = parser.parse_args(argv)
    try:
        path = write_manifest(args.data_dir, as_of=args.as_of, broken=args.broken)
    except FileNotFoundError as exc:
        parser.error(str(exc))
    print(f"wrote {path}" + (" (broken variant: " + ", ".join(f"{k} -> {v}" for k, v in BROKEN.items()) + ")"
                             if args.broken else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
