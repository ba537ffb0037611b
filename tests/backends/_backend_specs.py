"""Audit specs written beside test data."""

from __future__ import annotations

from pathlib import Path


def data_spec(folder: Path, *, name: str, data: str, roles: str, model: str = "", extra: str = "",
              tail: str = "") -> Path:
    """Write an audit spec with a [data] section (``roles``: its column lines) beside the data; returns its path."""
    path = folder / f"spec-{abs(hash((name, data, roles, model, extra, tail)))}.toml"
    lines = ["[audit]", f'name = "{name}"', model, "[data]", f'path = "{data}"', roles, extra, tail]
    path.write_text("\n".join(line for line in lines if line) + "\n")
    return path
