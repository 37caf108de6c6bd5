"""Where the database lives, and the Spanish errors given for unusable URLs."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url
from sqlalchemy.exc import OperationalError

from core.errors import DatabaseError
from storage.db import default_database_url, describe_failure, open_database, redact_url, resolve_database_url


def _clear_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("VIGIA_HOME", "XDG_DATA_HOME", "VIGIA_DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)


def test_default_url_prefers_vigia_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _clear_env(monkeypatch)
    monkeypatch.setenv("VIGIA_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert default_database_url() == f"sqlite:///{tmp_path / 'home' / 'vigia.db'}"
    assert (tmp_path / "home").is_dir()


def test_default_url_uses_xdg_data_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _clear_env(monkeypatch)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert default_database_url() == f"sqlite:///{tmp_path / 'xdg' / 'vigia' / 'vigia.db'}"
    assert (tmp_path / "xdg" / "vigia").is_dir()


def test_default_url_falls_back_to_local_share(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _clear_env(monkeypatch)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert default_database_url() == f"sqlite:///{tmp_path / '.local' / 'share' / 'vigia' / 'vigia.db'}"


def test_default_url_unwritable_home_is_a_database_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _clear_env(monkeypatch)
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("VIGIA_HOME", str(blocker / "sub"))
    with pytest.raises(DatabaseError, match="No se pudo crear la carpeta"):
        default_database_url()


def test_resolve_precedence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _clear_env(monkeypatch)
    monkeypatch.setenv("VIGIA_HOME", str(tmp_path))
    assert resolve_database_url(None) == f"sqlite:///{tmp_path / 'vigia.db'}"
    monkeypatch.setenv("VIGIA_DATABASE_URL", "sqlite:////env.db")
    assert resolve_database_url(None) == "sqlite:////env.db"
    assert resolve_database_url("  ") == "sqlite:////env.db"
    assert resolve_database_url("sqlite:////cli.db") == "sqlite:////cli.db"


def test_redact_url_hides_passwords_even_unparsable() -> None:
    assert "secret" not in redact_url("postgresql://u:secret@host/db")
    assert "secret" not in redact_url("post gres://u:secret@host/db")


def _open_fails(url: str) -> str:
    with pytest.raises(DatabaseError) as caught:
        open_database(url)
    message = str(caught.value)
    assert "base de datos" in message
    return message


def test_missing_folder(tmp_path: Path) -> None:
    message = _open_fails(f"sqlite:///{tmp_path}/no-existe/x/y.db")
    assert "no existe" in message and "--db" in message


def test_folder_is_a_file(tmp_path: Path) -> None:
    (tmp_path / "plain").write_text("x")
    assert "no existe o no es una carpeta" in _open_fails(f"sqlite:///{tmp_path}/plain/y.db")


def test_unwritable_database_file(tmp_path: Path) -> None:
    # A directory where the file should be cannot be opened even by root.
    (tmp_path / "vigia.db").mkdir()
    message = _open_fails(f"sqlite:///{tmp_path}/vigia.db")
    assert "SQLite" in message and "escribir" in message


def test_file_that_is_not_a_database(tmp_path: Path) -> None:
    (tmp_path / "notes.db").write_bytes(b"esto no es una base de datos SQLite" * 100)
    assert "Revise que el archivo sea una base de Vigía" in _open_fails(f"sqlite:///{tmp_path}/notes.db")


def test_unreachable_server_hides_password(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.ERROR, logger="vigia.storage"):
        message = _open_fails("postgresql://u:secret@127.0.0.1:1/db")
    assert "secret" not in message
    assert "127.0.0.1" in message
    # Whether psycopg2 is installed (connection refused) or not (missing driver), the cause is logged.
    assert any(record.exc_info for record in caplog.records if record.name == "vigia.storage")


def test_unknown_scheme() -> None:
    assert "tipo desconocido" in _open_fails("nonsense://")


def test_unparsable_url() -> None:
    assert "no es válida" in _open_fails("esto no es una url")


def test_schema_newer_than_this_code(db_url: str) -> None:
    open_database(db_url).dispose()
    engine = create_engine(db_url)
    with engine.begin() as connection:
        connection.exec_driver_sql("UPDATE alembic_version SET version_num = '9999_future'")
    engine.dispose()
    assert "versión más reciente" in _open_fails(db_url)


def test_server_error_message_is_spanish_and_scrubbed() -> None:
    url = make_url("postgresql://u:secret@db.example:5432/vigia")
    cause = Exception('connection to server at "db.example" failed: password "secret" rejected')
    message = describe_failure(OperationalError("SELECT 1", {}, cause), url, redact_url(str(url)))
    assert message.startswith("No se pudo conectar con la base de datos «postgresql://u:***@db.example:5432/vigia»")
    assert "secret" not in message
