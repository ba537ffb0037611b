"""What disclosure control did to a record's findings: a small summary the record keeps."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["DisclosureReport", "TableDisclosure"]


class TableDisclosure(BaseModel):
    """One published table (a feature or intersection of one finding) and what was withheld from it.

    ``cells`` counts the groups shown; ``unpublished`` groups (people the table does not list, or a
    group an auditor never gives a rate for) are counted apart from them.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    check: str
    feature: str
    measure: str = Field(description="The rate whose numerators the table publishes, e.g. 'selection_rate'.")
    cells: int
    primary: int = Field(description="Groups withheld because they have fewer people than the threshold.")
    secondary: int = Field(description="Larger groups withheld so that no small group's numbers can be derived.")
    unpublished: int = 0
    counts_withheld: int = Field(
        default=0, description="Groups whose size is itself withheld (sizes of outcome-defined groups, e.g. refusals).")


class DisclosureReport(BaseModel):
    """Summary of the statistical disclosure control applied to a record's findings.

    Attributes
    ----------
    method : str
        How cells were chosen and what was checked, in words.
    threshold : int
        Groups with fewer people than this have their numbers withheld (primary suppression).
    tables : tuple of TableDisclosure
        Each table that withheld something, with how many groups were withheld and why.
    withheld : tuple of str
        Values derived from withheld groups that were withheld with them (impact ratios, gaps,
        intervals, tests), as ``"<check> <feature>[ <group>]: <what>"``.
    unprotectable : tuple of str
        Small groups whose numbers no suppression can hide, as ``"<check> <feature> <group>: <why>"``:
        a feature with a single group (its numerator is the total), or a group inside a published
        total or margin whose rate is 0% or 100% (which tells every member's outcome).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    method: str
    threshold: int = Field(ge=0)
    tables: tuple[TableDisclosure, ...] = ()
    withheld: tuple[str, ...] = ()
    unprotectable: tuple[str, ...] = ()

    @property
    def primary(self) -> int:
        """Groups withheld because they are small, over all tables."""
        return sum(t.primary for t in self.tables)

    @property
    def secondary(self) -> int:
        """Groups withheld to protect the small ones, over all tables."""
        return sum(t.secondary for t in self.tables)
