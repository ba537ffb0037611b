"""Inputs the assembly cannot use are typed errors that say what was expected, never a silent drop."""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pytest

import govaudit
import govaudit.assembly._data as data_module
from govaudit.exceptions import InputDataError


def _control(n: int = 200) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    return pd.DataFrame({"how": rng.choice(["model", "random"], n), "grp": rng.choice(["a", "b"], n)})


@pytest.mark.parametrize("keys, named", [
    ({"method": "how"}, r"lacks 'sensitive_features'"),
    ({"methd": "how", "sensitive_features": ["grp"]}, r"lacks 'method' and has unknown key\(s\) 'methd'"),
    ({"method": "how", "sensitive_features": ["grp"], "outcomes": "err"}, r"unknown key\(s\) 'outcomes'"),
])
def test_a_control_sample_mapping_with_wrong_keys_names_them(keys, named):
    with pytest.raises(InputDataError, match=named) as raised:
        govaudit.audit(control_sample={"table": _control(), **keys})
    assert "expected keys: 'table', 'method', 'sensitive_features' and optionally 'outcome'" in str(raised.value)


def _triage(n: int = 300) -> pd.DataFrame:
    rng = np.random.default_rng(1)
    return pd.DataFrame({"sex": rng.choice(["f", "m"], n), "track": rng.choice(["a", "b", "c"], n),
                         "due": rng.choice(["a", "b", "c"], n), "rank": np.arange(1, n + 1)})


@pytest.mark.parametrize("arrays, named", [
    ({"y_class_true": "due"}, r"classes given as arrays \(y_class_true\)"),
    ({"y_relevance": "due"}, r"queue given as arrays \(y_relevance\)"),
])
def test_arrays_beside_a_backend_are_refused_not_dropped(arrays, named):
    frame = _triage()
    given = {key: frame[column].to_numpy() for key, column in arrays.items()}
    with pytest.raises(InputDataError, match=named + r'.*use backend = "memory".* for the duckdb backend'):
        govaudit.audit(data=frame, sensitive_features=["sex"], class_prediction="track", rank="rank",
                       backend="duckdb", auditors={"multiclass": {"adverse_class": "c"}}, **given)


class _FailingConnection:
    closed = False

    def from_df(self, frame):
        raise duckdb.InvalidInputException("cannot read column 'track'")

    def close(self):
        self.closed = True


def test_duckdb_errors_over_a_frame_are_typed_and_the_connection_closed(monkeypatch):
    connection = _FailingConnection()
    monkeypatch.setattr(data_module, "connect", lambda settings: connection)
    with pytest.raises(InputDataError, match="the DataFrame cannot be aggregated by DuckDB: cannot read column"):
        govaudit.audit(data=_triage(), sensitive_features=["sex"], class_prediction="track", backend="duckdb",
                       auditors={"multiclass": {"adverse_class": "c"}})
    assert connection.closed
