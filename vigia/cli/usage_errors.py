"""Spanish text for the usage errors Typer and its vendored Click raise in English (their f-strings have no gettext)."""

from __future__ import annotations

import re
from typing import Any

import typer.rich_utils as rich_utils

# Applied in order to the whole message; each rewrites one English phrase Typer, Click or Pydantic produce.
PHRASES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        (r"^No such option: (\S+)", r"No existe la opción \1"),
        (r"\(Possible options: (.+)\)", r"(opciones parecidas: \1)"),
        (r"^No such command (.+?)\.", r"No existe el comando \1."),
        (r"\. Did you mean (.+)\?$", r". ¿Quiso decir \1?"),
        (r"^Missing command\.", "Falta el comando."),
        (r"^Missing option (.+?)\.", r"Falta la opción \1."),
        (r"^Missing argument (.+?)\.", r"Falta el argumento \1."),
        (r"^Missing parameter:? ?(.*)", r"Falta el parámetro \1"),
        (r"^Invalid value for (.+?): ", r"Valor inválido para \1: "),
        (r"^Invalid value: ", "Valor inválido: "),
        (r"Value error, ", ""),
        (r"^Got unexpected extra arguments?(?:\(s\))? \((.+)\)", r"Sobran argumentos: \1"),
        (r"^Option (\S+) requires an argument\.", r"La opción \1 necesita un valor."),
        (r"^Option (\S+) requires (\d+) arguments\.", r"La opción \1 necesita \2 valores."),
        (r"^Option (\S+) does not take a value\.", r"La opción \1 no lleva valor."),
        (r"(\S+) is not one of (.+)\.$", r"\1 no es uno de estos: \2."),
        (r"Value (.+) is not a valid (\S+)\.", r"\1 no es un valor válido (\2)."),
        (r"^(?:File|Directory|Path) (.+) does not exist\.", r"No existe \1."),
        (r"Input should be a valid integer.*$", "debe ser un número entero."),
        (r"Input should be a valid number.*$", "debe ser un número."),
        (r"Input should be a valid boolean.*$", "debe ser sí o no (true/false)."),
        (r"Input should be a valid date.*$", "debe ser una fecha AAAA-MM-DD."),
        (r"Input should be greater than or equal to (\S+)", r"debe ser mayor o igual que \1"),
        (r"Input should be less than or equal to (\S+)", r"debe ser menor o igual que \1"),
    )
)


def spanish_usage_error(message: str) -> str:
    """The message with every known English phrase of a usage error in Spanish."""
    for pattern, replacement in PHRASES:
        message = pattern.sub(replacement, message)
    return message


def install() -> None:
    """Make Typer's error panel print usage errors in Spanish."""
    original = rich_utils.rich_format_error
    if getattr(original, "_vigia", False):
        return

    def rich_format_error(self: Any) -> None:
        english = self.format_message()
        self.format_message = lambda: spanish_usage_error(english)
        original(self)

    rich_format_error._vigia = True  # type: ignore[attr-defined]
    rich_utils.rich_format_error = rich_format_error
