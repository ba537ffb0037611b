"""Configuration of the multi-class auditor: the classes, the most adverse one, the reference, disclosure and gates."""

from __future__ import annotations


from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from govaudit.metrics._bands import RatioBand
from govaudit.metrics._classes import class_text

__all__ = ["CLASS_RATES", "ClassGates", "MultiClassConfig", "MultiClassGates"]

#: rates a per-class gate may compare (each a share, so each ratio is tested against its bound the same way)
CLASS_RATES = ("rate", "tpr", "fpr", "fnr", "precision")
#: needs the true class
LABELLED = ("tpr", "fpr", "fnr", "precision")


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ClassGates(_Frozen):
    """Bands on one class's rates, each as a group's rate over the reference group's (``<rate>_ratio``)."""

    rate_ratio: RatioBand | None = Field(default=None, description="Share of the group decided into the class.")
    tpr_ratio: RatioBand | None = Field(default=None, description="Share of the class's true members sent to it.")
    fpr_ratio: RatioBand | None = Field(
        default=None, description="Share of people not of the class who were sent to it (wrongly).")
    fnr_ratio: RatioBand | None = Field(default=None, description="Share of the class's true members sent elsewhere.")
    precision_ratio: RatioBand | None = Field(default=None, description="Share of those sent to it who belong there.")

    def named(self) -> list[tuple[str, RatioBand]]:
        """(rate, band) of every gate set, in :data:`CLASS_RATES` order."""
        return [(rate, band) for rate in CLASS_RATES if (band := getattr(self, f"{rate}_ratio")) is not None]


class MultiClassGates(_Frozen):
    """The gates on the most adverse class; a ``gates`` table that is given replaces the default."""

    adverse_rate_ratio: RatioBand | None = Field(
        default=None, description="A group's share sent to the most adverse class over the reference's: read the "
        "adverse way, a ceiling (``{ max = 1.25 }``) fails a group sent there more often.")
    adverse_fpr_ratio: RatioBand | None = Field(
        default=None, description="A group's share wrongly sent to the most adverse class (of those not of it) over "
        "the reference's; needs the true class.")


def _number_as_class(value: object) -> object:
    """A number named as a class, as the data's classes are written (2.0 -> "2"); other values unchanged."""
    # the data's classes go through class_text, so a spec's 2.0 must too or it would never match a 2
    return class_text(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else value


class MultiClassConfig(_Frozen):
    """Settings of :class:`~govaudit.auditors.MultiClassAuditor` (the ``[auditors.multiclass]`` section).

    Parameters
    ----------
    adverse_class : str, optional
        The most adverse class (e.g. ``"investigation"``); its rate is gated. Default: the last of
        ``classes``; one of the two must be given (the auditor never guesses which track is harshest).
    classes : tuple of str, optional
        The classes, ordered from least to most adverse. A class decided or observed that is not
        listed is an input error; a class listed but never seen is reported with zero counts. With
        the order known, each class between the first and the last also reports the share decided
        into it or a more adverse one (``at_least_rate``).
        Without it: the distinct classes found in the data, sorted as text.
    sensitive_features : tuple of str, optional
        Which sensitive features to compare (default: all the subject has).
    intersections : tuple of tuple of str
        Combinations compared as intersectional groups.
    intersectional : bool
        Shorthand for the intersection of all compared features.
    reference : str
        The group every class's rates are compared with: ``least_adverse`` (the eligible group sent
        to the adverse class least often), ``largest``, or a group's label.
    min_group_size : int
        A group with fewer cases is reported but not gated (its gates are ``inconclusive``).
    suppress_below : int
        Disclosure control: a group with fewer cases publishes its count only (no class counts, rates).
    confidence : float
        Level of the Wilson intervals of rates and the counts-bootstrap intervals of ratios and differences.
    n_resamples : int
        Bootstrap resamples of the counts table (0: no bootstrap intervals).
    seed : int
        Seed of the bootstrap, recorded.
    require_significance : bool
        A gate fails only when its one-sided test against the bound is significant after Holm's
        correction across the audit's significance-gated tests; otherwise a missed gate is inconclusive.
    significance_level : float
        Level of the tests.
    gates : MultiClassGates
        Default: ``adverse_rate_ratio <= 1.25``.
    class_gates : dict of str to ClassGates
        Per class, bands on its rates' ratios to the reference, e.g.
        ``{ interview = { rate_ratio = { max = 1.5 } } }``.
    """

    adverse_class: str | None = None
    classes: tuple[str, ...] | None = None
    sensitive_features: tuple[str, ...] | None = None
    intersections: tuple[tuple[str, ...], ...] = ()
    intersectional: bool = False
    reference: str = "least_adverse"
    min_group_size: int = Field(default=30, ge=2)
    suppress_below: int = Field(default=10, ge=0)
    confidence: float = Field(default=0.95, gt=0.5, lt=1.0)
    n_resamples: int = Field(default=1000, ge=0, le=100_000)
    seed: int = 0
    require_significance: bool = True
    significance_level: float = Field(default=0.05, gt=0.0, lt=0.5)
    gates: MultiClassGates = Field(default_factory=lambda: MultiClassGates(adverse_rate_ratio=RatioBand(max=1.25)))
    class_gates: dict[str, ClassGates] = Field(default_factory=dict)

    @field_validator("adverse_class", mode="before")
    @classmethod
    def _as_text(cls, value: object) -> object:
        return _number_as_class(value)

    @field_validator("classes", mode="before")
    @classmethod
    def _classes_as_text(cls, value: object) -> object:
        if isinstance(value, (list, tuple)):
            return tuple(_number_as_class(v) for v in value)
        return value

    @model_validator(mode="after")
    def _consistent(self) -> "MultiClassConfig":
        for combo in self.intersections:
            if len(combo) < 2 or len(set(combo)) != len(combo):
                raise ValueError(f"an intersection needs two or more distinct features; got {list(combo)}")
        if self.classes is not None:
            if len(self.classes) < 2 or len(set(self.classes)) != len(self.classes):
                raise ValueError(f"classes must list two or more distinct classes; got {list(self.classes)}")
            for name in [*([self.adverse_class] if self.adverse_class is not None else []), *self.class_gates]:
                if name not in self.classes:
                    raise ValueError(f"class {name!r} is not among the classes {list(self.classes)}")
        return self

    @property
    def adverse(self) -> str | None:
        """The most adverse class: named, else the last of the ordered classes (None when neither is given)."""
        if self.adverse_class is not None:
            return self.adverse_class
        return self.classes[-1] if self.classes is not None else None
