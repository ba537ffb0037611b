"""Model identity: folder hashes and answer fingerprints, checked against a plain hashlib computation."""

from __future__ import annotations

import hashlib
import json

import numpy as np

from govaudit.models import answer_fingerprint, probe_rows, sha256_tree
from adapter_helpers import FEATURES


def test_tree_hash_by_hand(tmp_path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "MLmodel").write_bytes(b"flavors: {}\n")
    (tmp_path / "sub" / "model.skops").write_bytes(b"\x00\x01")
    expected = hashlib.sha256(b"MLmodel\0flavors: {}\n\0" + b"sub/model.skops\0\x00\x01\0").hexdigest()
    assert sha256_tree(tmp_path) == expected
    (tmp_path / "sub" / "model.skops").write_bytes(b"\x00\x02")
    assert sha256_tree(tmp_path) != expected
    (tmp_path / "sub" / "model.skops").write_bytes(b"\x00\x01")
    (tmp_path / "sub" / "model.skops").rename(tmp_path / "sub" / "renamed.skops")
    assert sha256_tree(tmp_path) != expected


def test_probe_is_fixed_and_in_table_order(small_applications) -> None:
    first = probe_rows(small_applications, FEATURES)
    again = probe_rows(small_applications.copy(), FEATURES)
    assert len(first) == 64 and list(first.columns) == FEATURES
    assert first.index.is_monotonic_increasing
    assert first.equals(again)
    assert len(probe_rows(small_applications.head(10), FEATURES)) == 10


def test_fingerprint_by_hand(logreg, small_applications) -> None:
    probe = probe_rows(small_applications, FEATURES)
    fingerprint, probe_sha = answer_fingerprint(logreg, probe)
    answers = {"predict": [int(v) for v in logreg.predict(probe)],
               "predict_proba": np.round(logreg.predict_proba(probe), 6).tolist()}
    blob = json.dumps(answers, sort_keys=True, separators=(",", ":")).encode()
    assert fingerprint == hashlib.sha256(blob).hexdigest()
    assert len(probe_sha) == 64 and probe_sha != fingerprint


def test_fingerprint_changes_with_the_answers(logreg, small_applications) -> None:
    from sklearn.linear_model import LogisticRegression

    probe = probe_rows(small_applications, FEATURES)
    other = LogisticRegression(C=1e-3, max_iter=500).fit(small_applications[FEATURES], small_applications["eligible"])
    assert answer_fingerprint(logreg, probe)[0] != answer_fingerprint(other, probe)[0]
    assert answer_fingerprint(logreg, probe)[1] == answer_fingerprint(other, probe)[1]
