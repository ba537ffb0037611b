"""Group rates and between-group disparities as arithmetic on the counts table.

All functions broadcast over leading axes, so the same code serves the point estimate
(``(G, 4)`` counts) and a bootstrap (``(B, G, 4)`` counts). A rate whose denominator is zero is
undefined and returned as NaN, never 0: a one-class group has no true positive rate, and
pretending it is 0 manufactures a disparity.
"""

from __future__ import annotations

import warnings

import numpy as np

from govaudit.exceptions import InputDataError

__all__ = [
    "LABELLED_METRICS",
    "LABEL_FREE_METRICS",
    "RATE_CELLS",
    "disparities",
    "impact_ratios",
    "rate_parts",
    "rates_from_counts",
]

#: Metrics computable from decisions alone.
LABEL_FREE_METRICS: tuple[str, ...] = ("selection_rate", "ppr")
#: Metrics computable when observed outcomes are available.
LABELLED_METRICS: tuple[str, ...] = (
    "selection_rate",
    "ppr",
    "prevalence",
    "tpr",
    "fpr",
    "fnr",
    "tnr",
    "precision",
    "npv",
    "fdr",
    "for",
    "accuracy",
)

_MSG_BAD_COUNTS = (
    "counts must have shape (..., G, 4) [TN, FP, FN, TP] or (..., G, 2) "
    "[not selected, selected]; got shape {shape}"
)
_MSG_BAD_ELIGIBLE = "eligible must be a boolean array of shape ({n_groups},); got shape {shape}"
_MSG_BAD_REFERENCE = "reference must be a group index in 0..{last}; got {reference}"


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """num / den as float, NaN where den == 0."""
    num = np.asarray(num, dtype=np.float64)
    den = np.asarray(den, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = num / den
    return np.where(den == 0, np.nan, out)


#: metric -> (numerator cells, denominator cells) of the [TN, FP, FN, TP] counts table.
RATE_CELLS: dict[str, tuple[tuple[int, ...], tuple[int, ...]]] = {
    "selection_rate": ((1, 3), (0, 1, 2, 3)),
    "tpr": ((3,), (2, 3)),
    "fpr": ((1,), (0, 1)),
    "fnr": ((2,), (2, 3)),
    "tnr": ((0,), (0, 1)),
    "precision": ((3,), (1, 3)),
    "npv": ((0,), (0, 2)),
    "fdr": ((1,), (1, 3)),
    "for": ((2,), (0, 2)),
    "prevalence": ((2, 3), (0, 1, 2, 3)),
    "accuracy": ((0, 3), (0, 1, 2, 3)),
}
#: ``ppr``, the group's share of all positive decisions, has the total over groups as denominator.
_SHARE_OF_POSITIVES = "ppr"


def rate_parts(counts: np.ndarray, metric: str) -> tuple[np.ndarray, np.ndarray]:
    """Numerator and denominator of ``metric`` per group (e.g. for Wilson intervals or tests).

    Parameters
    ----------
    counts : numpy.ndarray
        Shape ``(..., G, 4)`` or, for ``selection_rate`` only, ``(..., G, 2)``.
    metric : str
        One of :data:`LABELLED_METRICS`. For ``ppr`` the denominator is every group's positive
        decisions added up (the same for each group).

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        Integer arrays of shape ``(..., G)``.
    """
    counts = np.asarray(counts)
    if metric == _SHARE_OF_POSITIVES:
        positive = counts[..., 1] if counts.shape[-1] == 2 else counts[..., 1] + counts[..., 3]
        return positive, np.broadcast_to(positive.sum(axis=-1, keepdims=True), positive.shape)
    if counts.shape[-1] == 2:
        if metric != "selection_rate":
            raise InputDataError(f"{metric} needs observed outcomes (a (G, 4) counts table)")
        return counts[..., 1], counts.sum(axis=-1)
    num, den = RATE_CELLS[metric]
    return counts[..., list(num)].sum(axis=-1), counts[..., list(den)].sum(axis=-1)


def rates_from_counts(counts: np.ndarray) -> dict[str, np.ndarray]:
    """Per-group rates from a counts table.

    Parameters
    ----------
    counts : numpy.ndarray
        Shape ``(..., G, 4)`` with columns ``[TN, FP, FN, TP]``, or ``(..., G, 2)`` with
        ``[not selected, selected]``. Leading axes (e.g. bootstrap replicates) are kept.

    Returns
    -------
    dict of str to numpy.ndarray
        ``"count"`` (group size), ``"share"`` (size over the total), then the metrics in
        :data:`LABELLED_METRICS` (or :data:`LABEL_FREE_METRICS` for two columns), each of shape
        ``(..., G)``. Undefined rates (zero denominator) are NaN.

    Raises
    ------
    InputDataError
        ``counts`` does not have 2 or 4 columns in its last axis.
    """
    counts = np.asarray(counts)
    if counts.ndim < 2 or counts.shape[-1] not in (2, 4):
        raise InputDataError(_MSG_BAD_COUNTS.format(shape=counts.shape))
    n = counts.sum(axis=-1)
    out: dict[str, np.ndarray] = {
        "count": n,
        "share": _ratio(n, n.sum(axis=-1, keepdims=True)),
    }
    if counts.shape[-1] == 2:
        for metric in LABEL_FREE_METRICS:
            out[metric] = _ratio(*rate_parts(counts, metric))
        return out
    # each cell and margin once (the bootstrap calls this on (B, G, 4) tables), then the rates
    tn, fp, fn, tp = (counts[..., i] for i in range(4))
    pp, pn, pos, neg = tp + fp, tn + fn, tp + fn, tn + fp
    parts = {"selection_rate": (pp, n), "ppr": (pp, pp.sum(axis=-1, keepdims=True)), "prevalence": (pos, n),
             "tpr": (tp, pos), "fpr": (fp, neg), "fnr": (fn, pos), "tnr": (tn, neg), "precision": (tp, pp),
             "npv": (tn, pn), "fdr": (fp, pp), "for": (fn, pn), "accuracy": (tn + tp, n)}
    for metric in LABELLED_METRICS:
        out[metric] = _ratio(*parts[metric])
    return out


def _spread(values: np.ndarray, eligible: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Nan-aware (max, min) over eligible groups; NaN when fewer than two are defined."""
    v = np.where(eligible, values, np.nan)
    defined = (~np.isnan(v)).sum(axis=-1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN slices
        hi = np.nanmax(v, axis=-1)
        lo = np.nanmin(v, axis=-1)
    enough = defined >= 2
    return np.where(enough, hi, np.nan), np.where(enough, lo, np.nan)


def disparities(
    rates: dict[str, np.ndarray], eligible: np.ndarray | None = None
) -> dict[str, np.ndarray]:
    """Between-group disparities, over eligible groups where each metric is defined.

    Parameters
    ----------
    rates : dict of str to numpy.ndarray
        Output of :func:`rates_from_counts`, arrays of shape ``(..., G)``.
    eligible : numpy.ndarray of bool, shape (G,), optional
        Groups to compare (e.g. excluding groups below a minimum size). Default all.

    Returns
    -------
    dict of str to numpy.ndarray
        Arrays of shape ``(...)`` (0-d for a single table):

        - ``demographic_parity_difference``: max − min selection rate;
        - ``demographic_parity_ratio``: min / max selection rate (NaN if the max is 0);

        and when ``tpr``/``fpr`` are present:

        - ``equal_opportunity_difference``: max − min TPR;
        - ``equalized_odds_difference``: the larger of the TPR and FPR differences
          (fairlearn's ``agg="worst_case"``);
        - ``equalized_odds_ratio``: the smaller of the TPR and FPR min/max ratios.

        A disparity is NaN when fewer than two eligible groups have the metric defined; the
        equalized-odds summaries are NaN when either of their components is.
    """
    sel = np.asarray(rates["selection_rate"], dtype=np.float64)
    n_groups = sel.shape[-1]
    if eligible is None:
        elig = np.ones(n_groups, dtype=bool)
    else:
        elig = np.asarray(eligible)
        if elig.shape != (n_groups,) or elig.dtype != bool:
            raise InputDataError(_MSG_BAD_ELIGIBLE.format(n_groups=n_groups, shape=elig.shape))

    def diff_and_ratio(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        hi, lo = _spread(np.asarray(values, dtype=np.float64), elig)
        return hi - lo, _ratio(lo, hi)

    dp_diff, dp_ratio = diff_and_ratio(sel)
    out = {"demographic_parity_difference": dp_diff, "demographic_parity_ratio": dp_ratio}
    if "tpr" in rates and "fpr" in rates:
        tpr_diff, tpr_ratio = diff_and_ratio(rates["tpr"])
        fpr_diff, fpr_ratio = diff_and_ratio(rates["fpr"])
        out["equal_opportunity_difference"] = tpr_diff
        out["equalized_odds_difference"] = np.maximum(tpr_diff, fpr_diff)  # NaN propagates
        out["equalized_odds_ratio"] = np.minimum(tpr_ratio, fpr_ratio)
    return out


def impact_ratios(selection_rate: np.ndarray, reference: int) -> np.ndarray:
    """Each group's selection rate divided by the reference group's (the four-fifths ratio).

    Parameters
    ----------
    selection_rate : numpy.ndarray
        Shape ``(..., G)``.
    reference : int
        Index of the reference group (usually the one with the highest selection rate).

    Returns
    -------
    numpy.ndarray
        Shape ``(..., G)``; NaN wherever the reference rate is 0 or undefined.
    """
    rate = np.asarray(selection_rate, dtype=np.float64)
    n_groups = rate.shape[-1]
    if not -n_groups <= int(reference) < n_groups:
        raise InputDataError(_MSG_BAD_REFERENCE.format(last=n_groups - 1, reference=reference))
    return _ratio(rate, rate[..., [int(reference)]])
