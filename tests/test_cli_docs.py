"""Every command, option and setting a user can touch is documented and speaks Spanish."""

from __future__ import annotations

import re
from dataclasses import fields

import pytest
from typer.testing import CliRunner

from crawler.settings import CrawlSettings
from tests.conftest import REPO
from vigia.cli import app

README = (REPO / "README.md").read_text(encoding="utf-8")
COMMANDS = sorted(c.name or "" for c in app.registered_commands)


def test_readme_starts_with_the_two_setup_commands() -> None:
    first_block = README.split("```bash", 1)[1].split("```", 1)[0]
    assert [line.split("#")[0].strip() for line in first_block.strip().splitlines()] == [
        "./bootstrap.sh demo", "./bootstrap.sh test"]
    assert "./bootstrap.sh test" in (REPO / ".ci" / "run").read_text()


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_is_in_the_readme_table(command: str) -> None:
    assert re.search(rf"^\| `vigia {command}\b", README, re.MULTILINE), f"vigia {command} no está en el README"


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_spanish_help_with_an_example(command: str) -> None:
    result = CliRunner().invoke(app, [command, "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    assert "Ejemplo" in result.output and "Uso:" in result.output and "Opciones" in result.output
    assert "Show this message" not in result.output


@pytest.mark.parametrize("command", COMMANDS)
def test_every_option_of_every_command_is_in_the_readme(command: str) -> None:
    click_command = next(c for c in app.registered_commands if c.name == command)
    import typer.main

    cmd = typer.main.get_command_from_info(click_command, pretty_exceptions_short=True, rich_markup_mode="rich")
    for param in cmd.params:
        for opt in param.opts:
            if opt.startswith("--"):
                assert opt in README, f"la opción {opt} de vigia {command} no está documentada"


@pytest.mark.parametrize("name", [f.name for f in fields(CrawlSettings)])
def test_every_crawl_setting_is_documented(name: str) -> None:
    assert f"`VIGIA_{name.upper()}`" in README
