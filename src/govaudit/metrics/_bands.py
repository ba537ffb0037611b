"""A band a ratio must stay in, shared by the auditors that gate ratios against a reference or a stream."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = ["RatioBand"]


class RatioBand(BaseModel):
    """A band a ratio must stay in: ``{ min = 0.5, max = 2.0 }`` (either bound may be left out)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    min: float | None = Field(default=None, gt=0.0)
    max: float | None = Field(default=None, gt=0.0)

    @model_validator(mode="after")
    def _a_bound(self) -> "RatioBand":
        if self.min is None and self.max is None:
            raise ValueError("a ratio band needs 'min', 'max' or both")
        if self.min is not None and self.max is not None and self.min >= self.max:
            raise ValueError(f"the band's min ({self.min}) must be below its max ({self.max})")
        return self

    def passes(self, value: float) -> bool:
        """Whether ``value`` lies inside the band (a NaN never does)."""
        if value != value:
            return False
        return (self.min is None or value >= self.min) and (self.max is None or value <= self.max)

    def bound(self, value: float) -> tuple[float, str]:
        """The bound a value is judged against: the one it misses, else the nearer (on the log scale)."""
        if self.min is None:
            return float(self.max), "<="  # type: ignore[arg-type]
        if self.max is None or value != value:
            return float(self.min), ">="
        if value <= 0 or value < self.min:
            return float(self.min), ">="
        if value > self.max:
            return float(self.max), "<="
        return (float(self.min), ">=") if value * value <= self.min * self.max else (float(self.max), "<=")

    def text(self) -> str:
        """The band in words, e.g. ``within [0.5, 2]``."""
        if self.min is not None and self.max is not None:
            return f"within [{self.min:g}, {self.max:g}]"
        return f">= {self.min:g}" if self.min is not None else f"<= {self.max:g}"
