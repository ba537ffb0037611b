"""Per-group statistics of amounts (benefit paid, sum awarded), and their comparison with a reference group.

For each group ``g`` of a grouping, with amounts ``a`` (and, when known, the correct amounts ``t``):

- ``count``, ``mean`` with the t interval ``mean +- t(n-1) * s / sqrt(n)`` (undefined below 2 cases);
- ``median`` with the distribution-free order-statistic interval ``[a_(k), a_(n-k+1)]`` where ``k`` is
  the largest rank with ``P(Binomial(n, 1/2) < k) <= (1 - confidence) / 2``; its coverage is at least
  ``confidence`` whatever the distribution (undefined when no such ``k >= 1`` exists: 5 cases or
  fewer at 95 %);
- ``mean_difference`` (group minus reference) with Welch's interval and Welch's t-test (``p_value``),
  and ``mean_ratio`` (group over reference) with the delta-method interval on the log scale,
  ``exp(log r +- z * sqrt(s_g^2 / (n_g m_g^2) + s_r^2 / (n_r m_r^2)))`` (undefined unless both means
  are positive);
- ``above_share``: the share of amounts strictly above a cut (a named amount, or the overall median)
  with its Wilson interval; ``above_ratio`` (over the reference's share) with the log (Katz) interval
  and the two-proportion test of equal shares (``above_p_value``);
- ``ks`` and ``wasserstein``: the Kolmogorov-Smirnov statistic (with its two-sample test's
  ``ks_p_value``) and the Wasserstein-1 distance between the group's amounts and everyone else's;
- with correct amounts: ``mean_error`` (amount minus correct; positive = over-paid) with its t
  interval, ``mae`` with a one-sided t-test of ``mae <= max_mae`` when a ceiling is given
  (``mae_p_value``), and ``underpaid_share``: the share paid less than correct by more than the
  tolerance, with its Wilson interval and, given a ceiling, a one-sided exact binomial test of
  ``share <= ceiling`` (``underpaid_p_value``).

A gate on a ratio is tested against its own bound, not against equality: the evidence that a group's
mean is below ``0.9`` times the reference's is the one-sided Welch test of ``m_g - 0.9 m_r >= 0``
(:func:`mean_ratio_bound_test`), and for a share ratio the one-sided z test of ``log r`` against
``log 0.9`` with the Katz standard error (:func:`share_ratio_bound_test`). A gate fails only on
evidence that the true ratio is beyond the bound, so a small gap near the bound is never a failure.

Everything but ``ks`` and ``wasserstein`` is computed from per-group *moments* (:data:`MOMENTS`: count,
mean, standard deviation, the median and the two order statistics of its interval, the count above
the cut, and the same for the errors), which :func:`amount_moments` takes from the rows in memory and
a backend aggregates where the rows are (:mod:`govaudit.backends`); :func:`table_from_moments` turns
either into the table.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from govaudit.metrics._comparison import GroupComparison, _named_reference
from govaudit.metrics._intervals import _z, wilson_interval
from govaudit.metrics._ratio_tests import log_ratio_interval
from govaudit.metrics._significance import two_proportion_test

__all__ = ["MOMENTS", "AmountSettings", "amount_moments", "amount_table", "median_interval", "median_ranks",
           "pick_reference", "table_from_moments"]

#: per-group moments every column but the distances is computed from; the error ones only with correct amounts
MOMENTS = ("count", "mean", "sd", "median", "median_low", "median_high", "above")
#: the reference rules that pick a group by a measure; any other value names a group
REFERENCE_RULES = ("highest_mean", "largest")
ERROR_MOMENTS = ("error_mean", "error_sd", "abs_mean", "abs_sd", "underpaid")


@dataclass(frozen=True)
class AmountSettings:
    """What the amount table measures: interval level, the "above" cut, the tolerance and the ceilings tested."""

    confidence: float = 0.95
    above: float | None = None
    underpaid_tolerance: float = 0.0
    max_mae: float | None = None
    max_underpaid_share: float | None = None


def median_ranks(n: int, confidence: float = 0.95) -> int | None:
    """The rank ``k`` (1-based) of the median interval ``[a_(k), a_(n-k+1)]`` of ``n`` values; None when none."""
    from scipy.stats import binom

    if n <= 0:
        return None
    alpha = 1.0 - confidence
    k = int(binom.ppf(alpha / 2.0, n, 0.5))  # P(B <= k - 1) < alpha / 2
    if binom.cdf(k, n, 0.5) <= alpha / 2.0:
        k += 1
    return k if k >= 1 else None


def median_interval(values: np.ndarray, confidence: float = 0.95) -> tuple[float, float]:
    """The order-statistic (binomial) interval of the median; (NaN, NaN) when too few values."""
    x = np.sort(np.asarray(values, dtype=np.float64))
    k = median_ranks(x.size, confidence)
    if k is None:
        return float("nan"), float("nan")
    return float(x[k - 1]), float(x[x.size - k])


def _t_interval(mean: float, sd: float, n: int, confidence: float) -> tuple[float, float, float]:
    """The mean and its t interval ``mean +- t(n-1) * sd / sqrt(n)`` from the moments (NaN bounds below 2)."""
    from scipy.stats import t

    if n == 0:
        return float("nan"), float("nan"), float("nan")
    if n < 2:
        return mean, float("nan"), float("nan")
    half = float(t.ppf(0.5 + confidence / 2.0, n - 1) * sd / np.sqrt(n))
    return mean, mean - half, mean + half


def _welch(a: tuple[float, float, int], b: tuple[float, float, int],
           confidence: float) -> tuple[float, float, float, float]:
    """(difference of means, its Welch interval, Welch's two-sided p-value) from (mean, sd, n); NaN when undefined."""
    from scipy.stats import t

    nan = float("nan")
    (ma, sa, na), (mb, sb, nb) = a, b
    if na < 2 or nb < 2:
        return nan, nan, nan, nan
    va, vb = sa * sa / na, sb * sb / nb
    diff = float(ma - mb)
    se2 = va + vb
    if se2 == 0:
        return diff, diff, diff, (1.0 if diff == 0 else 0.0)
    df = se2 ** 2 / (va ** 2 / (na - 1) + vb ** 2 / (nb - 1))
    se = float(np.sqrt(se2))
    half = float(t.ppf(0.5 + confidence / 2.0, df)) * se
    return diff, diff - half, diff + half, float(2.0 * t.sf(abs(diff) / se, df))


def _mean_ratio(a: tuple[float, float, int], b: tuple[float, float, int],
                confidence: float) -> tuple[float, float, float]:
    nan = float("nan")
    (ma, sa, na), (mb, sb, nb) = a, b
    if na < 2 or nb < 2:
        return nan, nan, nan
    if ma <= 0 or mb <= 0:
        return (ma / mb if mb > 0 else nan), nan, nan
    se = np.sqrt(sa * sa / (na * ma ** 2) + sb * sb / (nb * mb ** 2))
    r, z = ma / mb, _z(confidence)
    return r, float(r * np.exp(-z * se)), float(r * np.exp(z * se))


def pick_reference(table: pd.DataFrame, rule: str, eligible: np.ndarray, feature: str = "group") -> int | None:
    """Row of the reference group: ``highest_mean``, ``largest`` or a group's label, among eligible rows.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per group, with ``group``, ``mean`` and ``count``.
    rule : str
        ``highest_mean``, ``largest`` or the label of a group.
    eligible : numpy.ndarray of bool
        Which rows may be the reference (e.g. large enough).
    feature : str
        The grouping's name, for the error message.

    Returns
    -------
    int or None
        None when no eligible group fits; a named group that is not eligible is None too, so its
        gates are inconclusive rather than judged against too few cases.

    Raises
    ------
    InputDataError
        ``rule`` names a group that is not in the table (a misspelt label).
    """
    eligible = np.asarray(eligible, dtype=bool)
    if rule not in REFERENCE_RULES:
        labels = tuple(str(g) for g in table["group"])
        named = _named_reference(feature, labels, GroupComparison(reference_groups={feature: rule}))
        return named if named is not None and eligible[named] else None
    rows = np.flatnonzero(eligible)
    if rows.size == 0:
        return None
    key = table["mean"] if rule == "highest_mean" else table["count"]
    return int(rows[np.nanargmax(key.to_numpy(dtype=np.float64)[rows])])


def _distribution_columns(amount: np.ndarray, codes: np.ndarray, size: int) -> dict[str, list[float]]:
    from scipy.stats import ks_2samp, wasserstein_distance

    out: dict[str, list[float]] = {"ks": [], "ks_p_value": [], "wasserstein": []}
    for g in range(size):
        inside, rest = amount[codes == g], amount[codes != g]
        if inside.size == 0 or rest.size == 0:
            for key in out:
                out[key].append(float("nan"))
            continue
        test = ks_2samp(inside, rest)
        out["ks"].append(float(test.statistic))
        out["ks_p_value"].append(float(test.pvalue))
        out["wasserstein"].append(float(wasserstein_distance(inside, rest)))
    return out


def _sd(values: np.ndarray) -> float:
    return float(values.std(ddof=1)) if values.size > 1 else float("nan")


def amount_moments(amount: np.ndarray, codes: np.ndarray, size: int, *, cut: float, confidence: float = 0.95,
                   true: np.ndarray | None = None, tolerance: float = 0.0) -> pd.DataFrame:
    """The per-group moments (:data:`MOMENTS`, and with ``true`` the error ones) of amounts held in memory.

    ``median_low`` and ``median_high`` are the order statistics of :func:`median_interval`; ``above`` counts
    amounts strictly above ``cut``; ``underpaid`` counts errors (amount minus correct) below ``-tolerance``.
    """
    amount = np.asarray(amount, dtype=np.float64)
    rows: list[dict[str, float]] = []
    error = None if true is None else amount - np.asarray(true, dtype=np.float64)
    for g in range(size):
        a = amount[codes == g]
        low, high = median_interval(a, confidence)
        row = {"count": a.size, "mean": float(a.mean()) if a.size else float("nan"), "sd": _sd(a),
               "median": float(np.median(a)) if a.size else float("nan"), "median_low": low, "median_high": high,
               "above": int((a > cut).sum())}
        if error is not None:
            e = error[codes == g]
            row.update(error_mean=float(e.mean()) if e.size else float("nan"), error_sd=_sd(e),
                       abs_mean=float(np.abs(e).mean()) if e.size else float("nan"), abs_sd=_sd(np.abs(e)),
                       underpaid=int((e < -tolerance).sum()))
        rows.append(row)
    columns = MOMENTS + (ERROR_MOMENTS if error is not None else ())
    frame = pd.DataFrame(rows, columns=list(columns))
    return frame.astype({"count": np.int64, "above": np.int64, **({"underpaid": np.int64} if error is not None
                                                                  else {})})


def _error_columns(m: pd.DataFrame, settings: AmountSettings) -> dict[str, object]:
    from scipy.stats import binomtest, t

    cols: dict[str, list[float]] = {k: [] for k in ("mean_error", "mean_error_low", "mean_error_high", "mae",
                                                     "mae_p_value", "underpaid_p_value")}
    n = m["count"].to_numpy(dtype=np.int64)
    x = m["underpaid"].to_numpy(dtype=np.int64)
    for g in range(len(m)):
        mean, low, high = _t_interval(float(m["error_mean"].iat[g]), float(m["error_sd"].iat[g]), int(n[g]),
                                      settings.confidence)
        cols["mean_error"].append(mean)
        cols["mean_error_low"].append(low)
        cols["mean_error_high"].append(high)
        mae, sd = float(m["abs_mean"].iat[g]), float(m["abs_sd"].iat[g])
        cols["mae"].append(mae)
        p = float("nan")
        if settings.max_mae is not None and n[g] >= 2:
            if sd > 0:  # the one-sample t-test of the absolute errors against the ceiling
                p = float(t.sf((mae - settings.max_mae) / (sd / np.sqrt(n[g])), n[g] - 1))
            else:  # every error the same size: no sampling doubt about which side of the ceiling it is
                p = 0.0 if mae > settings.max_mae else 1.0
        cols["mae_p_value"].append(p)
        p = float("nan")
        if settings.max_underpaid_share is not None and n[g]:
            p = float(binomtest(int(x[g]), int(n[g]), settings.max_underpaid_share, alternative="greater").pvalue)
        cols["underpaid_p_value"].append(p)
    low, high = wilson_interval(x, n, settings.confidence)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(n > 0, x / np.maximum(n, 1), np.nan)
    return {**cols, "underpaid": x, "underpaid_share": share, "underpaid_share_low": low,
            "underpaid_share_high": high}


def _group_columns(m: pd.DataFrame, confidence: float) -> dict[str, list[float]]:
    cols: dict[str, list[float]] = {"mean": [], "mean_low": [], "mean_high": []}
    for g in range(len(m)):
        mean, low, high = _t_interval(float(m["mean"].iat[g]), float(m["sd"].iat[g]), int(m["count"].iat[g]),
                                      confidence)
        for key, value in zip(cols, (mean, low, high)):
            cols[key].append(value)
    return cols


def _comparison_columns(table: pd.DataFrame, ref: int | None, confidence: float) -> dict[str, object]:
    """Mean difference and ratio, and the above-cut share ratio, of each group against the reference row."""
    size = len(table)
    keys = ("mean_difference", "mean_difference_low", "mean_difference_high", "p_value", "mean_ratio",
            "mean_ratio_low", "mean_ratio_high", "above_ratio", "above_ratio_low", "above_ratio_high",
            "above_p_value")
    cols: dict[str, list[float]] = {k: [float("nan")] * size for k in keys}
    if ref is None:
        return cols
    x, n = table["above"].to_numpy(), table["count"].to_numpy()
    ratio, low, high = log_ratio_interval(x, n, float(x[ref]), float(n[ref]), confidence)
    cols.update(above_ratio=list(ratio), above_ratio_low=list(low), above_ratio_high=list(high))
    moments = list(zip(table["mean"].astype(float), table["sd"].astype(float), n.astype(int)))
    for g in range(size):
        d = _welch(moments[g], moments[ref], confidence)
        r = _mean_ratio(moments[g], moments[ref], confidence)
        for key, value in zip(keys[:7], (*d, *r)):
            cols[key][g] = value
        if n[g] and n[ref]:
            cols["above_p_value"][g] = two_proportion_test(int(x[g]), int(n[g]), int(x[ref]), int(n[ref])).p_value
    return cols


def table_from_moments(moments: pd.DataFrame, labels: tuple[str, ...], *, reference: str = "highest_mean",
                       eligible: np.ndarray | None = None, settings: AmountSettings = AmountSettings(),
                       distances: dict[str, list[float]] | None = None,
                       feature: str = "group") -> tuple[pd.DataFrame, int | None]:
    """The table of :func:`amount_table` from per-group moments (:func:`amount_moments` or a backend's).

    ``distances`` are the ``ks``, ``ks_p_value`` and ``wasserstein`` columns, which need the rows; without
    them the columns are NaN (not evaluated). ``feature`` names the grouping in errors. Returns the table
    and the reference row (see :func:`pick_reference`).
    """
    m = moments.reset_index(drop=True)
    count = m["count"].to_numpy(dtype=np.int64)
    above = m["above"].to_numpy(dtype=np.int64)
    low, high = wilson_interval(above, count, settings.confidence)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(count > 0, above / np.maximum(count, 1), np.nan)
    nan = [float("nan")] * len(m)
    distances = distances or {"ks": nan, "ks_p_value": nan, "wasserstein": nan}
    table = pd.DataFrame({"group": list(labels), "count": count, **_group_columns(m, settings.confidence),
                          "sd": m["sd"].to_numpy(dtype=np.float64),
                          **{k: m[k].to_numpy(dtype=np.float64) for k in ("median", "median_low", "median_high")},
                          "above": above, "above_share": share, "above_share_low": low, "above_share_high": high,
                          **distances})
    ok = count > 0 if eligible is None else (np.asarray(eligible, dtype=bool) & (count > 0))
    ref = pick_reference(table, reference, ok, feature)
    table = table.assign(**_comparison_columns(table, ref, settings.confidence))
    if "underpaid" in m.columns:
        table = table.assign(**_error_columns(m, settings))
    return table, ref


def amount_table(amount: np.ndarray, codes: np.ndarray, labels: tuple[str, ...], *, reference: str = "highest_mean",
                 eligible: np.ndarray | None = None, true: np.ndarray | None = None,
                 settings: AmountSettings = AmountSettings(),
                 feature: str = "group") -> tuple[pd.DataFrame, int | None, float]:
    """One row per group with the statistics of the module docstring; the reference row and the "above" cut.

    Parameters
    ----------
    amount : numpy.ndarray
        Finite amounts, one per case.
    codes, labels
        Group code per case and one label per code (:func:`govaudit.metrics.encode_groups`).
    reference : str
        ``highest_mean``, ``largest`` or a group's label.
    eligible : numpy.ndarray of bool, optional
        Which groups may be the reference (e.g. large enough); default all non-empty groups.
    true : numpy.ndarray, optional
        The correct amounts, for the error columns.
    settings : AmountSettings
        Interval level, the "above" cut (default the overall median), tolerance and ceilings.
    feature : str
        The grouping's name, for the error a misspelt reference label raises.
    """
    amount = np.asarray(amount, dtype=np.float64)
    size = len(labels)
    cut = float(np.median(amount)) if settings.above is None else float(settings.above)
    moments = amount_moments(amount, codes, size, cut=cut, confidence=settings.confidence, true=true,
                             tolerance=settings.underpaid_tolerance)
    table, ref = table_from_moments(moments, labels, reference=reference, eligible=eligible, settings=settings,
                                    distances=_distribution_columns(amount, codes, size), feature=feature)
    return table, ref, cut
