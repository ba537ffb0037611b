"""Lazy public names for package ``__init__`` modules (PEP 562).

A package lists its public names by the module that defines them; each is imported the first time
it is used (``govaudit.audit``, ``from govaudit.records import Ledger``), so importing a package
costs nothing until then, and a name pulls in only its own module's imports. The package keeps the
real imports under ``if TYPE_CHECKING:`` for type checkers and IDEs::

    if TYPE_CHECKING:
        from govaudit.records._ledger import Ledger
    else:
        __getattr__, __dir__ = lazy_exports(__name__, {"govaudit.records._ledger": ("Ledger",)}, globals())
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Mapping
from typing import Any

__all__ = ["lazy_exports"]


def lazy_exports(
    package: str,
    exports: Mapping[str, Iterable[str]],
    namespace: dict[str, Any],
    submodules: Iterable[str] = (),
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """The ``__getattr__`` and ``__dir__`` of a package whose names are imported on first use.

    Parameters
    ----------
    package : str
        The package's ``__name__``.
    exports : mapping of str to iterable of str
        Each module (absolute name) and the names the package takes from it.
    namespace : dict
        The package's ``globals()``: a name, once imported, is stored there, so later lookups are
        plain attribute reads.
    submodules : iterable of str, optional
        Submodules that ``package.<name>`` imports on first use, as an eager ``__init__`` made them
        attributes (``import govaudit; govaudit.core.Finding``).

    Returns
    -------
    (__getattr__, __dir__)
        To assign at the package's module level.
    """
    home = {name: module for module, names in exports.items() for name in names}
    modules = frozenset(submodules)

    def __getattr__(name: str) -> Any:
        module = home.get(name)
        if module is None:
            if name in modules:  # importing it sets the package's attribute
                return importlib.import_module(f"{package}.{name}")
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module), name)
        namespace[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted(set(namespace) | set(home) | modules)

    return __getattr__, __dir__
