"""Where Vigía keeps its files: $VIGIA_HOME, else $XDG_DATA_HOME/vigia, else ~/.local/share/vigia."""

from __future__ import annotations

import os
from pathlib import Path


def data_dir() -> Path:
    """Return (without creating) Vigía's data directory."""
    if os.environ.get("VIGIA_HOME"):
        return Path(os.environ["VIGIA_HOME"]).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base).expanduser() / "vigia"


def log_file() -> Path:
    """The operator log: causes and tracebacks behind the Spanish messages users see."""
    return data_dir() / "vigia.log"


def ensure_log_file() -> Path:
    """Return the operator log path, creating its directory."""
    path = log_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    return path
