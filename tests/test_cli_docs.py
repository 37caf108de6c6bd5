"""Every command, option and setting a user can touch is documented and speaks Spanish."""

from __future__ import annotations

import re
from dataclasses import fields
from typing import Any

import pytest
import typer.main
from typer.testing import CliRunner

from crawler.settings import CrawlSettings
from tests.conftest import REPO
from vigia.cli import ALIASES, app
from vigia.cli.i18n import OPTION_ALIASES

README = (REPO / "README.md").read_text(encoding="utf-8")


def walk(command: Any, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], Any]]:
    """Every visible (command path, click command) under the root, groups included; hidden English aliases are
    checked apart."""
    found = [(path, command)] if path else []
    for name, sub in getattr(command, "commands", {}).items():
        if not getattr(sub, "hidden", False):
            found += walk(sub, (*path, name))
    return found


COMMANDS = walk(typer.main.get_command(app))
IDS = [" ".join(path) for path, _ in COMMANDS]


def test_readme_starts_with_the_two_setup_commands() -> None:
    first_block = README.split("```bash", 1)[1].split("```", 1)[0]
    assert [line.split("#")[0].strip() for line in first_block.strip().splitlines()] == [
        "./bootstrap.sh demo",
        "./bootstrap.sh test",
    ]
    assert "./bootstrap.sh test" in (REPO / ".ci" / "run").read_text()


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=IDS)
def test_every_command_is_in_the_readme_table(path: tuple[str, ...], command: Any) -> None:
    assert re.search(rf"^\| `vigia {' '.join(path)}\b", README, re.MULTILINE), f"vigia {' '.join(path)} sin documentar"


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=IDS)
def test_every_command_has_spanish_help_with_an_example(path: tuple[str, ...], command: Any) -> None:
    result = CliRunner().invoke(app, [*path, "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    assert "Ejemplo" in result.output and "Uso:" in result.output and "Opciones" in result.output
    assert "Show this message" not in result.output


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=IDS)
def test_every_option_of_every_command_is_in_the_readme(path: tuple[str, ...], command: Any) -> None:
    for param in command.params:
        for opt in param.opts:
            if opt.startswith("--") and opt != "--help":
                assert opt in README, f"la opción {opt} de vigia {' '.join(path)} no está documentada"


@pytest.mark.parametrize("name", [f.name for f in fields(CrawlSettings)])
def test_every_crawl_setting_is_documented(name: str) -> None:
    assert f"`VIGIA_{name.upper()}`" in README


@pytest.mark.parametrize(("alias", "name"), sorted(ALIASES.items()))
def test_every_english_alias_runs_its_spanish_command_and_is_documented(alias: str, name: str) -> None:
    root = typer.main.get_command(app)
    commands = root.commands  # type: ignore[attr-defined]
    assert commands[alias].hidden and not commands[name].hidden
    names = [[p.name for p in commands[c].params] for c in (alias, name)]
    assert commands[alias].help == commands[name].help and names[0] == names[1]
    assert f"`{alias}` → `{name}`" in README, f"el alias {alias} no está en el README"


@pytest.mark.parametrize("english", ["--format", "--format=json"])
def test_english_option_names_still_work(english: str) -> None:
    args = ["municipios", english] + ([] if "=" in english else ["json"])
    old = CliRunner().invoke(app, args)
    new = CliRunner().invoke(app, ["municipios", "--formato", "json"])
    assert old.exit_code == new.exit_code == 0 and old.output == new.output


def test_english_option_names_are_hidden_from_help() -> None:
    for alias in OPTION_ALIASES:
        shown = "".join(CliRunner().invoke(app, [*p, "--help"], env={"COLUMNS": "200"}).output for p, _ in COMMANDS)
        assert not re.search(rf"{alias}(?![\w-])", shown), alias
        assert f"`{alias}` → `{OPTION_ALIASES[alias]}`" in README


# English words a Spanish help page must never show (the product stays in one language).
DENY = re.compile(
    r"<bool>|<str>|<int>|<float>|<list\[|\bTraceback\b|\bcomplete\b|\bstatus\b|\btrue\b|\bfalse\b|\bUsage\b|\bOptions\b"
)


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=IDS)
def test_help_has_no_english_words(path: tuple[str, ...], command: Any) -> None:
    shown = CliRunner().invoke(app, [*path, "--help"], env={"COLUMNS": "200"}).output
    found = DENY.findall(shown)
    assert not found, f"vigia {' '.join(path)} --help muestra {sorted(set(found))}"
