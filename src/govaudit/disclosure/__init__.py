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
   provenance label rates of the same evaluation rows), its scoring tables, each oversight rate,
   each missing-value test. People a table does not list (unknown groups it leaves out) form a
   withheld remainder cell.
2. *Primary suppression.* Cells with fewer than ``threshold`` people, and any cell an auditor
   already withheld.
3. *The attacker's equations.* Unknowns are the withheld numerators; published numerators are
   constants. The attacker has, per universe, every table's total (all tables add up to the same
   number, which we assume known even when the record does not state it) and, for a table whose
   columns include another's (``sex & region`` and ``sex``), one equation per coarser cell: it
   equals the sum of the finer cells inside it. These are all the linear relations published
   numbers have: a group's numerator is a sum over its people, and the only ways two published
   cells share people are equal populations (totals) and nesting (margins).
4. *Complementary suppression.* While some primary cell's numerator is fixed by the equations,
   withhold one more cell: the cheapest (not a reference group, not a compared group, fewest
   people) whose suppression leaves that cell undetermined, else the cheapest of its own table.
5. *Derived values.* A withheld group's rates, counts of events and Wilson intervals go; so do
   impact ratios against a withheld reference, gaps/disparities and their tests when a withheld
   group is compared, and bootstrap intervals of any table with a withheld group (the bootstrap
   draws every group from one random stream, so with the recorded seed an attacker could replay
   it for each possible numerator of the withheld group and match the published interval).

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

Limits: the guarantee is against linear derivation. Bounds still apply (a numerator lies between
0 and the group size), so when all withheld groups of a table had the same outcome the attacker
can narrow their sum to an extreme; and a gate's status (pass/fail) still says on which side of
the threshold a withheld ratio lies.
"""

from govaudit.disclosure._protect import DEFAULT_THRESHOLD, METHOD, protect_findings
from govaudit.disclosure._report import DisclosureReport, TableDisclosure

__all__ = ["DEFAULT_THRESHOLD", "METHOD", "DisclosureReport", "TableDisclosure", "protect_findings"]
