"""Fixtures shared across the suite: a small biased decision table, a trained model, a spec on disk;
and a check, around every test, that it leaves no thread running."""

from __future__ import annotations

import gc
import threading
import time
import weakref
from pathlib import Path
from textwrap import dedent

import numpy as np
import pandas as pd
import pytest

#: Seconds a test's threads get, after its fixtures are torn down, to finish before the test fails.
THREAD_JOIN_TIMEOUT_S = 2.0
#: Threads that live as long as the process by design, by the module their code comes from, with why.
PROCESS_WIDE_THREADS: dict[str, str] = {
    "py4j": "the Py4J gateway's callback server: PySpark starts one per process with the first SparkSession "
            "and keeps it, with the JVM, after the session stops",
    "pyspark.accumulators": "the accumulator server of the one SparkSession the backend tests share (a "
                            "session-scoped fixture, or the first test that needs Spark); it stops with the session",
    "tqdm._monitor": "tqdm's monitor: one per process, started by the first progress bar (MLflow's download "
                     "bar) and kept until the interpreter exits",
}


def _thread_origin(thread: threading.Thread) -> str:
    """The module of the code a thread runs: its target's (a bound method's object's), or its Thread subclass's."""
    target = getattr(thread, "_target", None)
    owner = getattr(target, "__self__", None)
    if owner is not None and not isinstance(owner, type(threading)):
        return type(owner).__module__
    return getattr(target, "__module__", None) or type(thread).__module__


def _process_wide(thread: threading.Thread) -> bool:
    origin = _thread_origin(thread)
    return any(origin == name or origin.startswith(name + ".") for name in PROCESS_WIDE_THREADS)


#: Threads a failed check has already named (so a module's check does not name its test's again).
_REPORTED: weakref.WeakSet[threading.Thread] = weakref.WeakSet()


def _threads_left(before: set[threading.Thread]) -> list[threading.Thread]:
    """Threads started since ``before`` that are still running after a short wait (none process-wide)."""
    started = [t for t in threading.enumerate()
               if t not in before and t not in _REPORTED and t.is_alive() and not _process_wide(t)]
    if not started:
        return []
    # a pool's workers end once the pool is garbage (e.g. one an MLflow artifact repository owned)
    gc.collect()
    deadline = time.monotonic() + THREAD_JOIN_TIMEOUT_S
    for thread in started:
        thread.join(max(0.0, deadline - time.monotonic()))
    return [t for t in started if t.is_alive()]


def _fail_if_threads_left(before: set[threading.Thread], where: str) -> None:
    left = _threads_left(before)
    _REPORTED.update(left)
    if left:
        names = ", ".join(f"{t.name} ({_thread_origin(t)}{', daemon' if t.daemon else ''})" for t in left)
        pytest.fail(f"{where} left {len(left)} thread(s) running: {names}", pytrace=False)


@pytest.fixture(autouse=True)
def no_thread_left_running(request: pytest.FixtureRequest):
    """Fail a test that leaves threads running (a server not shut down, a worker not joined).

    A leftover thread keeps using the process after its test: it can call a function another test
    has patched, or compete for the CPU with a test that measures timing.
    """
    before = set(threading.enumerate())
    yield
    _fail_if_threads_left(before, request.node.nodeid)


@pytest.fixture(scope="module", autouse=True)
def no_thread_left_by_the_module(request: pytest.FixtureRequest):
    """The same for a module's own fixtures (e.g. a browser shared by its tests), once they are torn down."""
    before = set(threading.enumerate())
    yield
    _fail_if_threads_left(before, f"{request.node.nodeid} (its module-scoped fixtures)")


def make_applications(n: int = 4000, *, penalty: float = 2.0, seed: int = 7) -> pd.DataFrame:
    """Applications where the outcome depends on income and, when ``penalty`` > 0, against in-person applicants."""
    rng = np.random.default_rng(seed)
    channel = rng.choice(["online", "in_person"], size=n, p=[0.7, 0.3])
    sex = rng.choice(["female", "male"], size=n).astype(object)
    sex[rng.random(n) < 0.01] = None
    income = rng.lognormal(7.5, 0.5, size=n)
    household = rng.integers(1, 6, size=n)
    logit = 1.0 - income / (800.0 * np.sqrt(household)) + 0.2 * household
    logit = logit - penalty * (channel == "in_person")
    eligible = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
    return pd.DataFrame(
        {
            "application_id": [f"A{i:06d}" for i in range(n)],
            "income": income,
            "household_size": household,
            "in_person": (channel == "in_person").astype(int),
            "channel": channel,
            "sex": sex,
            "eligible": eligible,
        }
    )


@pytest.fixture(scope="session")
def applications() -> pd.DataFrame:
    return make_applications()


@pytest.fixture(scope="session")
def fair_applications() -> pd.DataFrame:
    return make_applications(penalty=0.0, seed=11)


def train_and_save(frame: pd.DataFrame, folder: Path) -> tuple[Path, list[str]]:
    """Fit a logistic regression on numeric features, save it with skops, return path and untrusted types."""
    import skops.io as sio
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(max_iter=500).fit(frame[["income", "household_size", "in_person"]], frame["eligible"])
    path = folder / "model.skops"
    sio.dump(model, path)
    return path, list(sio.get_untrusted_types(file=path))


@pytest.fixture(scope="session")
def audit_project(tmp_path_factory, applications, fair_applications):
    """A folder with a biased and a fair model, their data, and a spec for each."""
    root = tmp_path_factory.mktemp("project")
    out = {}
    for name, frame in (("biased", applications), ("fair", fair_applications)):
        folder = root / name
        folder.mkdir()
        frame.to_csv(folder / "eval.csv", index=False)
        model_path, trusted = train_and_save(frame, folder)
        spec = folder / "audit.toml"
        spec.write_text(spec_text(name=name, trusted=trusted))
        out[name] = spec
    return out


def spec_text(*, name: str = "sample", trusted: list[str] | None = None, extra_bias: str = "",
              gates: str = 'impact_ratio = { min = 0.8 }') -> str:
    trusted_list = ", ".join(f'"{t}"' for t in (trusted or []))
    return dedent(
        f"""
        [audit]
        name = "{name}"
        description = "test audit"

        [responsible]
        owner = "Benefits Office"
        auditor = "Audit Unit"
        approver = "Chief Data Officer"

        [model]
        path = "model.skops"
        trusted_types = [{trusted_list}]

        [data]
        path = "eval.csv"
        label = "eligible"
        sensitive_features = ["channel", "sex"]

        [output]
        dir = "reports"

        [auditors.bias]
        n_resamples = 200
        require_significance = true
        {extra_bias}

        [auditors.bias.gates]
        {gates}
        """
    )
