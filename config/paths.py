"""Where Vigía's configuration files are: the one place every package asks (tests repoint these names)."""

from __future__ import annotations

from pathlib import Path

CONFIG_DIR = Path(__file__).resolve().parent
# Read at call time (`paths.REGISTRY`, never `from config.paths import REGISTRY`) so that a monkeypatch reaches them.
REGISTRY = CONFIG_DIR / "municipios.csv"
CATALOGUE = CONFIG_DIR / "checks.yaml"
OBLIGATIONS = CONFIG_DIR / "obligaciones.yaml"
OPERATION = CONFIG_DIR / "operacion.yaml"
# Not shipped: the operator creates it by hand (see web/auth.py).
USERS = CONFIG_DIR / "usuarios.yaml"
