"""A small ledger for the register tests: two systems, a real bias audit among them, approvals by two keys."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

import govaudit
from _factories import make_record
from govaudit.records import Ledger, SigningKey

#: A channel with 6 people: below the default suppression limit of 10.
SMALL_GROUP = "kiosk"


def real_bias_record(frame: pd.DataFrame, *, seed: int = 0) -> govaudit.AuditRecord:
    """Decisions are the labels with 10% flipped, and six rows moved to a tiny channel; audited for bias."""
    rng = np.random.default_rng(seed)
    frame = frame.copy()
    frame["channel"] = frame["channel"].astype(object)
    frame.loc[frame.index[:6], "channel"] = SMALL_GROUP
    decisions = (frame["eligible"].to_numpy() ^ (rng.random(len(frame)) < 0.1)).astype(int)
    return govaudit.audit(y_true=frame["eligible"], y_pred=decisions, sensitive_features=frame[["channel", "sex"]],
                          name="allowance_screen", auditors={"bias": {"n_resamples": 50}},
                          description="Screens allowance applications before a caseworker decides.",
                          responsible={"owner": "City Social Services", "auditor": "Internal Audit",
                                       "approver": "Chief Data Officer"})


def build_ledger(folder: Path, frame: pd.DataFrame) -> tuple[Path, dict[str, int]]:
    """The ledger: system 'allowance_screen' audited twice (the second released by another key), and the
    factories' 'eligibility-gbm' audited once and then withdrawn. Returns the path and entry numbers."""
    auditor, approver = SigningKey.generate(), SigningKey.generate()
    path = folder / "ledger.sqlite"
    with Ledger(path, create=True) as ledger:
        first = ledger.append(real_bias_record(frame, seed=1), auditor).seq
        other = ledger.append(make_record(), auditor).seq
        second = ledger.append(real_bias_record(frame, seed=2), auditor).seq
        release = ledger.approve(second, approver, decision="release", reason="Gaps explained by need.",
                                 approver="Chief Data Officer").seq
        withdrawal = ledger.withdraw(other, auditor, reason="Audited the wrong model file.").seq
    return path, {"first": first, "other": other, "second": second, "release": release, "withdrawal": withdrawal}
