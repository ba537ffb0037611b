"""Statistical and practical significance of a difference in selection rates between two groups.

An impact ratio below four-fifths on 12 applicants can be noise; the same ratio on 12,000 is not.
Regulators (EEOC Uniform Guidelines, and the courts after them) look at both the test and the
shortfall in selections, so both are reported.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from govaudit.exceptions import InputDataError

__all__ = ["ProportionTest", "share_test", "two_proportion_test"]

#: Below this many rows in either group, Fisher's exact test replaces the z test.
MIN_GROUP_SIZE_FOR_Z = 30
#: Smallest expected cell count (under the pooled rate) for the normal approximation.
MIN_EXPECTED_CELL = 5.0

METHOD_Z = "two-proportion z"
METHOD_FISHER = "fisher exact"
METHOD_EMPTY = "undefined: empty group"
METHOD_NO_VARIATION = "undefined: no variation"
METHOD_SHARES = "exact binomial, given the two groups' positives"
METHOD_NO_SHARES = "undefined: neither group has a positive decision"

_MSG_BAD_COUNT = "{name} must be a non-negative integer; got {value!r}"
_MSG_SUCCESSES_ABOVE_N = (
    "{x_name}={x} exceeds {n_name}={n}: there cannot be more selections than rows"
)


@dataclass(frozen=True)
class ProportionTest:
    """Result of comparing two groups' selection rates.

    Attributes
    ----------
    statistic : float
        ``z`` (group 1 rate minus group 2 rate, over the pooled standard error; negative when
        group 1 is selected less) for the z test; the sample odds ratio for Fisher's test.
    p_value : float
        Two-sided p-value; NaN when the comparison is undefined.
    method : str
        ``"two-proportion z"``, ``"fisher exact"``, or ``"undefined: ..."`` with the reason.
    shortfall : float
        Selections group 1 would have had at group 2's rate minus those it had
        (EEOC "practical significance"; positive = group 1 under-selected). NaN if group 2 is empty.
    """

    statistic: float
    p_value: float
    method: str
    shortfall: float


def _check_count(value: int, name: str) -> int:
    try:
        ok = not isinstance(value, bool) and int(value) == value and value >= 0
    except (TypeError, ValueError, OverflowError):  # None, NaN, inf, strings
        ok = False
    if not ok:
        raise InputDataError(_MSG_BAD_COUNT.format(name=name, value=value))
    return int(value)


def two_proportion_test(x1: int, n1: int, x2: int, n2: int) -> ProportionTest:
    """Two-sided test that group 1 and group 2 have the same selection rate.

    Parameters
    ----------
    x1, n1 : int
        Selections and size of group 1 (typically the disadvantaged group).
    x2, n2 : int
        Selections and size of group 2 (the reference group).

    Returns
    -------
    ProportionTest
        Fisher's exact test on ``[[x1, n1 - x1], [x2, n2 - x2]]`` when either group has fewer
        than 30 rows or an expected cell under the pooled rate is below 5; otherwise the pooled
        two-proportion z test. Undefined (NaN p-value) when a group is empty or the pooled rate
        is 0 or 1.
    """
    x1, n1 = _check_count(x1, "x1"), _check_count(n1, "n1")
    x2, n2 = _check_count(x2, "x2"), _check_count(n2, "n2")
    for x_name, x, n_name, n in (("x1", x1, "n1", n1), ("x2", x2, "n2", n2)):
        if x > n:
            raise InputDataError(
                _MSG_SUCCESSES_ABOVE_N.format(x_name=x_name, x=x, n_name=n_name, n=n)
            )

    shortfall = (x2 / n2) * n1 - x1 if n2 > 0 else math.nan
    if n1 == 0 or n2 == 0:
        return ProportionTest(math.nan, math.nan, METHOD_EMPTY, shortfall)
    pooled = (x1 + x2) / (n1 + n2)
    if pooled in (0.0, 1.0):
        return ProportionTest(math.nan, math.nan, METHOD_NO_VARIATION, shortfall)

    min_expected = min(n1, n2) * min(pooled, 1.0 - pooled)
    if n1 < MIN_GROUP_SIZE_FOR_Z or n2 < MIN_GROUP_SIZE_FOR_Z or min_expected < MIN_EXPECTED_CELL:
        from scipy.stats import fisher_exact  # scipy.stats takes ~0.6 s to import: only when needed

        res = fisher_exact([[x1, n1 - x1], [x2, n2 - x2]], alternative="two-sided")
        return ProportionTest(float(res.statistic), float(res.pvalue), METHOD_FISHER, shortfall)

    se = math.sqrt(pooled * (1.0 - pooled) * (1.0 / n1 + 1.0 / n2))
    z = (x1 / n1 - x2 / n2) / se
    # two-sided tail 2 * P(Z > |z|), as erfc so tiny p-values keep their precision (= 2 * norm.sf(|z|))
    return ProportionTest(z, math.erfc(abs(z) / math.sqrt(2.0)), METHOD_Z, shortfall)


def share_test(x1: int, x2: int) -> ProportionTest:
    """Two-sided test that two groups have the same share of all positive decisions.

    Two groups' shares of one total are not independent proportions, so the two-proportion test does
    not apply. Given the ``x1 + x2`` positives the two groups have between them, equal shares make
    ``x1`` binomial with probability 1/2: exact when the positives fall among the groups as a
    multinomial (or Poisson) draw, and conservative (p-values too large, never too small) when each
    group's positives are binomial in its own size.

    Parameters
    ----------
    x1, x2 : int
        Positive decisions of group 1 and of group 2 (the reference).

    Returns
    -------
    ProportionTest
        ``statistic`` is group 1's part of the two groups' positives, ``x1 / (x1 + x2)``;
        ``shortfall`` the positives group 1 would need to match group 2 (``x2 - x1``). Undefined
        (NaN p-value) when neither group has a positive decision.
    """
    x1, x2 = _check_count(x1, "x1"), _check_count(x2, "x2")
    total = x1 + x2
    if total == 0:
        return ProportionTest(math.nan, math.nan, METHOD_NO_SHARES, 0.0)
    from scipy.stats import binomtest  # scipy.stats takes ~0.6 s to import: only when needed

    result = binomtest(x1, total, 0.5, alternative="two-sided")
    return ProportionTest(x1 / total, float(result.pvalue), METHOD_SHARES, float(x2 - x1))
