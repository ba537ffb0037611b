"""A small Open Inference Protocol v2 (and MLflow ``/invocations``) server on 127.0.0.1, backed by a
scikit-learn model, that can be told to fail: HTTP 500, malformed JSON, a slow answer, a dropped
connection. Used by the adapter tests and by ``benchmarks/adapters.py``."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["OIPServer"]

_V2 = {"BOOL": bool, "INT64": np.int64, "INT32": np.int32, "FP64": np.float64, "FP32": np.float32}


class _Server(ThreadingHTTPServer):
    """A threading HTTP server that can end the connections its clients keep open.

    A client's connection pool keeps connections alive after its last request, so a thread per
    connection would wait for the next request until the client is garbage collected; stopping the
    server shuts those connections down and joins their threads instead.
    """

    daemon_threads = False  # server_close() joins the connection threads

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._open_lock:
            self._open.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._open_lock:
            self._open.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        """Shut down every open connection: a thread waiting for its next request reads the end."""
        with self._open_lock:
            open_now = list(self._open)
        for connection in open_now:
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:  # already closed by the client
                pass


class OIPServer:
    """Serve ``model`` as ``/v2/models/{name}/infer`` and ``/invocations`` until :meth:`stop`.

    Attributes
    ----------
    faults : deque of str
        Consumed one per inference request: ``"500"``, ``"malformed"``, ``"slow"``, ``"drop"``, ``"ok"``.
    always : str or None
        A fault applied to every inference request (after ``faults`` is empty).
    fail_ids : set of str
        v2 request ids that always get HTTP 500 (e.g. ``"govaudit-100"``: the batch starting at row 100).
    token : str or None
        When set, requests without ``Authorization: Bearer <token>`` get HTTP 401.
    """

    def __init__(self, model: Any, *, name: str = "benefits", features: list[str] | None = None,
                 publish_inputs: bool = True, token: str | None = None, slow_s: float = 1.0,
                 delay_s: float = 0.0) -> None:
        self.model, self.name, self.token = model, name, token
        self.features = features or [str(c) for c in model.feature_names_in_]
        self.publish_inputs, self.slow_s, self.delay_s = publish_inputs, slow_s, delay_s
        self.faults: deque[str] = deque()
        self.always: str | None = None
        self.fail_ids: set[str] = set()
        self.requests = 0
        self.in_flight = 0
        self.max_in_flight = 0
        self.headers_seen: list[dict[str, str]] = []
        self._lock = threading.Lock()
        self._httpd = _Server(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="oip-server", daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        """The v2 inference URL."""
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/v2/models/{self.name}/infer"

    @property
    def invocations_url(self) -> str:
        """MLflow's scoring URL."""
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/invocations"

    def stop(self) -> None:
        """Shut the server down, end its connections, wait for its threads and free the port."""
        self._httpd.shutdown()
        self._httpd.close_connections()
        self._httpd.server_close()  # joins the connection threads
        self._thread.join()

    def __enter__(self) -> "OIPServer":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    # -- model side -------------------------------------------------------------------------------
    def _frame(self, request: dict[str, Any]) -> pd.DataFrame:
        inputs = request["inputs"]
        if len(inputs) == 1 and len(inputs[0]["shape"]) == 2 and inputs[0]["shape"][1] == len(self.features) > 1:
            values = np.asarray(inputs[0]["data"], dtype=float).reshape(inputs[0]["shape"])
            return pd.DataFrame(values, columns=self.features)
        columns = {}
        for spec in inputs:
            cast = _V2.get(spec["datatype"], object)
            columns[spec["name"]] = np.asarray(spec["data"], dtype=cast).reshape(-1)
        return pd.DataFrame(columns)[self.features]

    def infer_v2(self, request: dict[str, Any]) -> dict[str, Any]:
        frame = self._frame(request)
        labels = np.asarray(self.model.predict(frame))
        proba = np.asarray(self.model.predict_proba(frame))
        return {"model_name": self.name, "id": request.get("id"), "outputs": [
            {"name": "predict", "shape": [len(labels), 1], "datatype": "INT64", "data": labels.tolist()},
            {"name": "predict_proba", "shape": list(proba.shape), "datatype": "FP64", "data": proba.ravel().tolist()},
        ]}

    def invocations(self, request: dict[str, Any]) -> dict[str, Any]:
        split = request["dataframe_split"]
        frame = pd.DataFrame(split["data"], columns=split["columns"])[self.features]
        return {"predictions": np.asarray(self.model.predict(frame)).tolist()}

    def metadata(self) -> dict[str, Any]:
        meta: dict[str, Any] = {"name": self.name, "versions": ["1"], "platform": "sklearn"}
        if self.publish_inputs:
            meta["inputs"] = [{"name": c, "datatype": "BYTES", "shape": [-1, 1]} for c in self.features]
        return meta

    def _next_fault(self, request_id: str | None) -> str:
        with self._lock:
            self.requests += 1
            if request_id in self.fail_ids:
                return "500"
            if self.faults:
                return self.faults.popleft()
            return self.always or "ok"

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def setup(self) -> None:
                super().setup()
                # headers and body go out in separate writes: without this, Nagle's algorithm and the
                # client's delayed ACK add ~40 ms to every answer
                self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

            def log_message(self, *args: Any) -> None:  # keep the test output clean
                pass

            def _send(self, status: int, body: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _authorised(self) -> bool:
                with server._lock:
                    server.headers_seen.append(dict(self.headers))
                if server.token is None:
                    return True
                if self.headers.get("Authorization") == f"Bearer {server.token}":
                    return True
                self._send(401, b'{"error": "unauthorised"}')
                return False

            def do_GET(self) -> None:
                if not self._authorised():
                    return
                if self.path.rstrip("/") == f"/v2/models/{server.name}":
                    self._send(200, json.dumps(server.metadata()).encode())
                else:
                    self._send(404, b'{"error": "not found"}')

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                raw = self.rfile.read(length)
                if not self._authorised():
                    return
                try:
                    request = json.loads(raw)
                except ValueError:
                    self._send(400, b'{"error": "bad json"}')
                    return
                with server._lock:
                    server.in_flight += 1
                    server.max_in_flight = max(server.max_in_flight, server.in_flight)
                try:
                    self._infer(request)
                finally:
                    with server._lock:
                        server.in_flight -= 1

            def _infer(self, request: dict[str, Any]) -> None:
                fault = server._next_fault(request.get("id") if isinstance(request, dict) else None)
                if server.delay_s:
                    time.sleep(server.delay_s)
                if fault == "500":
                    self._send(500, b'{"error": "internal error"}')
                    return
                if fault == "drop":
                    self.close_connection = True
                    self.connection.shutdown(2)
                    return
                if fault == "slow":
                    time.sleep(server.slow_s)
                if self.path == f"/v2/models/{server.name}/infer":
                    answer = server.infer_v2(request)
                elif self.path == "/invocations":
                    answer = server.invocations(request)
                else:
                    self._send(404, b'{"error": "not found"}')
                    return
                body = json.dumps(answer).encode()
                if fault == "malformed":
                    body = body[: len(body) // 2]
                try:
                    self._send(200, body)
                except (BrokenPipeError, ConnectionResetError):  # the client gave up (a timeout)
                    pass

        return Handler
