"""Spanish labels for the help screens Typer draws (its own strings are English and not translatable)."""

from __future__ import annotations

from typing import Any

import typer.rich_utils as rich_utils
from typer._click import core as click_core
from typer._click import formatting as click_formatting

HELP_OPTION_TEXT = "Muestra esta ayuda y termina."


def install() -> None:
    """Replace Typer's English panel titles, usage prefix and help-option text with Spanish ones."""
    rich_utils.ARGUMENTS_PANEL_TITLE = "Argumentos"
    rich_utils.OPTIONS_PANEL_TITLE = "Opciones"
    rich_utils.COMMANDS_PANEL_TITLE = "Comandos"
    rich_utils.DEFAULT_STRING = "[por omisión: {}]"
    rich_utils.ENVVAR_STRING = "[variable de entorno: {}]"
    rich_utils.REQUIRED_LONG_STRING = "[obligatorio]"
    rich_utils.RICH_HELP = "Pruebe [blue]'{command_path} {help_option}'[/] para ver la ayuda."
    rich_utils.ABORTED_TEXT = "Cancelado."
    _patch_usage_prefix()
    _patch_help_option()
    _patch_type_names()


def _patch_usage_prefix() -> None:
    original = click_formatting.HelpFormatter.write_usage
    if getattr(original, "_vigia", False):
        return

    def write_usage(self: Any, prog: str, args: str = "", prefix: str | None = None) -> None:
        original(self, prog, args, "Uso: " if prefix is None else prefix)

    write_usage._vigia = True  # type: ignore[attr-defined]
    click_formatting.HelpFormatter.write_usage = write_usage  # type: ignore[method-assign]
    highlighter = type(rich_utils.highlighter)
    highlighter.highlights = [h.replace("Usage: ", "Uso: ") for h in highlighter.highlights]


# Python type names Typer shows beside each option, in the words a user reads; a flag needs none.
TYPE_NAMES: dict[str, str | None] = {
    "<bool>": None,
    "<str>": "TEXTO",
    "<list[str]>": "TEXTO…",
    "<int>": "ENTERO",
    "<float>": "NÚMERO",
    "<path>": "RUTA",
    "<Path>": "RUTA",
    "<datetime>": "FECHA",
}


def _patch_type_names() -> None:
    from typer.core import TyperArgument, TyperOption

    for cls in (TyperOption, TyperArgument):
        original = cls.display_type_rich
        if getattr(original, "_vigia", False):
            continue

        def display(self: Any, ctx: Any, _original: Any = original) -> str | None:
            shown = _original(self, ctx)
            return TYPE_NAMES.get(shown, shown) if isinstance(shown, str) else shown

        display._vigia = True  # type: ignore[attr-defined]
        cls.display_type_rich = display  # type: ignore[method-assign]


def _patch_help_option() -> None:
    original = click_core.Command.get_help_option
    if getattr(original, "_vigia", False):
        return

    def get_help_option(self: Any, ctx: Any) -> Any:
        option = original(self, ctx)
        if option is not None:
            option.help = HELP_OPTION_TEXT
        return option

    get_help_option._vigia = True  # type: ignore[attr-defined]
    click_core.Command.get_help_option = get_help_option  # type: ignore[method-assign]


# English option names of the first versions, still accepted (hidden) so that existing scripts keep running.
OPTION_ALIASES = {
    "--format": "--formato",
    "--dry-run": "--simulacro",
    "--check": "--verificacion",
    "--full": "--completa",
    "--port": "--puerto",
}


def spanish_options(args: list[str]) -> list[str]:
    """args with each English option alias (also in its --name=value form) replaced by its Spanish name."""
    translated = []
    for arg in args:
        name, equals, value = arg.partition("=")
        translated.append(OPTION_ALIASES.get(name, name) + equals + value if name in OPTION_ALIASES else arg)
    return translated
