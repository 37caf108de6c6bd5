"""Reading the YAML files of config/: text, parsed data and node tree (for line numbers), Spanish errors."""

from __future__ import annotations

import errno
from pathlib import Path
from typing import Any

import yaml

from core.errors import ConfigError


def read_text(path: Path) -> str:
    """Return a config file's text (YAML or CSV) or raise ConfigError saying in Spanish why it could not be read."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ConfigError(str(path), None, None, _os_problem(exc)) from exc
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        problem = (
            f"el archivo no está en UTF-8 (byte 0x{data[exc.start]:02x}, posible Latin-1 o Windows-1252); "
            "guárdelo con codificación UTF-8"
        )
        raise ConfigError(str(path), line, None, problem) from exc


def _os_problem(exc: OSError) -> str:
    """Why the system refused to read a file, in the user's words (the English cause goes to the log)."""
    if isinstance(exc, FileNotFoundError):
        return "el archivo no existe"
    if isinstance(exc, IsADirectoryError):
        return "es una carpeta, no un archivo"
    if isinstance(exc, PermissionError):
        return "no hay permiso para leer el archivo"
    return f"el sistema no pudo leer el archivo (código {errno.errorcode.get(exc.errno or 0, exc.errno)})"


def parse(text: str, path: str) -> tuple[Any, Any]:
    """Return (node tree, data) of YAML text; invalid YAML raises ConfigError with its line."""
    try:
        return yaml.compose(text, Loader=yaml.SafeLoader), yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or exc
        raise ConfigError(path, line, None, f"YAML inválido ({problem}); revise la sangría y las comillas") from None
