"""config.settings: every VIGIA_* variable typed, documented in the README's table, validated with Spanish errors."""

from __future__ import annotations

import re
from dataclasses import fields
from pathlib import Path

import pytest

from config.paths import data_dir
from config.settings import Settings, load_settings, variable, variables_table
from core.errors import ConfigError
from crawler.dns import load_overrides
from crawler.settings import CrawlSettings
from storage.db import resolve_database_url
from tests.conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")
PRODUCT = (
    "alerts",
    "bench",
    "checks",
    "config",
    "core",
    "crawler",
    "fuzz",
    "scripts",
    "simulator",
    "spiders",
    "storage",
    "vigia",
    "web",
)


def test_the_readme_table_is_the_generated_one() -> None:
    assert variables_table() in README, "regenere la tabla del README con: python -m config.settings"


def test_the_readme_documents_no_variable_that_does_not_exist() -> None:
    table = README[README.index("| Variable de entorno |") :].split("\n\n", 1)[0]
    documented = re.findall(r"^\| `(VIGIA_[A-Z0-9_]+)`", table, re.MULTILINE)
    assert documented == [variable(name) for name in Settings.model_fields]


def test_every_field_has_a_spanish_description() -> None:
    for name, field in Settings.model_fields.items():
        assert field.description and field.description[0].islower(), name


def test_every_crawl_setting_is_a_setting_with_the_same_default() -> None:
    defaults = CrawlSettings()
    for item in fields(CrawlSettings):
        assert item.name in Settings.model_fields, f"declare VIGIA_{item.name.upper()} en config/settings.py"
        assert getattr(defaults, item.name) == Settings.model_fields[item.name].default


def test_no_product_module_reads_a_vigia_variable_from_the_environment() -> None:
    reader = re.compile(r"environ(?:\.get)?\s*[\[(]\s*[\"']VIGIA_|getenv\(\s*[\"']VIGIA_")
    modules = [REPO / "scheduler.py", *(path for package in PRODUCT for path in (REPO / package).rglob("*.py"))]
    for path in modules:
        assert not reader.search(path.read_text(encoding="utf-8")), path


@pytest.mark.parametrize(
    ("raw", "expected"), [("1", True), ("sí", True), ("SI", True), ("true", True), ("0", False), ("No", False)]
)
def test_booleans_keep_their_spanish_spellings(raw: str, expected: bool) -> None:
    assert load_settings({"VIGIA_OBEY_ROBOTS": raw}).obey_robots is expected


@pytest.mark.parametrize(
    ("name", "raw", "kind"),
    [
        ("VIGIA_MAX_PAGES", "muchas", "int"),
        ("VIGIA_TIMEOUT", "3,5", "float"),
        ("VIGIA_RENDER_JS", "quizá", "bool"),
        ("VIGIA_DNS_OVERRIDES", '["127.0.0.1"]', "objeto JSON"),
    ],
)
def test_an_invalid_value_names_the_variable(name: str, raw: str, kind: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings({name: raw})
    field = name.removeprefix("VIGIA_").lower()
    assert str(caught.value) == (
        f"Configuración inválida en variable de entorno {name}, campo «{field}»: «{raw}» no es un valor válido ({kind})"
    )


def test_the_process_environment_is_read_when_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VIGIA_MAX_PAGES", "7")
    assert CrawlSettings.from_env().max_pages == 7
    monkeypatch.setenv("VIGIA_MAX_PAGES", "8")
    assert CrawlSettings.from_env().max_pages == 8
    assert CrawlSettings.from_env({}).max_pages == 60, "an explicit environ ignores the process environment"
    monkeypatch.setenv("VIGIA_MAX_PAGES", "ocho")
    with pytest.raises(ConfigError, match="VIGIA_MAX_PAGES"):
        CrawlSettings.from_env()


def test_readers_follow_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("VIGIA_HOME", str(tmp_path / "casa"))
    monkeypatch.setenv("VIGIA_DATABASE_URL", "sqlite:////otra.db")
    monkeypatch.setenv("VIGIA_DNS_OVERRIDES", '{"Municipio.TEST.": "127.0.0.1", "caido.test": null}')
    assert data_dir() == tmp_path / "casa"
    assert resolve_database_url(None) == "sqlite:////otra.db"
    assert load_overrides() == {"municipio.test": "127.0.0.1", "caido.test": None}


def test_secrets_stay_out_of_the_settings_repr() -> None:
    settings = load_settings({"VIGIA_SMTP_PASSWORD": "s3creta", "VIGIA_SECRET_KEY": "clave-fija"})
    assert "s3creta" not in repr(settings) and "clave-fija" not in repr(settings)
    assert settings.smtp_password is not None and settings.smtp_password.get_secret_value() == "s3creta"
