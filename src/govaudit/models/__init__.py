"""Model artifacts: loading them safely and identifying them by content hash."""

from govaudit.models._loading import PICKLE_SUFFIXES, SKOPS_SUFFIXES, load_model

__all__ = ["PICKLE_SUFFIXES", "SKOPS_SUFFIXES", "load_model"]
