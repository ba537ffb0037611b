"""The full per-group confusion table: cell counts, likelihood ratios, why a rate is undefined,
reference groups and every rate's ratio and difference against the reference.

Like :mod:`govaudit.metrics._rates`, everything is arithmetic on the ``(..., G, 4)`` counts table
``[TN, FP, FN, TP]`` (or ``(..., G, 2)`` ``[not selected, selected]`` without observed outcomes), so
the point estimate and the ``(B, G, 4)`` bootstrap go through the same code.
"""

from __future__ import annotations

from statistics import NormalDist

import numpy as np

from govaudit.metrics._intervals import percentile_interval

__all__ = [
    "DISPARITY_RATES",
    "UNDEFINED_REASONS",
    "cell_columns",
    "contrast_columns",
    "likelihood_ratios",
    "metric_references",
    "undefined_reasons",
]

#: rates that get a ``<rate>_ratio`` and a ``<rate>_difference`` against the reference group
DISPARITY_RATES: tuple[str, ...] = (
    "selection_rate", "ppr", "prevalence", "tpr", "fpr", "fnr", "tnr", "precision", "npv", "fdr", "for", "accuracy",
)

#: metric -> (denominator cell names whose sum is zero, reason) for a rate with a zero denominator
UNDEFINED_REASONS: dict[str, str] = {
    "selection_rate": "the group is empty",
    "prevalence": "the group is empty",
    "accuracy": "the group is empty",
    "ppr": "no one in any group received a positive decision",
    "tpr": "no one in the group has the outcome (label_pos = 0)",
    "fnr": "no one in the group has the outcome (label_pos = 0)",
    "fpr": "everyone in the group has the outcome (label_neg = 0)",
    "tnr": "everyone in the group has the outcome (label_neg = 0)",
    "precision": "no one in the group received a positive decision (pp = 0)",
    "fdr": "no one in the group received a positive decision (pp = 0)",
    "npv": "no one in the group received a negative decision (pn = 0)",
    "for": "no one in the group received a negative decision (pn = 0)",
    "lr_plus": "the false positive rate is 0 or undefined (lr_plus = tpr / fpr)",
    "lr_minus": "the true negative rate is 0 or undefined (lr_minus = fnr / tnr)",
}


def cell_columns(counts: np.ndarray) -> dict[str, np.ndarray]:
    """The group's counts by cell: ``tp, fp, tn, fn, pp, pn, label_pos, label_neg`` (only ``pp, pn``
    for a ``(G, 2)`` table), each of shape ``(..., G)``."""
    c = np.asarray(counts)
    if c.shape[-1] == 2:
        return {"pp": c[..., 1], "pn": c[..., 0]}
    tn, fp, fn, tp = c[..., 0], c[..., 1], c[..., 2], c[..., 3]
    return {"tp": tp, "fp": fp, "tn": tn, "fn": fn, "pp": tp + fp, "pn": tn + fn,
            "label_pos": tp + fn, "label_neg": tn + fp}


def _log_interval(value: np.ndarray, var: np.ndarray, z: float, defined: np.ndarray) -> tuple[np.ndarray, ...]:
    with np.errstate(divide="ignore", invalid="ignore"):
        half = z * np.sqrt(var)
        low, high = value * np.exp(-half), value * np.exp(half)
    return np.where(defined, low, np.nan), np.where(defined, high, np.nan)


def likelihood_ratios(counts: np.ndarray, confidence: float) -> dict[str, np.ndarray]:
    """Positive and negative likelihood ratios with log-method intervals.

    ``lr_plus = tpr / fpr`` and ``lr_minus = fnr / tnr``. The interval is
    ``exp(ln LR ± z·SE)`` with ``SE(ln LR+)² = 1/TP − 1/(TP+FN) + 1/FP − 1/(FP+TN)`` and
    ``SE(ln LR−)² = 1/FN − 1/(TP+FN) + 1/TN − 1/(FP+TN)`` (Simel, Samsa and Matchar, 1991). A ratio
    with a zero or undefined denominator rate is NaN; its interval is NaN also when a cell in the
    standard error is 0 (the log of 0 has no interval).
    """
    c = np.asarray(counts, dtype=np.float64)
    tn, fp, fn, tp = c[..., 0], c[..., 1], c[..., 2], c[..., 3]
    pos, neg = tp + fn, tn + fp
    z = NormalDist().inv_cdf(0.5 + float(confidence) / 2.0)
    out: dict[str, np.ndarray] = {}
    with np.errstate(divide="ignore", invalid="ignore"):
        for name, num, den in (("lr_plus", tp, fp), ("lr_minus", fn, tn)):
            defined = (pos > 0) & (neg > 0) & (den > 0)
            value = np.where(defined, (num / pos) / (den / neg), np.nan)
            var = 1.0 / num - 1.0 / pos + 1.0 / den - 1.0 / neg
            low, high = _log_interval(value, var, z, defined & (num > 0))
            out[name], out[f"{name}_low"], out[f"{name}_high"] = value, low, high
    return out


def undefined_reasons(columns: dict[str, np.ndarray], metrics: tuple[str, ...]) -> list[dict[str, str]]:
    """Per group, ``metric -> reason`` for every metric of ``metrics`` that is NaN in ``columns``."""
    n_groups = len(columns["count"])
    present = [m for m in metrics if m in columns]
    nan = {m: np.isnan(np.asarray(columns[m], dtype=np.float64)) for m in present}
    return [{m: UNDEFINED_REASONS[m] for m in present if nan[m][g]} for g in range(n_groups)]


def metric_references(rates: dict[str, np.ndarray], n: np.ndarray, eligible: np.ndarray, mode: str,
                      named: int | None, adverse: bool) -> dict[str, int | None]:
    """The reference group of each rate in :data:`DISPARITY_RATES` present in ``rates``.

    ``named`` (an index) wins; ``"largest"`` is the largest eligible group; ``"most_favoured"`` the
    eligible group selected most often, or, for an adverse decision, flagged least often (for every
    rate, so that each ratio compares with the same people); ``"min_metric"`` per rate the eligible
    group with the lowest value (as aequitas does).
    """
    present = [m for m in DISPARITY_RATES if m in rates]
    if named is not None:
        return {m: named for m in present}

    def pick(values: np.ndarray, lowest: bool) -> int | None:
        candidates = np.flatnonzero(eligible & ~np.isnan(values))
        if candidates.size == 0:
            return None
        key = values[candidates]
        return int(candidates[np.argmin(key) if lowest else np.argmax(key)])

    if mode == "min_metric":
        return {m: pick(np.asarray(rates[m], dtype=np.float64), True) for m in present}
    selection = np.asarray(rates["selection_rate"], dtype=np.float64)
    if mode == "largest":
        # the largest group with a defined selection rate (every eligible group has one)
        sized = np.where(np.isnan(selection), np.nan, np.asarray(n, dtype=np.float64))
        ref = pick(sized, False)
    else:
        ref = pick(selection, adverse)
    return {m: ref for m in present}


def _against(values: np.ndarray, ref: int) -> tuple[np.ndarray, np.ndarray]:
    """(ratio, difference) of each group's value against the reference's, broadcasting leading axes."""
    base = values[..., [ref]]
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = values / base
    ratio = np.where(base == 0, np.nan, ratio)
    return ratio, values - base


def contrast_columns(rates: dict[str, np.ndarray], boot: dict[str, np.ndarray] | None,
                     references: dict[str, int | None], confidence: float) -> dict[str, np.ndarray]:
    """``<rate>_ratio`` and ``<rate>_difference`` (group minus reference), each with ``_low``/``_high``.

    ``boot`` holds the same rates over bootstrap replicates ``(B, G)``; the intervals are its
    percentiles (NaN without it). Against no reference, or a reference whose rate is 0 (ratio) or
    undefined, the contrast is NaN.
    """
    out: dict[str, np.ndarray] = {}
    measured = [(m, ref) for m, ref in references.items() if ref is not None]
    for metric, ref in references.items():
        values = np.asarray(rates[metric], dtype=np.float64)
        nan = np.full(values.shape, np.nan)
        for kind in ("ratio", "difference"):
            out[f"{metric}_{kind}_low"] = out[f"{metric}_{kind}_high"] = nan
        if ref is None:
            out[f"{metric}_ratio"] = out[f"{metric}_difference"] = nan
        else:
            out[f"{metric}_ratio"], out[f"{metric}_difference"] = _against(values, ref)
    if boot is None or not measured:
        return out
    # every rate's replicates in one (rates, G, B) array, replicates last and contiguous: one division
    # and one in-place sort per kind
    first = np.asarray(boot[measured[0][0]])
    stacked = np.empty((len(measured), first.shape[-1], first.shape[0]))  # C order (np.stack keeps .T's)
    for j, (metric, _) in enumerate(measured):
        stacked[j] = np.asarray(boot[metric], dtype=np.float64).T
    rows = np.arange(len(measured))
    base = stacked[rows, [ref for _, ref in measured]][:, None, :]
    ratio = np.full(stacked.shape, np.nan)
    with np.errstate(invalid="ignore"):  # NaN replicates (an undefined rate) stay NaN
        np.divide(stacked, base, out=ratio, where=base != 0)
    for kind, spread in (("ratio", ratio), ("difference", stacked - base)):
        low, high = percentile_interval(spread, confidence, axis=-1, overwrite_input=True)
        for j, (metric, _) in enumerate(measured):
            out[f"{metric}_{kind}_low"], out[f"{metric}_{kind}_high"] = low[j], high[j]
    return out
