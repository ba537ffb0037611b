"""Pick the SHAP explainer for a fitted binary classifier, and explain rows with it.

- Tree ensembles (scikit-learn gradient boosting, histogram gradient boosting, random forests, extra
  trees, decision trees; XGBoost and LightGBM when installed): ``shap.TreeExplainer`` with
  ``feature_perturbation="tree_path_dependent"``, exact and needing no background.
- Linear models (``coef_`` and ``intercept_``): ``shap.LinearExplainer`` with an independent masker
  over a background sample, so that a contribution is ``coef * (x - background mean)``.
- Anything else: ``shap.KernelExplainer`` on the favourable-class probability, with a weighted
  ``shap.kmeans`` background and a bounded number of coalitions per row; additive by construction
  (its regression is constrained to sum to the output). Kernel rather than Permutation because the
  latter's masking code is compiled by numba on first use, which costs tens of seconds per process.

Every explainer returns contributions to the *favourable* class's output, so the caller can flip
the sign for "toward the adverse decision" without knowing which explainer ran.
"""

from __future__ import annotations

import contextlib
import hashlib
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from govaudit.exceptions import InputDataError

__all__ = ["RowExplainer", "explainer_kind", "favourable_index", "select_explainer"]

_MSG_NOT_BINARY = ("the explainability auditor explains binary decision models; the model ({kind}) has "
                   "classes {classes}")
_MSG_NO_PROBA = ("the model ({kind}) has no predict_proba(): the model-agnostic explainer needs the probability "
                 "of the favourable class as its score; give a model with predict_proba, a tree ensemble or a "
                 "linear model")
_MSG_FAV_CLASS = "favourable_class {fav!r} is not one of the model's classes {classes}"

_TREE_TYPES = (
    "GradientBoostingClassifier",
    "HistGradientBoostingClassifier",
    "RandomForestClassifier",
    "ExtraTreesClassifier",
    "DecisionTreeClassifier",
    "ExtraTreeClassifier",
    "XGBClassifier",
    "LGBMClassifier",
)


@dataclass(frozen=True)
class RowExplainer:
    """An explainer bound to one model, explaining rows of the estimator's input matrix.

    Attributes
    ----------
    method : str
        ``"tree"``, ``"linear"`` or ``"kernel"``.
    shap_class : str
        The SHAP class used.
    output : str
        What is explained, in words (e.g. ``"log-odds of the favourable class"``).
    exact : bool
        Whether the values are exact for the model (not sampled).
    background_size : int
        Rows or k-means centres in the background (0 when none is used).
    background_sha256 : str or None
        Hash of the background matrix, so a run can be reproduced and compared.
    seed : int
    """

    method: str
    shap_class: str
    output: str
    exact: bool
    background_size: int
    background_sha256: str | None
    seed: int
    _explain: Callable[[np.ndarray, int], tuple[np.ndarray, np.ndarray]] = field(repr=False)
    _output: Callable[[np.ndarray], np.ndarray] = field(repr=False)

    def explain(self, X: np.ndarray, batch: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Contributions (n, p), base values (n,) and the model's own output (n,) for rows ``X``.

        The output is computed by the model itself, independently of SHAP, for the additivity check.
        """
        with _quiet_feature_names():
            phi, base = self._explain(X, batch)
            return phi, base, self._output(X)

    def evidence(self) -> dict[str, Any]:
        """How the explanations were made, for the record."""
        return {"method": self.method, "explainer": self.shap_class, "explained_output": self.output,
                "exact": self.exact, "background_size": self.background_size,
                "background_sha256": self.background_sha256, "seed": self.seed}


@contextlib.contextmanager
def _quiet_feature_names() -> Iterator[None]:
    """Silence scikit-learn's notice that a matrix has no column names: the estimator is given the
    numeric matrix on purpose, in the order it was fitted on (checked beforehand)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="X does not have valid feature names")
        yield


def favourable_index(estimator: Any, favourable_class: Any = None, *, X: np.ndarray | None = None,
                     y_score: np.ndarray | None = None, y_pred: np.ndarray | None = None) -> int:
    """Index in ``estimator.classes_`` of the favourable decision.

    Taken from ``favourable_class`` when given; otherwise the class whose probability equals the
    subject's scores, or whose predictions agree with the subject's decisions (1 = favourable).
    """
    classes = list(getattr(estimator, "classes_", [0, 1]))
    if len(classes) != 2:
        raise InputDataError(_MSG_NOT_BINARY.format(kind=type(estimator).__name__, classes=classes))
    if favourable_class is not None:
        if favourable_class not in classes:
            raise InputDataError(_MSG_FAV_CLASS.format(fav=favourable_class, classes=classes))
        return classes.index(favourable_class)
    if X is not None and y_score is not None and hasattr(estimator, "predict_proba"):
        with _quiet_feature_names():
            proba = np.asarray(estimator.predict_proba(X))
        errors = [float(np.max(np.abs(proba[:, k] - y_score))) for k in (0, 1)]
        if min(errors) < 1e-6:
            return int(np.argmin(errors))
    if X is not None and y_pred is not None:
        with _quiet_feature_names():
            pred = np.asarray(estimator.predict(X))
        agree = [float(np.mean((pred == c) == (y_pred == 1))) for c in classes]
        return int(np.argmax(agree))
    return 1


def _is_tree(estimator: Any) -> bool:
    return type(estimator).__name__ in _TREE_TYPES


def _is_linear(estimator: Any) -> bool:
    coef = getattr(estimator, "coef_", None)
    return coef is not None and hasattr(estimator, "intercept_") and np.ndim(coef) in (1, 2) and (
        np.ndim(coef) == 1 or np.shape(coef)[0] == 1)


def _sha256(array: np.ndarray) -> str:
    return hashlib.sha256(np.ascontiguousarray(array, dtype=np.float64).tobytes()).hexdigest()


def _raw_output(estimator: Any, X: np.ndarray) -> np.ndarray:
    """The margin (log-odds for classifiers with a logistic link) of classes_[1], from the model itself."""
    module = type(estimator).__module__
    if module.startswith("xgboost"):
        return np.asarray(estimator.predict(X, output_margin=True), dtype=np.float64)
    if module.startswith("lightgbm"):
        return np.asarray(estimator.predict(X, raw_score=True), dtype=np.float64)
    return np.asarray(estimator.decision_function(X), dtype=np.float64).reshape(-1)


def _tree(estimator: Any, fav: int, seed: int) -> RowExplainer:
    import shap

    explainer = shap.TreeExplainer(estimator, feature_perturbation="tree_path_dependent")
    per_class = explainer.model.tree_output == "probability"
    expected = np.ravel(explainer.expected_value)
    sign = 1.0 if fav == 1 else -1.0

    def explain(X: np.ndarray, batch: int) -> tuple[np.ndarray, np.ndarray]:
        raw = explainer.shap_values(X, check_additivity=False)
        values = np.stack(raw, axis=-1) if isinstance(raw, list) else np.asarray(raw)
        if values.ndim == 3:  # one slice per class: probabilities (random forests)
            return values[:, :, fav], np.full(len(X), expected[fav])
        return sign * values, np.full(len(X), sign * expected[0])

    def output(X: np.ndarray) -> np.ndarray:
        if per_class:
            return np.asarray(estimator.predict_proba(X), dtype=np.float64)[:, fav]
        return sign * _raw_output(estimator, X)

    what = "probability of the favourable class" if per_class else "log-odds of the favourable class (raw margin)"
    return RowExplainer("tree", "shap.TreeExplainer(feature_perturbation='tree_path_dependent')", what, True,
                        0, None, seed, explain, output)


def _linear(estimator: Any, fav: int, background: np.ndarray, seed: int) -> RowExplainer:
    import shap

    masker = shap.maskers.Independent(background, max_samples=len(background))
    explainer = shap.LinearExplainer(estimator, masker)
    sign = 1.0 if fav == 1 else -1.0
    expected = float(np.ravel(explainer.expected_value)[0])

    def explain(X: np.ndarray, batch: int) -> tuple[np.ndarray, np.ndarray]:
        return sign * np.asarray(explainer.shap_values(X), dtype=np.float64), np.full(len(X), sign * expected)

    def output(X: np.ndarray) -> np.ndarray:
        return sign * _raw_output(estimator, X)

    return RowExplainer("linear", "shap.LinearExplainer(masker=shap.maskers.Independent)",
                        "log-odds (decision function) of the favourable class", True,
                        len(background), _sha256(background), seed, explain, output)


def _kernel(estimator: Any, fav: int, background: np.ndarray, k: int, n_samples: int, seed: int) -> RowExplainer:
    import shap

    if not callable(getattr(estimator, "predict_proba", None)):
        raise InputDataError(_MSG_NO_PROBA.format(kind=type(estimator).__name__))
    from threadpoolctl import threadpool_limits

    # weighted centres; k-means on a few thousand rows is fastest on one thread (OpenMP start-up and
    # contention otherwise dominate: measured 4.6 s against 0.08 s for 300 rows on a busy machine)
    with threadpool_limits(1):
        summary = shap.kmeans(background, min(k, len(background)))

    def score(X: np.ndarray) -> np.ndarray:
        with _quiet_feature_names():
            return np.asarray(estimator.predict_proba(X), dtype=np.float64)[:, fav]

    explainer = shap.KernelExplainer(score, summary)
    expected = float(np.ravel(explainer.expected_value)[0])

    def explain(X: np.ndarray, batch: int) -> tuple[np.ndarray, np.ndarray]:
        # KernelExplainer draws coalitions from numpy's global generator: seed it per batch and put
        # the caller's state back afterwards
        state = np.random.get_state()
        try:
            np.random.seed((seed * 1_000_003 + batch) % 2**32)
            values = explainer.shap_values(X, nsamples=n_samples, l1_reg=False, silent=True)
        finally:
            np.random.set_state(state)
        return np.asarray(values, dtype=np.float64).reshape(X.shape), np.full(len(X), expected)

    digest = _sha256(np.column_stack([summary.data, summary.weights]))
    return RowExplainer("kernel", "shap.KernelExplainer(data=shap.kmeans(background, k))",
                        "probability of the favourable class", False, len(summary.data), digest, seed,
                        explain, score)


def explainer_kind(estimator: Any) -> str:
    """``"tree"``, ``"linear"`` or ``"kernel"``: which explainer :func:`select_explainer` will use."""
    if _is_tree(estimator):
        return "tree"
    if _is_linear(estimator) and callable(getattr(estimator, "decision_function", None)):
        return "linear"
    return "kernel"


def select_explainer(estimator: Any, fav: int, background: np.ndarray, *, k: int, n_samples: int,
                     seed: int) -> RowExplainer:
    """The fastest exact explainer for ``estimator``, or a bounded sampled one.

    Parameters
    ----------
    estimator : object
        A fitted binary classifier (the final step of a pipeline).
    fav : int
        Index of the favourable class in ``estimator.classes_``.
    background : numpy.ndarray
        Background rows of the estimator's input matrix (linear and model-agnostic explainers).
    k : int
        k-means centres summarising the background for the model-agnostic explainer.
    n_samples : int
        Coalitions evaluated per row by the model-agnostic explainer.
    seed : int
    """
    classes = list(getattr(estimator, "classes_", [0, 1]))
    if len(classes) != 2:
        raise InputDataError(_MSG_NOT_BINARY.format(kind=type(estimator).__name__, classes=classes))
    kind = explainer_kind(estimator)
    if kind == "tree":
        return _tree(estimator, fav, seed)
    if kind == "linear":
        return _linear(estimator, fav, background, seed)
    return _kernel(estimator, fav, background, k, n_samples, seed)
