"""Where Vigía's files are: the configuration files (tests repoint these names) and the data directory."""

from __future__ import annotations

import os
from pathlib import Path

CONFIG_DIR = Path(__file__).resolve().parent
# Read at call time (`paths.REGISTRY`, never `from config.paths import REGISTRY`) so that a monkeypatch reaches them.
REGISTRY = CONFIG_DIR / "municipios.csv"
CATALOGUE = CONFIG_DIR / "checks.yaml"
# Worked examples of the catalogue's site checks, one per class of real-world variant (run as tests).
EXAMPLES = CONFIG_DIR / "ejemplos.yaml"
# The Plataforma Nacional de Transparencia's name of each ayuntamiento, and candidate web presences (never facts).
SUJETOS_PNT = CONFIG_DIR / "sujetos_pnt.csv"
CANDIDATES = CONFIG_DIR / "sitios_candidatos.csv"
OBLIGATIONS = CONFIG_DIR / "obligaciones.yaml"
OPERATION = CONFIG_DIR / "operacion.yaml"
# The identity proof's vocabulary, weights and thresholds (is this page a municipality's official site?).
IDENTITY = CONFIG_DIR / "identidad.yaml"
# The measurement of the site checks against auditor labels, written by `vigia precision --guardar`.
RELIABILITY = CONFIG_DIR / "confiabilidad.yaml"
# The labelled corpus of real municipal sites, in the ../shared folder beside the repository when it is present.
CORPUS = CONFIG_DIR.parent.parent / "shared" / "corpus"
# How `vigia descubrir` builds candidate hosts and which official pages it mines for links.
DISCOVERY = CONFIG_DIR / "descubrimiento.yaml"
# Not shipped: the operator creates it by hand (see web/auth.py).
USERS = CONFIG_DIR / "usuarios.yaml"


def data_dir() -> Path:
    """Return (without creating) Vigía's data directory: $VIGIA_HOME, else $XDG_DATA_HOME/vigia, else
    ~/.local/share/vigia."""
    # Imported here: the registry and catalogues import this module, and pydantic costs ~0.25 s to import.
    from config.settings import load_settings

    home = load_settings().home
    if home:
        return Path(home).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base).expanduser() / "vigia"


def archive_dir() -> Path:
    """Return (without creating) the evidence archive folder: $VIGIA_ARCHIVO_DIR, else <data folder>/evidencia."""
    from config.settings import load_settings

    configured = load_settings().archivo_dir
    return Path(configured).expanduser() if configured else data_dir() / "evidencia"


def log_file() -> Path:
    """The operator log: causes and tracebacks behind the Spanish messages users see."""
    return data_dir() / "vigia.log"


def ensure_log_file() -> Path:
    """Return the operator log path, creating its directory."""
    path = log_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    return path
