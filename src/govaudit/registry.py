"""Find auditors: the built-ins and third-party plug-ins from the ``govaudit.auditors`` entry points.

A plug-in that fails to import is reported (``AuditorRegistry.failed``), never fatal to the others.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib.metadata import EntryPoint, entry_points
from typing import Any

from pydantic import BaseModel

from govaudit.core import Auditor
from govaudit.exceptions import AuditorError

__all__ = ["ENTRY_POINT_GROUP", "AuditorEntry", "AuditorRegistry", "load_registry"]

ENTRY_POINT_GROUP = "govaudit.auditors"

#: Built-in auditors: name -> "module:attribute". Imported lazily so a broken one cannot break the CLI.
_BUILTINS: dict[str, str] = {
    "bias": "govaudit.bias._auditor:BiasAuditor",
    "provenance": "govaudit.provenance._auditor:ProvenanceAuditor",
    "deployment": "govaudit.deployment._auditor:DeploymentAuditor",
    "explainability": "govaudit.explainability._auditor:ExplainabilityAuditor",
    "oversight": "govaudit.oversight._auditor:OversightAuditor",
    "control_sample": "govaudit.control_sample._auditor:ControlSampleAuditor",
    "amounts": "govaudit.amounts._auditor:AmountAuditor",
    "ranking": "govaudit.ranking._auditor:RankingAuditor",
    "multiclass": "govaudit.multiclass._auditor:MultiClassAuditor",
}

_MSG_UNKNOWN = "unknown auditor {name!r}; available: {available}"
_MSG_FAILED = "auditor {name!r} from package {package!r} failed to load: {error}"
_MSG_CONTRACT = "auditor {name!r} from package {package!r} does not follow the Auditor protocol: {problem}"


@dataclass(frozen=True)
class AuditorEntry:
    """One auditor the registry knows: where it comes from and the class itself."""

    name: str
    package: str
    target: str
    auditor_class: type | None = None
    error: str | None = None

    @property
    def loaded(self) -> bool:
        """Whether the auditor imported and follows the protocol."""
        return self.auditor_class is not None

    def configure(self, settings: Mapping[str, Any] | BaseModel) -> BaseModel:
        """``settings`` validated by the auditor's ``Config`` (a ``Config`` already built is taken as it is).

        Raises
        ------
        pydantic.ValidationError
            A setting is unknown or of the wrong type; the caller names where it was written.
        """
        if isinstance(settings, BaseModel):
            return settings
        return self.auditor_class.Config.model_validate(dict(settings))  # type: ignore[union-attr]


@dataclass(frozen=True)
class AuditorRegistry:
    """The auditors available in this environment."""

    entries: dict[str, AuditorEntry] = field(default_factory=dict)

    @property
    def failed(self) -> dict[str, AuditorEntry]:
        """Plug-ins that could not be loaded, with the reason."""
        return {n: e for n, e in self.entries.items() if not e.loaded}

    def names(self) -> list[str]:
        """Names of the auditors that loaded, sorted."""
        return sorted(n for n, e in self.entries.items() if e.loaded)

    def get(self, name: str) -> AuditorEntry:
        """The entry for ``name``; raises :class:`AuditorError` if unknown or broken."""
        entry = self.entries.get(name)
        if entry is None:
            raise AuditorError(_MSG_UNKNOWN.format(name=name, available=", ".join(self.names()) or "none"))
        if not entry.loaded:
            raise AuditorError(_MSG_FAILED.format(name=name, package=entry.package, error=entry.error))
        return entry

    def create(self, name: str, config: Any = None) -> Auditor:
        """Instantiate auditor ``name`` with a validated configuration (a dict or its Config model)."""
        cls = self.get(name).auditor_class
        assert cls is not None
        if config is None:
            return cls()
        if isinstance(config, dict):
            return cls(**config)
        return cls(**config.model_dump())


def _check_protocol(cls: Any) -> str | None:
    """Return what is wrong with ``cls`` as an auditor class, or None when it conforms."""
    for attr in ("name", "version", "requires", "Config", "run", "get_params"):
        if not hasattr(cls, attr):
            return f"missing attribute {attr!r}"
    if not callable(getattr(cls, "run")):
        return "'run' is not callable"
    return None


def _load(name: str, package: str, target: str, loader: Any) -> AuditorEntry:
    try:
        cls = loader()
    except Exception as exc:  # a plug-in may raise anything on import; report it, keep going
        return AuditorEntry(name, package, target, None, f"{type(exc).__name__}: {exc}")
    problem = _check_protocol(cls)
    if problem:
        return AuditorEntry(
            name, package, target, None, _MSG_CONTRACT.format(name=name, package=package, problem=problem)
        )
    return AuditorEntry(name, package, target, cls, None)


def _import_target(target: str) -> Any:
    module, _, attr = target.partition(":")
    return getattr(importlib.import_module(module), attr)


def _entry_point_package(ep: EntryPoint) -> str:
    dist = getattr(ep, "dist", None)
    return dist.name if dist is not None else ep.module.split(".")[0]


def load_registry() -> AuditorRegistry:
    """Collect built-in auditors and those installed under the ``govaudit.auditors`` entry points.

    Returns
    -------
    AuditorRegistry
        Every auditor found; those that failed to import are kept with their error.
    """
    entries: dict[str, AuditorEntry] = {}
    for name, target in _BUILTINS.items():
        entries[name] = _load(name, "govaudit", target, lambda t=target: _import_target(t))
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        package = _entry_point_package(ep)
        if ep.name in entries and entries[ep.name].package == "govaudit":
            if package == "govaudit":
                continue  # govaudit's own entry point for a built-in
            # keep the built-in; report the clash under the plug-in's own qualified name
            entries[f"{package}:{ep.name}"] = AuditorEntry(
                ep.name, package, ep.value, None, f"name {ep.name!r} is taken by a built-in auditor"
            )
            continue
        entries[ep.name] = _load(ep.name, package, ep.value, ep.load)
    return AuditorRegistry(entries)
