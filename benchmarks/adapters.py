"""Rows per second scored through each model adapter, on the benefits-eligibility model.

The same scikit-learn pipeline (one-hot encoding + histogram gradient boosting) is scored on the same
evaluation rows as: the in-memory estimator (.skops loaded), an ONNX file (skl2onnx, onnxruntime), an
MLflow model folder (pyfunc), and an Open Inference Protocol v2 endpoint on 127.0.0.1 — batched with
govaudit's EndpointModel, and one row per request (how a naive client calls a live service). Every
adapter's decisions are compared with the estimator's. Results go to benchmarks/results/adapters.json.

    python benchmarks/adapters.py            # 50,000 rows; 2,000 one-row requests
    python benchmarks/adapters.py --quick    # 5,000 rows; 300 one-row requests
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "models")]

from oip_server import OIPServer  # noqa: E402  (the test suite's OIP v2 server)

from govaudit.models import EndpointModel, load_mlflow, load_model, open_model  # noqa: E402
from sample_models.benefits_eligibility.generate import generate_applications, split_train_eval  # noqa: E402
from sample_models.benefits_eligibility.train import FEATURES, save_model, train_model  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results" / "adapters.json"
ARTIFACTS = ROOT / "sample_models" / "benefits_eligibility" / "artifacts"


def _model_and_data(folder: Path, rows: int) -> tuple[Path, list[str], pd.DataFrame]:
    """The sample model and its evaluation rows (the `make demo` artifacts when present)."""
    if (ARTIFACTS / "model.skops").is_file() and (ARTIFACTS / "eval.parquet").is_file():
        trusted = json.loads((ARTIFACTS / "trusted_types.json").read_text())
        data = pd.read_parquet(ARTIFACTS / "eval.parquet")
        path = ARTIFACTS / "model.skops"
    else:
        train, data = split_train_eval(generate_applications(50_000, seed=0))
        path = folder / "model.skops"
        trusted = save_model(train_model(train), path)
    data = pd.concat([data] * (rows // len(data) + 1), ignore_index=True).head(rows)
    return path, trusted, data[list(FEATURES)]


def _time(score: Callable[[], np.ndarray], repeat: int) -> tuple[float, np.ndarray]:
    best, out = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        out = score()
        best = min(best, time.perf_counter() - start)
    return best, np.asarray(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="5,000 rows and 300 one-row requests")
    parser.add_argument("--rows", type=int, default=None)
    parser.add_argument("--single-rows", type=int, default=None, help="rows sent one per request")
    parser.add_argument("--batch-size", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    rows = args.rows or (5_000 if args.quick else 50_000)
    single = args.single_rows or (300 if args.quick else 2_000)

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        skops_path, trusted, x = _model_and_data(folder, rows)
        estimator = load_model(skops_path, trusted_types=trusted)
        expected = estimator.predict(x)

        from skl2onnx import to_onnx

        onnx_path = folder / "model.onnx"
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            onnx_path.write_bytes(to_onnx(estimator, x[:1], options={"zipmap": False}).SerializeToString())
            import mlflow.sklearn

            mlflow.sklearn.save_model(estimator, folder / "mlflow_model", serialization_format="skops",
                                      skops_trusted_types=trusted, pip_requirements=["scikit-learn", "skops"])
        onnx_model = open_model(onnx_path).model
        mlflow_model = load_mlflow(folder / "mlflow_model", trusted_types=trusted)

        results: list[dict[str, Any]] = []

        def record(method: str, n: int, seconds: float, decisions: np.ndarray, reference: np.ndarray) -> None:
            results.append({"method": method, "rows": n, "seconds": seconds, "rows_per_s": n / seconds,
                            "agreement": float((decisions == reference).mean())})

        for method, model in (("scikit-learn (.skops)", estimator), ("ONNX (onnxruntime)", onnx_model),
                              ("MLflow pyfunc", mlflow_model)):
            seconds, decisions = _time(lambda m=model: m.predict(x), args.repeat)
            record(method, rows, seconds, decisions, expected)

        with OIPServer(estimator, features=list(FEATURES)) as server:
            def batched() -> np.ndarray:
                endpoint = EndpointModel(server.url, batch_size=args.batch_size, concurrency=args.concurrency,
                                         progress=False)
                try:
                    return endpoint.predict(x)
                finally:
                    endpoint.close()

            seconds, decisions = _time(batched, args.repeat)
            record(f"endpoint, govaudit batches of {args.batch_size} x {args.concurrency} in flight",
                   rows, seconds, decisions, expected)

            head = x.head(single)
            endpoint = EndpointModel(server.url, batch_size=1, concurrency=1, progress=False)

            def one_row_at_a_time() -> np.ndarray:
                return np.concatenate([endpoint._score(head.iloc[[i]])[0] for i in range(len(head))])

            seconds, decisions = _time(one_row_at_a_time, 1)
            endpoint.close()
            record("endpoint, one row per request", single, seconds, decisions, expected[:single])

    baseline = results[-1]["rows_per_s"]
    print(f"benefits-eligibility model, {rows:,} rows (one-row requests: {single:,}); best of {args.repeat}")
    print(f"{'method':<52} {'rows/s':>12} {'vs one row/request':>20} {'agreement':>10}")
    for row in results:
        row["vs_one_row_per_request"] = row["rows_per_s"] / baseline
        print(f"{row['method']:<52} {row['rows_per_s']:>12,.0f} {row['vs_one_row_per_request']:>19,.1f}x "
              f"{row['agreement']:>10.4f}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({"rows": rows, "single_rows": single, "python": platform.python_version(),
                                   "results": results}, indent=2))
    print(f"\nresults written to {RESULTS}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
