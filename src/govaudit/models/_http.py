"""Models behind an HTTP prediction endpoint: Open Inference Protocol v2 (KServe, MLServer, Triton)
or MLflow's scoring server (``/invocations``).

Rows are sent in batches, several at a time (a concurrency cap), no faster than a rate limit, each
request with a timeout and retried with exponential backoff on a connection error, a timeout, a
5xx/408/429 answer or a malformed body. A batch that still fails stops the scoring with the rows
affected: partial results are never used. The authentication token is read from the environment
variable the spec names and is never written anywhere; messages are scrubbed of it.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
import weakref
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from typing import Any, Literal
from urllib.parse import urlsplit

import numpy as np
import pandas as pd

from govaudit.exceptions import ModelLoadError
from govaudit.models._classes import infer_classes
from govaudit.models._rate_limit import RateLimiter as _RateLimiter

__all__ = ["EndpointError", "EndpointModel"]

_MSG_NO_HTTPX = "{url}: endpoint models need httpx; install it with: pip install httpx"
_MSG_URL = "{url}: not an http(s) URL"
_MSG_CREDENTIALS = ("[model] url must not carry credentials; put the token in an environment variable "
                    "and name it with auth_env")
_MSG_ENV = "environment variable {name!r} named by [model] auth_env is not set"
_MSG_NO_FEATURES = ("{url}: the endpoint does not publish its input names; name the columns to send with "
                    "[data] features (nothing else is sent to an endpoint)")
_MSG_BATCH = ("{url}: rows {first} to {last} of the {total} scored ({rows} rows{labels}) failed after "
              "{attempts} attempt{s}: {reason}; no partial result was used")
_MSG_CLASSES = "{url}: cannot tell which probability column is which class; the endpoint returned labels {labels}"

_RETRY_STATUS = {408, 429, 500, 502, 503, 504}
_V2_TYPES = {"b": "BOOL", "i": "INT64", "u": "INT64", "f": "FP64"}


class EndpointError(ModelLoadError):
    """An endpoint failed to score a batch after its retries, or answered something unreadable.

    Attributes
    ----------
    first_row, last_row : int
        0-based positions, in the data, of the first and last row of the failed batch.
    """

    def __init__(self, message: str, first_row: int = -1, last_row: int = -1) -> None:
        super().__init__(message)
        self.first_row, self.last_row = first_row, last_row


class _Retryable(Exception):
    """A failure worth another attempt (message already scrubbed)."""


def _cell(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


class EndpointModel:
    """A model served over HTTP, with the scikit-learn duck type.

    Parameters
    ----------
    url : str
        The inference URL: ``http://host/v2/models/NAME/infer`` (protocol ``"v2"``) or
        ``http://host/invocations`` (protocol ``"mlflow"``).
    protocol : {"v2", "mlflow"}
        Open Inference Protocol v2 JSON, or MLflow's scoring JSON (``dataframe_split``).
    features : sequence of str, optional
        Columns to send; default: the input names the v2 metadata endpoint publishes.
    batch_size : int
        Rows per request.
    timeout_s : float
        Seconds to wait for each request.
    retries : int
        Further attempts after a failed one; waits ``backoff_s * 2**k`` before attempt ``k + 1``.
    backoff_s : float
        First backoff wait in seconds.
    rate_limit : float, optional
        Most requests started per second.
    concurrency : int
        Most requests in flight at once.
    auth_env : str, optional
        Name of the environment variable holding the token (never the token itself).
    auth_header, auth_scheme : str
        The header carrying it, and the scheme written before it (``""`` for none).
    input_name : str, optional
        v2 only: send one 2-D FP64 tensor of this name instead of one input per column.
    classes : sequence, optional
        Class labels in probability-column order, when the endpoint's labels cannot tell.
    progress : bool, optional
        Show a progress bar; default: only when stderr is a terminal.
    reference : object, optional
        The registered artifact the endpoint should be serving, compared by the ``deployment`` auditor.
    """

    kind = "http"

    def __init__(
        self,
        url: str,
        *,
        protocol: Literal["v2", "mlflow"] = "v2",
        features: Sequence[str] | None = None,
        batch_size: int = 256,
        timeout_s: float = 30.0,
        retries: int = 3,
        backoff_s: float = 0.5,
        rate_limit: float | None = None,
        concurrency: int = 4,
        auth_env: str | None = None,
        auth_header: str = "Authorization",
        auth_scheme: str = "Bearer",
        input_name: str | None = None,
        classes: Sequence[Any] | None = None,
        progress: bool | None = None,
        reference: Any = None,
    ) -> None:
        try:
            import httpx
        except ImportError:
            raise ModelLoadError(_MSG_NO_HTTPX.format(url=url)) from None
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ModelLoadError(_MSG_URL.format(url=url))
        if parts.username or parts.password:
            raise ModelLoadError(_MSG_CREDENTIALS)
        self.url, self.protocol = url, protocol
        self.batch_size, self.timeout_s, self.retries, self.backoff_s = batch_size, timeout_s, retries, backoff_s
        self.concurrency, self.input_name, self.reference_model = concurrency, input_name, reference
        self.progress = sys.stderr.isatty() if progress is None else progress
        self._limiter = _RateLimiter(rate_limit)
        #: waits between attempts; an attribute of this model, so a test can replace it for this model only
        self._sleep: Callable[[float], None] = time.sleep
        self._secret: str | None = None
        headers = {"Content-Type": "application/json"}
        if auth_env:
            token = os.environ.get(auth_env)
            if not token:
                raise ModelLoadError(_MSG_ENV.format(name=auth_env))
            self._secret = token
            headers[auth_header] = f"{auth_scheme} {token}".strip()
        self._client = httpx.Client(headers=headers, timeout=timeout_s,
                                    limits=httpx.Limits(max_connections=max(concurrency, 1)))
        # the connections close when the model is garbage-collected, even if nobody calls close()
        weakref.finalize(self, self._client.close)
        self._cache: tuple[str, np.ndarray, np.ndarray | None] | None = None
        self._has_proba: bool | None = None
        names = list(features) if features is not None else self._published_inputs()
        self.feature_names_in_ = np.asarray(names, dtype=object) if names else None
        self._classes = np.asarray(list(classes)) if classes is not None else None

    def __repr__(self) -> str:  # never the headers: they hold the token
        return f"EndpointModel(url={self.url!r}, protocol={self.protocol!r})"

    # -- the duck type ----------------------------------------------------------------------------
    @property
    def classes_(self) -> np.ndarray:
        """Class labels in probability-column order (given, or told from the first answers)."""
        if self._classes is None:
            raise AttributeError("the endpoint's class labels are not known yet")
        return self._classes

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        """Decisions, one per row of ``X``."""
        return self._score(X)[0]

    @property
    def predict_proba(self):  # a property so that hasattr() tells whether the endpoint returns probabilities
        """Class probabilities, when the endpoint returns them."""
        if self._has_proba is False:
            raise AttributeError("the endpoint returns no probabilities")
        return self._predict_proba

    def _predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        proba = self._score(X)[1]
        if proba is None:
            raise ModelLoadError(f"{self.url}: the endpoint returned no probabilities")
        return proba

    def close(self) -> None:
        """Close the HTTP connections."""
        self._client.close()

    def __enter__(self) -> "EndpointModel":
        return self

    def __exit__(self, *exc_info: object) -> None:  # a with block closes the connections
        self.close()

    # -- scoring ----------------------------------------------------------------------------------
    def _scrub(self, text: str) -> str:
        return text.replace(self._secret, "***") if self._secret else text

    def _published_inputs(self) -> list[str] | None:
        """Input names from the v2 model metadata endpoint (``GET .../v2/models/NAME``), if it lists them."""
        if self.protocol != "v2" or not self.url.rstrip("/").endswith("/infer"):
            return None
        try:
            answer = self._client.get(self.url.rstrip("/")[: -len("/infer")])
            inputs = answer.json().get("inputs") if answer.status_code == 200 else None
        except Exception:  # metadata is optional in the protocol; the spec's features then decide
            return None
        names = [i.get("name") for i in inputs or [] if isinstance(i, dict)]
        return names if len(names) > 1 and all(isinstance(n, str) for n in names) else None

    def _score(self, X: pd.DataFrame) -> tuple[np.ndarray, np.ndarray | None]:
        if not isinstance(X, pd.DataFrame):  # e.g. an explainer's perturbed rows
            X = pd.DataFrame(np.asarray(X), columns=self.feature_names_in_).infer_objects()
        if self.feature_names_in_ is None and self.input_name is None:
            raise ModelLoadError(_MSG_NO_FEATURES.format(url=self.url))
        # build_subject asks for probabilities, then decisions, of the same rows: score them once
        key = f"{len(X)}:{pd.util.hash_pandas_object(X, index=False).sum()}:{tuple(X.columns)}"
        if self._cache is not None and self._cache[0] == key:
            return self._cache[1], self._cache[2]
        starts = list(range(0, len(X), self.batch_size))
        labels: list[np.ndarray | None] = [None] * len(starts)
        probas: list[np.ndarray | None] = [None] * len(starts)
        progress = self._progress_bar(len(X))
        stop = threading.Event()  # set on the first failed batch: the others stop retrying
        pool = ThreadPoolExecutor(max_workers=max(1, self.concurrency))
        try:
            futures = {pool.submit(self._one_batch, X.iloc[s : s + self.batch_size], s, len(X), stop): i
                       for i, s in enumerate(starts)}
            pending = set(futures)
            while pending:
                done, pending = wait(pending, return_when=FIRST_EXCEPTION)
                for future in done:
                    if future.exception() is not None:
                        stop.set()
                        for other in pending:
                            other.cancel()
                        raise future.exception()  # type: ignore[misc]
                    i = futures[future]
                    labels[i], probas[i] = future.result()
                    if progress is not None:
                        progress[0].advance(progress[1], len(labels[i]))  # type: ignore[arg-type]
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
            if progress is not None:
                progress[0].stop()
        label_arr = np.concatenate(labels) if labels else np.empty(0)  # type: ignore[arg-type]
        proba_arr = None
        if probas and all(p is not None for p in probas):
            proba_arr = np.concatenate(probas)  # type: ignore[arg-type]
            if self._classes is None:
                self._classes = self._infer_classes(label_arr, proba_arr)
        self._has_proba = proba_arr is not None
        self._cache = (key, label_arr, proba_arr)
        return label_arr, proba_arr

    def _progress_bar(self, rows: int) -> tuple[Any, Any] | None:
        if not self.progress or rows <= self.batch_size:
            return None
        from rich.console import Console
        from rich.progress import Progress

        bar = Progress(console=Console(stderr=True), transient=True)
        task = bar.add_task(f"scoring {rows} rows at {urlsplit(self.url).netloc}", total=rows)
        bar.start()
        return bar, task

    def _infer_classes(self, labels: np.ndarray, proba: np.ndarray) -> np.ndarray:
        classes = infer_classes(labels, proba)
        if classes is None:
            raise ModelLoadError(_MSG_CLASSES.format(url=self.url, labels=sorted(set(labels.tolist()))[:10]))
        return classes

    def _body(self, batch: pd.DataFrame, start: int) -> dict[str, Any]:
        if self.protocol == "mlflow":
            return {"dataframe_split": {"columns": [str(c) for c in batch.columns],
                                        "data": [[_cell(v) for v in row] for row in batch.itertuples(index=False)]}}
        request: dict[str, Any] = {"id": f"govaudit-{start}"}
        if self.input_name is not None:
            values = batch.to_numpy(dtype=float)
            request["inputs"] = [{"name": self.input_name, "shape": list(values.shape), "datatype": "FP64",
                                  "data": values.ravel().tolist()}]
        else:
            request["parameters"] = {"content_type": "pd"}
            request["inputs"] = []
            for name in batch.columns:
                column = batch[name]
                datatype = _V2_TYPES.get(column.dtype.kind, "BYTES")
                data = column.astype(str).tolist() if datatype == "BYTES" else column.tolist()
                request["inputs"].append({"name": str(name), "shape": [len(batch), 1], "datatype": datatype,
                                          "data": data})
        request["outputs"] = [{"name": "predict"}, {"name": "predict_proba"}]
        return request

    def _one_batch(self, batch: pd.DataFrame, start: int, total: int,
                   stop: threading.Event) -> tuple[np.ndarray, np.ndarray | None]:
        body = json.dumps(self._body(batch, start))
        attempts = self.retries + 1
        reason = ""
        for attempt in range(attempts):
            if attempt:
                if stop.is_set():  # another batch has failed: the run stops anyway
                    attempts = attempt
                    break
                self._sleep(self.backoff_s * 2 ** (attempt - 1))
            self._limiter.wait()
            try:
                return self._attempt(body, len(batch))
            except _Retryable as exc:
                reason = str(exc)
            except EndpointError as exc:  # not worth retrying (e.g. 401, 404)
                reason, attempts = str(exc), attempt + 1
                break
        first, last = start, start + len(batch) - 1
        labels = ""
        if not batch.index.equals(pd.RangeIndex(first, last + 1)):  # name the cases by the table's index
            shown = [str(v) for v in batch.index[:5]]
            labels = "; index " + ", ".join(shown) + (", ..." if len(batch) > 5 else "")
        raise EndpointError(self._scrub(_MSG_BATCH.format(url=self.url, first=first, last=last, total=total,
                                                          rows=len(batch), labels=labels, attempts=attempts,
                                                          s="s" if attempts != 1 else "", reason=reason)),
                            first, last)

    def _attempt(self, body: str, rows: int) -> tuple[np.ndarray, np.ndarray | None]:
        import httpx

        try:
            answer = self._client.post(self.url, content=body)
        except httpx.TimeoutException:
            raise _Retryable(f"no answer within {self.timeout_s:g} s") from None
        except httpx.TransportError as exc:
            raise _Retryable(self._scrub(f"cannot connect ({type(exc).__name__}: {exc})")) from None
        if answer.status_code in _RETRY_STATUS:
            raise _Retryable(f"HTTP {answer.status_code}")
        if answer.status_code >= 400:
            raise EndpointError(f"HTTP {answer.status_code} {answer.reason_phrase}")
        try:
            payload = answer.json()
            return self._parse(payload, rows)
        except (ValueError, KeyError, TypeError, IndexError) as exc:
            raise _Retryable(self._scrub(f"malformed answer ({type(exc).__name__}: {str(exc)[:120]})")) from None

    def _parse(self, payload: Any, rows: int) -> tuple[np.ndarray, np.ndarray | None]:
        if self.protocol == "mlflow":
            values = np.asarray(payload["predictions"] if isinstance(payload, dict) else payload)
            if values.ndim == 2 and values.shape[1] > 1:  # a model served with predict_proba
                proba = values.astype(float)
                if len(proba) != rows:
                    raise ValueError(f"{len(proba)} answers for {rows} rows")
                classes = self._classes if self._classes is not None else np.arange(proba.shape[1])
                return np.asarray(classes)[np.argmax(proba, axis=1)], proba
            values = values.ravel()
            if len(values) != rows:
                raise ValueError(f"{len(values)} answers for {rows} rows")
            return values, None
        outputs = {o["name"]: o for o in payload["outputs"]}
        label = proba = None
        for name, out in outputs.items():
            data = np.asarray(out["data"])
            shape = [int(s) for s in out.get("shape") or [data.size]]
            data = data.reshape(shape)
            if shape[0] != rows:
                raise ValueError(f"output {name!r} has {shape[0]} rows for {rows} sent")
            if name == "predict_proba" or (len(shape) == 2 and shape[1] > 1 and proba is None and name != "predict"):
                proba = data.astype(float)
            elif label is None or name == "predict":
                label = data.ravel()
        if label is None:
            if proba is None:
                raise ValueError("no output holds decisions")
            classes = self._classes if self._classes is not None else np.arange(proba.shape[1])
            label = np.asarray(classes)[np.argmax(proba, axis=1)]
        return label, proba
