"""Reading the YAML files of config/: text, parsed data and node tree (for line numbers), Spanish errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from core.errors import ConfigError


def read_text(path: Path) -> str:
    """Return a config file's text or raise ConfigError saying why it could not be read."""
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(str(path), None, None, f"no se pudo leer el archivo ({exc})") from exc


def parse(text: str, path: str) -> tuple[Any, Any]:
    """Return (node tree, data) of YAML text; invalid YAML raises ConfigError with its line."""
    try:
        return yaml.compose(text, Loader=yaml.SafeLoader), yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or exc
        raise ConfigError(path, line, None, f"YAML inválido ({problem}); revise la sangría y las comillas") from None
