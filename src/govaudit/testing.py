"""Conformance checks a third-party auditor runs in its own test suite.

>>> from govaudit.testing import check_auditor
>>> check_auditor(MyAuditor)  # doctest: +SKIP

Like scikit-learn's ``check_estimator``: each check raises ``AssertionError`` with a message that says
which rule of the :class:`~govaudit.core.Auditor` protocol was broken.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pandas as pd
from pydantic import BaseModel

from govaudit.core import AuditorResult, AuditSubject, CaseTable, Finding, Requirement

__all__ = ["check_auditor", "example_subject"]


def example_subject(n: int = 600, seed: int = 0) -> AuditSubject:
    """A small subject with every input an auditor may require (model, features, labels, scores, groups)."""
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(seed)
    features = pd.DataFrame({"income": rng.normal(size=n), "household_size": rng.integers(1, 6, n)})
    group = rng.choice(["a", "b", "c"], size=n)
    y_true = (features["income"] + rng.normal(scale=0.5, size=n) > 0).astype(np.int8).to_numpy()
    model = LogisticRegression().fit(features, y_true)
    return AuditSubject(
        model=model,
        features=features,
        y_true=y_true,
        y_pred=model.predict(features).astype(np.int8),
        y_score=model.predict_proba(features)[:, 1],
        sensitive_features=pd.DataFrame({"group": group}),
        name="conformance",
    )


def _check_attributes(cls: type) -> None:
    for attr in ("name", "version", "requires", "Config", "run", "get_params"):
        assert hasattr(cls, attr), f"{cls.__name__} has no {attr!r} attribute"
    assert isinstance(cls.name, str) and cls.name.isidentifier(), "name must be a short identifier"
    assert isinstance(cls.version, str) and cls.version, "version must be a non-empty string"
    known = {r.value for r in Requirement}
    unknown = set(cls.requires) - known
    assert not unknown, f"requires names unknown inputs {sorted(unknown)}; known: {sorted(known)}"
    assert isinstance(cls.Config, type) and issubclass(cls.Config, BaseModel), "Config must be a pydantic model"
    assert cls.Config.model_config.get("extra") == "forbid", "Config must forbid unknown keys (extra='forbid')"


def _check_params(auditor: Any, cls: type) -> None:
    params = auditor.get_params()
    json.dumps(params)  # must be plain JSON: it goes into the record
    rebuilt = cls(**params).get_params()
    assert rebuilt == params, "get_params() must round-trip through the constructor"


def _findings_of(result: Any) -> Any:
    """The findings of a ``run()`` result: a list, or an :class:`AuditorResult` with case tables."""
    if isinstance(result, AuditorResult):
        for table in result.case_tables:
            assert isinstance(table, CaseTable), f"case_tables holds a {type(table).__name__}, not a CaseTable"
            assert table.name.isidentifier(), f"case table name {table.name!r} must be a plain file stem"
        return list(result.findings)
    return result


def _check_findings(findings: Any, name: str) -> None:
    findings = _findings_of(findings)
    assert isinstance(findings, list), f"run() must return a list or an AuditorResult, got {type(findings).__name__}"
    assert findings, "run() returned no findings on a subject that has every input"
    for finding in findings:
        assert isinstance(finding, Finding), f"run() returned a {type(finding).__name__}, not a Finding"
        assert finding.auditor == name, f"finding.auditor is {finding.auditor!r}, expected {name!r}"
        assert finding.check.startswith(f"{name}."), f"check {finding.check!r} must start with '{name}.'"
        assert finding.message.strip(), f"{finding.check}: message is empty"


def check_auditor(auditor_class: type, subject: AuditSubject | None = None) -> None:
    """Assert that ``auditor_class`` follows the auditor protocol.

    Parameters
    ----------
    auditor_class : type
        The auditor class (not an instance).
    subject : AuditSubject, optional
        What to run it on (default: :func:`example_subject`).

    Raises
    ------
    AssertionError
        Naming the rule that was broken.
    """
    _check_attributes(auditor_class)
    auditor = auditor_class()
    _check_params(auditor, auditor_class)
    subject = subject or example_subject()
    first = auditor.run(subject, auditor_class.Config())
    _check_findings(first, auditor_class.name)
    second = auditor.run(subject, auditor_class.Config())
    first, second = _findings_of(first), _findings_of(second)
    assert [f.model_dump() for f in first] == [f.model_dump() for f in second], (
        "run() must be deterministic for the same subject and configuration (seed any randomness)"
    )
    assert subject.y_pred is None or subject.y_pred.flags.writeable, "the subject must not be altered"
