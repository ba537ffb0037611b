"""The data manifest: a TOML document declaring every data source, its schema, lineage and approval.

Anchored on Datasheets for Datasets, W3C PROV (a derived table names what it was derived from and
by which activity) and Croissant's responsible-AI fields. A manifest is data only: it is parsed
with :mod:`tomllib` and validated by pydantic models that forbid unknown keys. Human fields that a
drafted manifest (``govaudit manifest init``) cannot know are written as ``"TODO"``; they validate,
so a draft loads, but the provenance auditor reports them as incomplete. This module holds the
models; reading and validating a file is in ``_manifest_load``.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from govaudit.exceptions import SpecError

__all__ = [
    "COLUMN_TYPES",
    "TODO",
    "Approval",
    "CollectionPeriod",
    "ColumnSpec",
    "DataManifest",
    "DatasetSpec",
    "Lineage",
    "ManifestError",
    "ModelRegistration",
    "ReferenceShares",
    "manifest_json_schema",
    "todo_fields",
]

#: The placeholder a drafted manifest writes where a person must fill in a value.
TODO = "TODO"
#: Column types a manifest may declare.
COLUMN_TYPES = ("string", "category", "integer", "float", "boolean", "date", "datetime")

_SHA256 = r"^[0-9a-f]{64}$"

Todo = Literal["TODO"]


class ManifestError(SpecError):
    """A data manifest cannot be read or does not validate (the message names the field)."""


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class CollectionPeriod(_Strict):
    """When the data were collected (inclusive dates)."""

    start: date | Todo
    end: date | Todo

    @model_validator(mode="after")
    def _ordered(self) -> "CollectionPeriod":
        if isinstance(self.start, date) and isinstance(self.end, date) and self.start > self.end:
            raise ValueError(f"collection period starts ({self.start}) after it ends ({self.end})")
        return self


class Approval(_Strict):
    """Who approved the use of a source, and when."""

    by: str = Field(min_length=1)
    date: date | Todo


class Lineage(_Strict):
    """How a derived table was made: its inputs (manifest names), the transformation in words, the code version."""

    inputs: tuple[str, ...] = Field(min_length=1)
    transformation: str = Field(min_length=1)
    code_version: str = Field(min_length=1)


class ColumnSpec(_Strict):
    """One column of a declared table.

    ``allowed_values`` (categorical) and ``min``/``max`` (numeric) define the valid range the
    out-of-range check applies. ``personal_data`` marks data about an identifiable person (with its
    ``personal_category``, e.g. ``"identifier"``, ``"demographic"``, ``"financial"``); ``sensitive``
    marks a protected characteristic or special category, checked for differential missingness and
    representativeness.
    """

    name: str = Field(min_length=1)
    type: Literal["string", "category", "integer", "float", "boolean", "date", "datetime"]
    description: str | None = None
    unit: str | None = None
    allowed_values: tuple[str | int | bool, ...] | None = None
    min: float | None = None
    max: float | None = None
    personal_data: bool = False
    personal_category: str | None = None
    sensitive: bool = False
    review: str | None = Field(default=None, description="A note for a reviewer; 'TODO...' while unresolved.")

    @model_validator(mode="after")
    def _consistent(self) -> "ColumnSpec":
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"column {self.name!r}: min ({self.min:g}) is above max ({self.max:g})")
        if self.personal_category is not None and not self.personal_data:
            raise ValueError(f"column {self.name!r}: personal_category is set but personal_data is false")
        return self


class DatasetSpec(_Strict):
    """One data source or derived table.

    A table with ``lineage`` is derived from other tables of the manifest; one without is a source.
    ``path`` is relative to the manifest's folder; ``uri`` names a remote location that cannot be
    hashed here.
    """

    description: str = Field(min_length=1, description="What the data are (a datasheet's first question).")
    owner: str = Field(min_length=1, description="Who is responsible for the data (the controller).")
    supplier: str | None = Field(default=None, description="A third party that supplied the data, if any.")
    legal_basis: str | None = Field(default=None, description="Legal basis of processing personal data.")
    licence: str | None = Field(default=None, description="Licence or agreement under which the data are used.")
    collection_method: str = Field(min_length=1)
    collection_period: CollectionPeriod
    extracted: date | Todo | None = Field(default=None, description="When this extract was taken.")
    path: Path | None = None
    uri: str | None = None
    format: Literal["csv", "parquet"] | None = None
    sha256: str | None = Field(default=None, pattern=_SHA256)
    rows: int | None = Field(default=None, ge=0)
    primary_key: str | None = None
    columns: tuple[ColumnSpec, ...] = ()
    lineage: Lineage | None = None
    approval: Approval
    retention_days: int | Todo | None = Field(default=None, description="How long the data may be kept, in days.")

    @field_validator("sha256", mode="before")
    @classmethod
    def _hash_shape(cls, v: Any) -> Any:
        if isinstance(v, str) and not (len(v) == 64 and all(c in "0123456789abcdef" for c in v)):
            raise ValueError("sha256 must be 64 lower-case hexadecimal characters (the output of sha256sum)")
        return v

    @field_validator("retention_days")
    @classmethod
    def _positive(cls, v: Any) -> Any:
        if isinstance(v, int) and v <= 0:
            raise ValueError("retention_days must be a positive number of days")
        return v

    @model_validator(mode="after")
    def _located_and_unique(self) -> "DatasetSpec":
        if self.path is None and self.uri is None:
            raise ValueError("a dataset needs a 'path' (a local file) or a 'uri'")
        names = [c.name for c in self.columns]
        repeated = sorted({n for n in names if names.count(n) > 1})
        if repeated:
            raise ValueError(f"column declared more than once: {', '.join(repeated)}")
        if self.primary_key is not None and self.columns and self.primary_key not in names:
            raise ValueError(f"primary_key {self.primary_key!r} is not a declared column")
        return self

    @property
    def is_derived(self) -> bool:
        """Whether the table was derived from other tables of the manifest."""
        return self.lineage is not None

    def column(self, name: str) -> ColumnSpec | None:
        """The declared column ``name``, or None."""
        return next((c for c in self.columns if c.name == name), None)


class ModelRegistration(_Strict):
    """The model artifact the data were used to build, registered by its hash."""

    name: str = Field(min_length=1)
    version: str | None = None
    path: Path | None = None
    sha256: str = Field(pattern=_SHA256)
    trained_on: tuple[str, ...] = Field(default=(), description="Manifest names of the training tables.")
    approval: Approval | None = None

    @field_validator("sha256", mode="before")
    @classmethod
    def _hash_shape(cls, v: Any) -> Any:
        return DatasetSpec._hash_shape(v)


class ReferenceShares(_Strict):
    """Expected shares of the groups of one feature in the population served (e.g. from a census)."""

    feature: str = Field(min_length=1)
    source: str = Field(min_length=1, description="Where the shares come from, e.g. a census table.")
    shares: dict[str, float] = Field(min_length=2)

    @field_validator("shares")
    @classmethod
    def _proportions(cls, v: dict[str, float]) -> dict[str, float]:
        if any(s <= 0 for s in v.values()):
            raise ValueError("every reference share must be positive")
        total = sum(v.values())
        if abs(total - 1.0) > 0.01:
            raise ValueError(f"reference shares must sum to 1 (within 0.01); they sum to {total:.4f}")
        return v


class DataManifest(_Strict):
    """A whole data manifest (the TOML file's top level).

    Attributes
    ----------
    name : str
        What the manifest covers.
    sources : dict of str to DatasetSpec
        Every source and derived table, by name (the names lineage refers to).
    model : ModelRegistration or None
        The registered model artifact.
    reference : tuple of ReferenceShares
        Declared reference shares for representativeness checks.
    base_dir : Path or None
        Folder against which relative paths resolve (set by :func:`load_manifest`).
    """

    manifest_version: Literal[1] = 1
    name: str = Field(min_length=1)
    description: str | None = None
    sources: dict[str, DatasetSpec] = Field(min_length=1)
    model: ModelRegistration | None = None
    reference: tuple[ReferenceShares, ...] = ()
    base_dir: Path | None = Field(default=None, exclude=True, description="Not a TOML key; set on loading.")

    @field_validator("sources")
    @classmethod
    def _names(cls, v: dict[str, DatasetSpec]) -> dict[str, DatasetSpec]:
        for name in v:
            if not name.replace("_", "").replace("-", "").isalnum():
                raise ValueError(f"source name {name!r} must use letters, digits, '_' or '-' only")
        return v

    def resolve(self, path: Path) -> Path:
        """A manifest path made absolute against the manifest's folder."""
        base = self.base_dir or Path.cwd()
        return Path(os.path.normpath(path if path.is_absolute() else base / path))

    def upstream(self, name: str) -> list[str]:
        """Every table ``name`` was derived from, directly or not (names, possibly undeclared)."""
        seen: list[str] = []
        stack = list(self.sources[name].lineage.inputs) if self.sources[name].lineage else []
        while stack:
            current = stack.pop()
            if current in seen:
                continue
            seen.append(current)
            spec = self.sources.get(current)
            if spec is not None and spec.lineage is not None:
                stack.extend(spec.lineage.inputs)
        return seen


def todo_fields(model: BaseModel, prefix: str = "") -> list[str]:
    """Dotted names of the fields of ``model`` (recursively) still holding a ``"TODO"`` placeholder."""
    found: list[str] = []
    for key in type(model).model_fields:
        value = getattr(model, key)
        where = f"{prefix}{key}"
        if isinstance(value, str) and value.strip().upper().startswith(TODO):
            found.append(where)
        elif isinstance(value, BaseModel):
            found.extend(todo_fields(value, where + "."))
        elif isinstance(value, tuple):
            for i, item in enumerate(value):
                if isinstance(item, BaseModel):
                    label = getattr(item, "name", i)
                    found.extend(todo_fields(item, f"{where}[{label}]."))
    return found



def manifest_json_schema() -> dict[str, Any]:
    """The data manifest's JSON Schema (``govaudit schema manifest``)."""
    schema = DataManifest.model_json_schema()
    schema.get("properties", {}).pop("base_dir", None)
    schema["title"] = "govaudit data manifest"
    return schema
