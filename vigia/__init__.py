"""Vigía: monitor of municipal transparency portals of the Estado de México."""

__version__ = "0.1.0"
