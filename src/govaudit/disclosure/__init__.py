"""Statistical disclosure control of a record's findings: publish nothing that identifies anyone.

A record publishes tables of groups: for each group its size (``count``, ``cases``) and, through
rates, a *numerator*: how many were selected, scored above the median, overridden, appealed, had a
favourable label, or a missing value. Withholding the rates of groups under a threshold (primary
suppression) is not enough: with one group of 4 withheld by sex, the number selected over all
people (the sum of count x rate over the groups of any fully published feature, say region) minus
the published sexes' numbers is the number of the 4 who were selected. The same holds for an
intersection (a margin minus its published cells), and for any derived figure (ratio, gap, test,
interval) computed from a withheld group. :func:`protect_findings` closes these holes.

Method
------
1. *Tables.* Every finding that lists groups becomes a table of cells (group size, numerator
   published or withheld). Tables counting the same people with the same numerator form a
   *universe*: the bias auditor's decision tables of every feature and intersection (with the
   provenance label rates of the same evaluation rows, whose positives they also publish), its
   scoring tables, each oversight rate, each missing-value test, and the errors found in each stream
   of a control sample (model-selected, random) over its features and intersections. People a table does not list
   form a withheld remainder cell; the "unknown" group is a cell like any other.
2. *Primary suppression.* Cells with fewer than ``threshold`` people, and any cell an auditor
   already withheld. Where a group's size counts an outcome (refused cases, decided appeals), the
   size is withheld with the numerator; decided appeals are appeals filed, so an appeal-success
   group is withheld whenever its appeal numerator is (a linked table).
3. *The attacker's equations.* Unknowns are the withheld numerators; published numerators are
   constants. The attacker has, per universe, every table's total (all tables add up to the same
   number, which we assume known even when the record does not state it) and, for a table whose
   columns include another's (``sex & region`` and ``sex``), one equation per coarser cell: it
   equals the sum of the finer cells inside it. These are all the linear relations published
   numbers have: a group's numerator is a sum over its people, and the only ways two published
   cells share people are equal populations (totals) and nesting (margins).
4. *Complementary suppression.* While some primary cell's numerator is fixed by the equations,
   withhold one more cell, cheapest first (not a reference group, not a compared group, fewest
   people): among the cells the attacker's derivation of it uses, the first whose suppression
   leaves it undetermined, else the cheapest of them, and check again.
   Then, for sums the attacker can compute (a margin minus its published cells, or a table's
   withheld cells when the total is derivable from a fully published table), a sum at 0 or at all
   its people would pin every withheld cell in it at that extreme (nobody, or everybody, was
   selected): one more published cell whose own numerator moves the sum inside is withheld.
5. *Derived values.* A withheld group's rates, events and Wilson intervals go; so do impact
   ratios against a withheld reference, gaps/disparities and their tests when a withheld group is
   compared, tests over every group (missing values) when any is withheld, and bootstrap intervals
   of any table with a withheld group (the bootstrap draws every group from one random stream, so
   another group's interval depends on the withheld group's cells: replaying it with the recorded
   seed for each guess rules most guesses out). Messages that quoted such a number are reworded;
   statuses are kept.

Why it is sufficient
--------------------
A numerator ``x_j`` can be derived by additions and subtractions (any linear combination) of the
published numbers exactly when the unit vector ``e_j`` lies in the row space of the equations'
coefficients over the unknowns. Step 4 stops only when, for every primary cell, it does not: then
the null space holds a vector ``v`` with ``v_j != 0`` (in two dimensions, a cycle of withheld cells
alternating + and - along rows and columns), and ``x + t v`` satisfies every published equation for
every ``t``, so the published numbers are equally consistent with other values of ``x_j``. The
test is exact (rational Gaussian elimination), not a heuristic; withholding more cells never
makes a value determined again, so the loop only adds cells and ends. A cell equal to a whole
universe (a feature with a single group) cannot be protected and is reported as ``unprotectable``.

Limits: the guarantee is against linear derivation; bounds (a numerator lies between 0 and the
group size) are handled only for the single sums of step 4, and only when the total is derivable
from the record. A published rate of 0% or 100% tells every member's outcome, small groups inside
it included; such groups are listed as ``unprotectable``. A gate's status (pass/fail) still says on
which side of the threshold a withheld ratio lies.
"""

from typing import TYPE_CHECKING

from govaudit._lazy import lazy_exports

if TYPE_CHECKING:
    from govaudit.disclosure._protect import DEFAULT_THRESHOLD, METHOD, protect_findings
    from govaudit.disclosure._report import DisclosureReport, TableDisclosure
else:
    # Type checkers read the imports above; at run time a name is imported on first use (PEP 562), loading
    # only its own module and what that module imports.
    __getattr__, __dir__ = lazy_exports(__name__, {
        "govaudit.disclosure._protect": ("DEFAULT_THRESHOLD", "METHOD", "protect_findings"),
        "govaudit.disclosure._report": ("DisclosureReport", "TableDisclosure"),
    }, globals())

__all__ = ["DEFAULT_THRESHOLD", "METHOD", "DisclosureReport", "TableDisclosure", "protect_findings"]
