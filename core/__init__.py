"""Vigía's kernel: errors, clock, text folding and network facts. It imports nothing of the project."""

__version__ = "0.1.0"
