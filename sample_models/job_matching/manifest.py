"""The job-matching sample's data manifest, as the vendor delivers it (incomplete) or as it should be.

Written with :func:`govaudit.provenance.manifest_toml`; hashes and row counts are read from the
files. Declares the vendor's training table (``train.parquet``), the service's evaluation table
(``eval.parquet``) and the registered ONNX model. With ``complete=False`` (the default sample, the
market-responsibility failure): the vendor left the legal basis, the licence, the approval date
and the retention period of its training data as ``"TODO"``, and its lineage names
``vendor_partner_cvs`` -- CVs bought from a partner job board -- which the manifest never declares.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pandas as pd

from govaudit.provenance import TODO, manifest_toml
from govaudit.records import sha256_file

from .generate import LABEL, RACES, SEXES

__all__ = ["UNDECLARED_SOURCE", "build_manifest", "write_manifest"]

UNDECLARED_SOURCE = "vendor_partner_cvs"
_SERVICE = "Public Employment Service, Job Matching Directorate"
_VENDOR = "TalentRank Ltd (model vendor)"


def _col(name: str, kind: str, text: str, *, category: str | None = None, sensitive: bool = False,
         allowed: list[Any] | None = None, low: float | None = None, high: float | None = None) -> dict[str, Any]:
    return {"name": name, "type": kind, "description": text, "allowed_values": allowed, "min": low, "max": high,
            "personal_data": category is not None or None, "personal_category": category,
            "sensitive": sensitive or None}


COLUMNS = [
    _col("candidate_id", "string", "Candidate reference", category="identifier"),
    _col("sex", "string", "Sex as stated by the candidate (unknown: not stated)", category="demographic",
         sensitive=True, allowed=list(SEXES)),
    _col("race_ethnicity", "string", "Race/ethnicity as stated by the candidate (EEO-1 categories)",
         category="demographic", sensitive=True, allowed=list(RACES)),
    _col("skills_match", "float", "Share of the vacancy's required skills on the CV", category="employment", low=0, high=1),
    _col("years_experience", "float", "Years of relevant experience", category="employment", low=0, high=40),
    _col("education_level", "integer", "Highest education level (0-4)", category="education", low=0, high=4),
    _col("certifications", "integer", "Relevant certifications", category="education", low=0),
    _col("employment_gap_months", "float", "Longest gap in the work history", category="employment", low=0),
    _col("commute_zone", "integer", "1 = lives in a zone far from the business centre", category="location",
         low=0, high=1),
    _col(LABEL, "integer", "Past employer decision: 1 = shortlisted", low=0, high=1),
]


def _table(folder: Path, file: str) -> dict[str, Any]:
    path = folder / file
    return {"path": file, "format": "parquet", "sha256": sha256_file(path), "rows": len(pd.read_parquet(path))}


def build_manifest(folder: Path, as_of: date, *, complete: bool = False) -> dict[str, Any]:
    """The manifest mapping for ``train.parquet``, ``eval.parquet`` and ``model.onnx`` in ``folder``."""
    period = {"start": as_of - timedelta(days=400), "end": as_of - timedelta(days=40)}
    vendor = {
        "description": "Past shortlisting decisions of employers on the vendor's platform, used to train the model.",
        "owner": _VENDOR, "supplier": _VENDOR,
        "legal_basis": "Contract with the candidates' platform accounts; GDPR Art. 6(1)(b)" if complete else TODO,
        "licence": "Service contract PES-2025-77, schedule 3 (training data)" if complete else TODO,
        "collection_method": "Platform logs of employer shortlisting", "collection_period": period,
        "extracted": as_of - timedelta(days=30),
        "approval": {"by": "Data Protection Officer, Public Employment Service",
                     "date": as_of - timedelta(days=14) if complete else TODO},
        "retention_days": 730 if complete else TODO,
        **_table(folder, "train.parquet"), "primary_key": "candidate_id", "columns": COLUMNS,
    }
    if not complete:
        vendor["lineage"] = {"inputs": [UNDECLARED_SOURCE],
                             "transformation": "CVs matched to vacancies and labelled with employer decisions",
                             "code_version": "vendor pipeline 2.3"}
    return {
        "manifest_version": 1,
        "name": "job_matching",
        "description": "Data behind the vendor's candidate-ranking model (synthetic sample).",
        "sources": {
            "vendor_training_table": vendor,
            "evaluation_table": {
                "description": "Candidates matched to vacancies by the service in the audit period, with the "
                               "employers' shortlisting decisions.",
                "owner": _SERVICE, "legal_basis": "Employment Services Act s. 4 (public task); GDPR Art. 6(1)(e)",
                "collection_method": "Case management system extract", "collection_period": period,
                "extracted": as_of - timedelta(days=20),
                "approval": {"by": "Data Protection Officer, Public Employment Service",
                             "date": as_of - timedelta(days=14)},
                "retention_days": 730, **_table(folder, "eval.parquet"), "primary_key": "candidate_id",
                "columns": COLUMNS},
        },
        "model": {"name": "candidate-ranking", "version": "2.3", "path": "model.onnx",
                  "sha256": sha256_file(folder / "model.onnx"), "trained_on": ["vendor_training_table"],
                  "approval": {"by": "Head of Job Matching", "date": as_of - timedelta(days=7)}},
    }


def write_manifest(folder: Path, *, as_of: date | None = None, complete: bool = False) -> Path:
    """Write ``manifest.toml`` into ``folder``."""
    as_of = as_of or date.today()
    path = folder / "manifest.toml"
    header = "# Data manifest of the job-matching sample, " + (
        "completed by the service." if complete else "as delivered by the vendor (incomplete).")
    path.write_text(manifest_toml(build_manifest(folder, as_of, complete=complete), header=header), encoding="utf-8")
    return path
