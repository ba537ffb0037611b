"""Read a spec file and validate it into an :class:`AuditPlan`: sections, profiles, then each auditor's settings."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from govaudit.exceptions import AuditorError, SpecError
from govaudit.profiles._defaults import ProfilePlan, apply_profiles
from govaudit.registry import AuditorRegistry, load_registry
from govaudit.spec._errors import format_validation_error
from govaudit.spec._sections import AuditSpec

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

__all__ = ["AuditPlan", "load_spec", "plan_from_dict"]

_MSG_NOT_FOUND = "spec file not found: {path}"
_MSG_BAD_TOML = "{path}: not valid TOML: {error}"


@dataclass(frozen=True)
class AuditPlan:
    """A validated spec, with paths resolved and each auditor's configuration checked.

    Attributes
    ----------
    spec : AuditSpec
        The parsed spec.
    spec_path : Path or None
        The file it came from.
    spec_sha256 : str or None
        Hash of the spec file's bytes, recorded so the gates are fixed before the run.
    base_dir : Path
        Folder against which relative paths were resolved.
    auditor_configs : dict
        Auditor name -> validated configuration model.
    """

    spec: AuditSpec
    spec_path: Path | None
    spec_sha256: str | None
    base_dir: Path
    auditor_configs: dict[str, BaseModel]
    profiles: ProfilePlan | None = None

    def resolve(self, path: Path) -> Path:
        """A spec path made absolute against the spec's folder."""
        return Path(os.path.normpath(path if path.is_absolute() else self.base_dir / path))

    @property
    def output_dir(self) -> Path:
        """Where this audit's reports go (default: ``reports/<audit name>`` beside the spec's parent)."""
        if self.spec.output.dir is not None:
            return self.resolve(self.spec.output.dir)
        return self.base_dir.parent / "reports" / self.spec.audit.name


def _validate_auditors(
    spec: AuditSpec, source: str, registry: AuditorRegistry
) -> dict[str, BaseModel]:
    configs: dict[str, BaseModel] = {}
    for name, section in spec.auditors.items():
        try:
            entry = registry.get(name)
        except AuditorError as exc:
            raise AuditorError(f"{source}: [auditors.{name}] {exc}") from None
        try:
            configs[name] = entry.configure(section)
        except ValidationError as exc:
            raise SpecError(format_validation_error(exc, source, prefix=("auditors", name))) from None
    return configs


def plan_from_dict(
    data: dict[str, Any],
    *,
    source: str = "<spec>",
    base_dir: Path | None = None,
    spec_sha256: str | None = None,
    spec_path: Path | None = None,
    registry: AuditorRegistry | None = None,
) -> AuditPlan:
    """Validate an already-parsed spec mapping into an :class:`AuditPlan`."""
    try:
        spec = AuditSpec.model_validate(data)
    except ValidationError as exc:
        raise SpecError(format_validation_error(exc, source)) from None
    base = (base_dir or Path.cwd()).resolve()
    profiles, merged = apply_profiles(profiles=spec.profiles, parameters=spec.profile_parameters, documentation=spec.documentation,
                                      loosened=spec.loosened, auditors=spec.auditors, base_dir=base, source=source)
    spec = spec.model_copy(update={"auditors": merged})  # the profiles' defaults, filled in
    configs = _validate_auditors(spec, source, registry or load_registry())
    return AuditPlan(spec, spec_path, spec_sha256, base, configs, profiles)


def load_spec(path: str | Path, *, registry: AuditorRegistry | None = None) -> AuditPlan:
    """Read and validate an audit spec.

    Parameters
    ----------
    path : str or Path
        The TOML file.
    registry : AuditorRegistry, optional
        Where auditor names are looked up (default: built-ins and installed plug-ins).

    Returns
    -------
    AuditPlan
        The validated plan.

    Raises
    ------
    SpecError
        The file is missing, not TOML, or a key is unknown or of the wrong type (named in the message).
    AuditorError
        The spec names an auditor that is not installed.
    """
    from govaudit.records import sha256_bytes

    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise SpecError(_MSG_NOT_FOUND.format(path=path)) from None
    except OSError as exc:
        raise SpecError(f"{path}: cannot be read: {exc.strerror or exc}") from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise SpecError(_MSG_BAD_TOML.format(path=path, error=exc)) from None
    return plan_from_dict(
        data,
        source=str(path),
        base_dir=path.parent,
        spec_sha256=sha256_bytes(raw),
        spec_path=path,
        registry=registry,
    )
