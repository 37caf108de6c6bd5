"""Alembic environment: reuses the caller's connection, or opens one from the configured URL."""

from __future__ import annotations

from logging.config import fileConfig

from alembic import context
from sqlalchemy import Connection, make_url

from storage.db import create_database_engine, resolve_database_url
from storage.models import Base

config = context.config
target_metadata = Base.metadata


def _configure(connection: Connection) -> None:
    # SQLite cannot ALTER most things in place; batch mode rebuilds the table instead.
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def _url() -> str:
    return config.get_main_option("sqlalchemy.url") or resolve_database_url(None)


def run_offline() -> None:
    """Emit SQL for `alembic upgrade --sql` without a connection."""
    url = _url()
    context.configure(
        url=url, target_metadata=target_metadata, literal_binds=True, render_as_batch=url.startswith("sqlite")
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    """Migrate through the connection storage.db passes in, or one of our own for the alembic CLI."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        return
    # Only the alembic command line gets here; its ini file may configure logging.
    if config.config_file_name is not None:
        fileConfig(config.config_file_name, disable_existing_loggers=False)
    # Same connection setup as the application, without foreign-key enforcement (see storage.db._migrate).
    engine = create_database_engine(make_url(_url()), enforce_foreign_keys=False, pooled=False)
    try:
        with engine.begin() as own:
            _configure(own)
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
