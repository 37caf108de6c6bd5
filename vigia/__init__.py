"""Vigía: monitor of municipal transparency portals of the Estado de México (CLI and nightly job)."""

from core import __version__

__all__ = ["__version__"]
