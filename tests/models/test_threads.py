"""Model calls on small batches run on one thread; large ones keep the libraries' own threading."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingClassifier
from threadpoolctl import threadpool_info

from govaudit.inputs import build_subject
from govaudit.models import answer_fingerprint
from govaudit.models._threads import SINGLE_THREAD_BELOW_ROWS, model_threads


class Recorder:
    """A model that notes how many threads OpenMP and BLAS may use while it answers."""

    def __init__(self, model):
        self.model, self.threads = model, []
        self.classes_, self.feature_names_in_ = model.classes_, model.feature_names_in_

    def _note(self):
        self.threads.append(max((lib["num_threads"] for lib in threadpool_info()), default=1))

    def predict(self, X):
        self._note()
        return self.model.predict(X)

    def predict_proba(self, X):
        self._note()
        return self.model.predict_proba(X)


def _fitted(n=400):
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"a": rng.random(n), "b": rng.random(n)})
    return HistGradientBoostingClassifier(max_iter=5).fit(X, (X["a"] > 0.5).astype(int)), X


def test_small_batches_run_on_one_thread_and_give_the_same_answers():
    model, X = _fitted()
    recorder = Recorder(model)
    subject = build_subject(model=recorder, data=X.assign(s=["x", "y"] * 200), sensitive_features=["s"],
                            features=["a", "b"])
    answer_fingerprint(recorder, X.iloc[:64])
    assert recorder.threads and set(recorder.threads) == {1}
    np.testing.assert_array_equal(subject.y_pred, model.predict(X))


def test_large_batches_keep_the_library_threading():
    before = [lib["num_threads"] for lib in threadpool_info()]
    with model_threads(SINGLE_THREAD_BELOW_ROWS):
        assert [lib["num_threads"] for lib in threadpool_info()] == before
    with model_threads(10):
        assert all(lib["num_threads"] == 1 for lib in threadpool_info())
    assert [lib["num_threads"] for lib in threadpool_info()] == before
