"""govaudit: audit AI systems used by government."""

from govaudit._version import __version__

__all__ = ["__version__"]
