"""Endpoints: a real OIP v2 server on 127.0.0.1, made to fail, stall and answer garbage."""

from __future__ import annotations

import socket

import numpy as np
import pytest

import govaudit
from govaudit.cli import main
from govaudit.models import EndpointError, EndpointModel, open_model
from govaudit.models import _http
from govaudit.report import write_reports
from adapter_helpers import FEATURES, spec_for
from oip_server import OIPServer

TOKEN = "s3cr3t-token-4f1c9a"


def _endpoint(server: OIPServer, **settings) -> EndpointModel:
    settings = {"batch_size": 100, "backoff_s": 0.0, "timeout_s": 5.0, **settings}
    return EndpointModel(server.url, **settings)


def test_scores_like_the_model_in_batches(server, logreg, small_applications) -> None:
    x = small_applications[FEATURES]
    endpoint = _endpoint(server, batch_size=128, concurrency=3)
    assert list(endpoint.feature_names_in_) == FEATURES  # from GET /v2/models/benefits
    np.testing.assert_array_equal(endpoint.predict(x), logreg.predict(x))
    np.testing.assert_allclose(endpoint.predict_proba(x), logreg.predict_proba(x), rtol=0, atol=1e-15)
    assert list(endpoint.classes_) == [0, 1]
    assert server.requests == 5  # ceil(600 / 128), once: decisions and probabilities arrive together
    assert 1 <= server.max_in_flight <= 3


def test_concurrency_cap_holds(logreg, small_applications) -> None:
    with OIPServer(logreg, features=FEATURES, delay_s=0.05) as srv:
        _endpoint(srv, batch_size=50, concurrency=2).predict(small_applications[FEATURES])
        assert srv.requests == 12
        assert srv.max_in_flight == 2


def test_intermittent_failures_are_retried(server, logreg, small_applications) -> None:
    server.faults.extend(["500", "malformed", "drop", "ok", "500"])
    x = small_applications[FEATURES]
    endpoint = _endpoint(server, concurrency=1, retries=3)
    np.testing.assert_array_equal(endpoint.predict(x), logreg.predict(x))
    assert server.requests == 6 + 4  # six batches, four failed attempts


def test_slow_answer_times_out_and_is_retried(server, logreg, small_applications) -> None:
    server.slow_s = 1.0
    server.faults.append("slow")
    x = small_applications[FEATURES]
    endpoint = _endpoint(server, concurrency=1, timeout_s=0.2, retries=1)
    np.testing.assert_array_equal(endpoint.predict(x), logreg.predict(x))
    assert server.requests == 7


def test_always_slow_endpoint_stops_with_the_rows(server, small_applications) -> None:
    server.slow_s, server.always = 0.6, "slow"
    endpoint = _endpoint(server, concurrency=1, timeout_s=0.15, retries=1)
    with pytest.raises(EndpointError, match=r"rows 0 to 99 of the 600 scored \(100 rows\) failed after 2 attempts: "
                                            r"no answer within 0\.15 s; no partial result was used") as info:
        endpoint.predict(small_applications[FEATURES])
    assert (info.value.first_row, info.value.last_row) == (0, 99)


def test_malformed_json_after_retries_is_a_clear_error(server, small_applications) -> None:
    server.always = "malformed"
    with pytest.raises(EndpointError, match=r"failed after 3 attempts: malformed answer \(JSONDecodeError"):
        _endpoint(server, retries=2).predict(small_applications[FEATURES])


def test_one_failing_batch_stops_the_run_naming_its_cases(server, small_applications) -> None:
    server.fail_ids.add("govaudit-300")
    x = small_applications.set_index("application_id")[FEATURES]
    with pytest.raises(EndpointError, match=r"rows 300 to 399 of the 600 scored \(100 rows; index A00300, A00301, "
                                            r"A00302, A00303, A00304, \.\.\.\) failed after 2 attempts: HTTP 500"):
        _endpoint(server, retries=1).predict(x)


def test_progress_bar_on_request(server, logreg, small_applications, capsys) -> None:
    x = small_applications[FEATURES]
    np.testing.assert_array_equal(_endpoint(server, progress=True).predict(x), logreg.predict(x))
    assert capsys.readouterr().out == ""  # the bar goes to stderr, never into a piped report


def test_wrong_answer_length_is_malformed(server, small_applications, monkeypatch) -> None:
    original = server.infer_v2

    def short(request):
        answer = original(request)
        for out in answer["outputs"]:
            out["shape"][0] -= 1
            out["data"] = out["data"][: -(len(out["data"]) // (out["shape"][0] + 1))]
        return answer

    monkeypatch.setattr(server, "infer_v2", short)
    with pytest.raises(EndpointError, match=r"malformed answer \(ValueError: output 'predict' has 99 rows for 100"):
        _endpoint(server, retries=0).predict(small_applications[FEATURES])


def test_unreachable_endpoint_is_one_line_from_the_cli(model_files, capsys) -> None:
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}/v2/models/benefits/infer"
    spec = spec_for(model_files["root"], f'kind = "http"\nurl = "{url}"\nretries = 1\nbackoff_s = 0.0',
                    name="unreachable")
    code = main(["run", str(spec)])
    err = capsys.readouterr().err
    assert code == 2
    assert len(err.strip().splitlines()) == 1
    assert "failed after 2 attempts: cannot connect (ConnectError" in err and url in err
    assert "Traceback" not in err


def test_rate_limit_spaces_request_starts() -> None:
    clock = {"now": 100.0}
    slept: list[float] = []
    limiter = _http._RateLimiter(4.0, clock=lambda: clock["now"], sleep=slept.append)
    for _ in range(3):
        limiter.wait()
    assert slept == [0.25, 0.5]  # starts at 100.0, 100.25, 100.5
    clock["now"] = 200.0
    limiter.wait()
    assert slept == [0.25, 0.5]  # idle long enough: no wait


def test_backoff_doubles(server, small_applications) -> None:
    slept: list[float] = []
    endpoint = _endpoint(server, concurrency=1, retries=3, backoff_s=0.5)
    endpoint._sleep = slept.append  # this model's waits only: time.sleep stays untouched for other threads
    server.always = "500"
    with pytest.raises(EndpointError, match="failed after 4 attempts: HTTP 500"):
        endpoint.predict(small_applications[FEATURES].head(10))
    assert slept == [0.5, 1.0, 2.0]


def test_client_errors_are_not_retried(server, small_applications) -> None:
    server.delay_s = 0.05  # the next batch's request is still in flight when the scoring stops, however busy the CPU
    bad = EndpointModel(server.url.replace("benefits", "nobody"), features=FEATURES, retries=3, backoff_s=0.0,
                        concurrency=1)
    with pytest.raises(EndpointError, match=r"failed after 1 attempt: HTTP 404 Not Found"):
        bad.predict(small_applications[FEATURES])
    assert server.requests <= 2  # the failed batch was not retried; at most the next one had started


def test_mlflow_scoring_protocol(server, logreg, small_applications) -> None:
    x = small_applications[FEATURES]
    endpoint = EndpointModel(server.invocations_url, protocol="mlflow", features=FEATURES, batch_size=256)
    np.testing.assert_array_equal(endpoint.predict(x), logreg.predict(x))
    assert not hasattr(endpoint, "predict_proba")  # MLflow's scoring answers decisions only


def test_single_tensor_input(server, logreg, small_applications) -> None:
    x = small_applications[FEATURES]
    endpoint = _endpoint(server, input_name="input-0", features=FEATURES)
    np.testing.assert_array_equal(endpoint.predict(x), logreg.predict(x))


def test_without_published_inputs_the_spec_must_name_the_features(logreg, small_applications) -> None:
    with OIPServer(logreg, features=FEATURES, publish_inputs=False) as srv:
        endpoint = EndpointModel(srv.url)
        assert endpoint.feature_names_in_ is None
        with pytest.raises(govaudit.ModelLoadError, match=r"name the columns to send with \[data\] features"):
            endpoint.predict(small_applications)


def test_url_with_credentials_is_refused() -> None:
    with pytest.raises(govaudit.ModelLoadError, match="must not carry credentials"):
        EndpointModel("http://user:pw@127.0.0.1:1/v2/models/m/infer")


# -- authentication ---------------------------------------------------------------------------------
def test_token_is_sent_but_never_written(model_files, logreg, monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("BENEFITS_TOKEN", TOKEN)
    with OIPServer(logreg, features=FEATURES, token=TOKEN) as srv:
        spec = spec_for(model_files["root"],
                        f'kind = "http"\nurl = "{srv.url}"\nauth_env = "BENEFITS_TOKEN"\nbatch_size = 200\n'
                        '[model.artifact]\npath = "model.skops"',
                        auditors="[auditors.bias]\nn_resamples = 50\n[auditors.deployment]\n", name="auth")
        record = govaudit.run_plan(govaudit.load_spec(spec))
        assert all(h.get("Authorization") == f"Bearer {TOKEN}" for h in srv.headers_seen)
        assert record.findings_for("deployment")[0].status is govaudit.Status.PASS
        out = tmp_path / "reports"
        write_reports(record, out, junit=out / "junit.xml", case_files=True)
        written = [p for p in out.rglob("*") if p.is_file()]
        assert written
        for path in written:
            assert TOKEN.encode() not in path.read_bytes(), path
        assert TOKEN not in record.to_json()
        assert TOKEN not in repr(record.model) and TOKEN not in repr(govaudit.load_spec(spec).spec)
        # a failure message carries the URL, never the token
        srv.always = "500"
        endpoint = EndpointModel(srv.url, auth_env="BENEFITS_TOKEN", retries=0)
        assert TOKEN not in repr(endpoint)
        with pytest.raises(EndpointError) as info:
            endpoint.predict(record_frame(model_files))
        assert TOKEN not in str(info.value)


def record_frame(model_files):
    import pandas as pd

    return pd.read_csv(model_files["data"])[FEATURES].head(5)


def test_wrong_token_is_refused_without_retrying(server, small_applications, monkeypatch) -> None:
    server.token = TOKEN
    monkeypatch.setenv("BENEFITS_TOKEN", "wrong")
    endpoint = EndpointModel(server.url, features=FEATURES, auth_env="BENEFITS_TOKEN", retries=3)
    with pytest.raises(EndpointError, match=r"failed after 1 attempt: HTTP 401 Unauthorized"):
        endpoint.predict(small_applications[FEATURES])


def test_missing_token_variable(server, monkeypatch) -> None:
    monkeypatch.delenv("NO_SUCH_TOKEN_VAR", raising=False)
    with pytest.raises(govaudit.ModelLoadError,
                       match=r"environment variable 'NO_SUCH_TOKEN_VAR' named by \[model\] auth_env is not set"):
        open_model(server.url, auth_env="NO_SUCH_TOKEN_VAR")


def test_connections_close_with_the_block_or_when_the_model_is_dropped(server) -> None:
    import gc

    with _endpoint(server) as endpoint:
        client = endpoint._client
        assert not client.is_closed
    assert client.is_closed
    dropped = _endpoint(server)
    client = dropped._client
    del dropped
    gc.collect()
    assert client.is_closed
