"""Locate, open and migrate the Vigía database; turn driver failures into Spanish DatabaseError messages."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.util.exc import CommandError
from sqlalchemy import URL, Connection, Engine, create_engine, event, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.orm import sessionmaker
from sqlalchemy.pool import NullPool, StaticPool

from config.paths import data_dir
from config.settings import load_settings
from core.errors import DatabaseError

logger = logging.getLogger("vigia.storage")
OPEN_ERRORS = (SQLAlchemyError, CommandError, ImportError, OSError)

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
ENV_DATABASE_URL = "VIGIA_DATABASE_URL"
# Writers wait this long for another writer (crawl, backup, scheduler) before giving up.
BUSY_TIMEOUT_MS = 30_000
MMAP_BYTES = 1 << 30
# Execution option marking read-only units of work, which need no write lock on SQLite.
READ_ONLY_OPTION = "vigia_read_only"
OTHER_DB = "indique otra base con --db o con la variable VIGIA_DATABASE_URL"
WHAT_TO_DO = "Indique otra base con --db o con la variable VIGIA_DATABASE_URL."


@dataclass(frozen=True)
class Database:
    """An open, migrated database: an engine plus session factories for writing and for reading."""

    engine: Engine
    Session: sessionmaker[OrmSession]
    ReadSession: sessionmaker[OrmSession]
    # The URL without its password, safe for messages and logs.
    url: str

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()


def default_database_url() -> str:
    """Return the default SQLite URL under VIGIA_HOME, XDG_DATA_HOME or ~/.local/share, creating its folder."""
    folder = data_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        logger.error("No se pudo crear la carpeta de datos %s", folder, exc_info=exc)
        raise DatabaseError(
            f"No se pudo crear la carpeta de datos «{folder}» ({exc.strerror or exc}). "
            f"Revise sus permisos o defina VIGIA_HOME con una carpeta escribible. {WHAT_TO_DO}"
        ) from exc
    return URL.create("sqlite", database=str(folder.resolve() / "vigia.db")).render_as_string()


def resolve_database_url(cli_value: str | None) -> str:
    """Pick the database URL: the --db value, else VIGIA_DATABASE_URL, else the default file; a URL that cannot
    work is refused at once, naming the option or variable it came from."""
    if cli_value and cli_value.strip():
        return check_database_url(cli_value.strip(), "la opción --db")
    from_env = (load_settings().database_url or "").strip()
    if from_env:
        return check_database_url(from_env, f"la variable de entorno {ENV_DATABASE_URL}")
    return default_database_url()


def check_database_url(url: str, source: str) -> str:
    """Return url if it parses, names a known database type and (SQLite) an existing folder; else a DatabaseError
    that names source (where the user wrote it)."""
    try:
        parsed, safe = _parse(url)
        with_default_driver(parsed).get_dialect()
    except DatabaseError as exc:
        raise DatabaseError(f"Dirección de base de datos inválida en {source}: {exc}") from exc
    except NoSuchModuleError as exc:
        message = describe_failure(exc, parsed, safe)
        raise DatabaseError(f"Dirección de base de datos inválida en {source}: {message}") from exc
    return url


def redact_url(url: str) -> str:
    """Return url with its password replaced by ***, even when it does not parse."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return re.sub(r"(://[^:/@\s]*:)[^@\s]*@", r"\1***@", url)


def open_database(url: str) -> Database:
    """Open the database at url and migrate it to the newest schema; raise DatabaseError if unusable."""
    parsed, safe = _parse(url)
    engine: Engine | None = None
    try:
        engine = create_database_engine(parsed, enforce_foreign_keys=True)
        _migrate(parsed, "head", downgrade=False, engine=engine)
    except OPEN_ERRORS as exc:
        if engine is not None:
            engine.dispose()
        raise _fail(exc, safe, describe_failure(exc, parsed, safe)) from exc
    readonly = engine.execution_options(**{READ_ONLY_OPTION: True})
    return Database(
        engine=engine,
        Session=sessionmaker(engine, expire_on_commit=False),
        ReadSession=sessionmaker(readonly, expire_on_commit=False),
        url=safe,
    )


def upgrade_database(url: str, revision: str = "head") -> None:
    """Apply migrations up to revision (for tools; open_database already upgrades to head)."""
    _migrate_guarded(url, revision, downgrade=False)


def downgrade_database(url: str, revision: str = "base") -> None:
    """Revert migrations down to revision; "base" drops every Vigía table."""
    _migrate_guarded(url, revision, downgrade=True)


def _parse(url: str) -> tuple[URL, str]:
    """Parse url and check what can be checked without connecting; return it with its redacted form."""
    safe = redact_url(url)
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise _fail(exc, safe, _bad_url_message(safe)) from exc
    _check_sqlite_folder(parsed, safe)
    return parsed, safe


def _migrate_guarded(url: str, revision: str, downgrade: bool) -> None:
    parsed, safe = _parse(url)
    try:
        _migrate(parsed, revision, downgrade)
    except OPEN_ERRORS as exc:
        raise _fail(exc, safe, describe_failure(exc, parsed, safe)) from exc


def alembic_config(connection: Connection | None = None) -> Config:
    """Build the Alembic configuration in code, so it works from an installed package without alembic.ini."""
    config = Config()
    # ConfigParser interpolates %, so a literal % in the install path must be doubled.
    config.set_main_option("script_location", str(MIGRATIONS_DIR).replace("%", "%%"))
    config.set_main_option("path_separator", "os")
    config.attributes["connection"] = connection
    return config


def _migrate(url: URL, revision: str, downgrade: bool, engine: Engine | None = None) -> None:
    """Run Alembic in one transaction, on engine or on a short-lived engine of its own."""
    # A SQLite file is migrated without foreign-key enforcement: batch mode rebuilds tables, and enforced
    # foreign keys would make dropping a referenced table fail.
    own = engine is None or (_is_sqlite(url) and not _is_memory(url))
    if engine is None or own:
        engine = create_database_engine(url, enforce_foreign_keys=False, pooled=False)
    try:
        with engine.begin() as connection:
            config = alembic_config(connection)
            if downgrade:
                command.downgrade(config, revision)
            else:
                command.upgrade(config, revision)
    finally:
        if own:
            engine.dispose()


def _is_sqlite(url: URL) -> bool:
    return url.get_backend_name() == "sqlite"


def _is_memory(url: URL) -> bool:
    return _is_sqlite(url) and url.database in (None, "", ":memory:")


def with_default_driver(url: URL) -> URL:
    """A bare postgresql:// URL gets psycopg (version 3, installed with Vigía) instead of SQLAlchemy's psycopg2."""
    return url.set(drivername="postgresql+psycopg") if url.drivername == "postgresql" else url


def create_database_engine(url: URL, enforce_foreign_keys: bool = True, pooled: bool = True) -> Engine:
    """Create an engine (no migration); SQLite gets WAL, a busy timeout, foreign keys and explicit BEGINs."""
    if not _is_sqlite(url):
        return create_engine(with_default_driver(url), pool_pre_ping=True)
    if _is_memory(url):
        # One shared connection, or every checkout would see a different empty database.
        engine = create_engine(url, poolclass=StaticPool, connect_args={"check_same_thread": False})
    else:
        engine = create_engine(url) if pooled else create_engine(url, poolclass=NullPool)
    event.listen(engine, "connect", partial(_on_sqlite_connect, enforce_foreign_keys))
    event.listen(engine, "begin", _on_sqlite_begin)
    return engine


def _on_sqlite_connect(enforce_foreign_keys: bool, dbapi_connection: Any, _record: Any) -> None:
    """Configure each new SQLite connection."""
    # Take BEGIN away from the sqlite3 module so DDL and SELECTs run inside real transactions.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        # NORMAL is crash-safe under WAL and avoids an fsync per commit.
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute(f"PRAGMA foreign_keys = {'ON' if enforce_foreign_keys else 'OFF'}")
        # Reading the latest run of every municipality touches pages scattered over the file (results are clustered
        # by municipality and check): mapped pages avoid a read() per page. Address space only, not memory.
        cursor.execute(f"PRAGMA mmap_size = {MMAP_BYTES}")
    finally:
        cursor.close()


def _on_sqlite_begin(connection: Connection) -> None:
    """Start writers with BEGIN IMMEDIATE so they queue on busy_timeout instead of failing on upgrade."""
    read_only = connection.get_execution_options().get(READ_ONLY_OPTION, False)
    connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


def _check_sqlite_folder(url: URL, safe: str) -> None:
    """Refuse a SQLite file whose folder is missing rather than creating folders from a typo."""
    if not _is_sqlite(url) or _is_memory(url) or (url.database or "").startswith("file:"):
        return
    folder = Path(url.database or "").expanduser().absolute().parent
    if not folder.is_dir():
        raise DatabaseError(
            f"No se puede abrir la base de datos «{safe}»: la carpeta «{folder}» no existe o no es una carpeta. "
            f"Créela o {OTHER_DB}."
        )


def _bad_url_message(safe: str) -> str:
    return (
        f"La dirección de base de datos «{safe}» no es válida. Use, por ejemplo, sqlite:////ruta/vigia.db "
        f"o postgresql://usuario@servidor/base. {WHAT_TO_DO}"
    )


# The driver's (English) cause, recognised and told in Spanish; the original always goes to vigia.log.
DRIVER_CAUSES: tuple[tuple[str, str], ...] = (
    ("connection refused", "el servidor rechazó la conexión"),
    ("timeout expired", "se agotó el tiempo de espera"),
    ("timed out", "se agotó el tiempo de espera"),
    ("could not translate host name", "no se encontró el servidor (DNS)"),
    ("name or service not known", "no se encontró el servidor (DNS)"),
    ("no route to host", "no hay ruta de red hasta el servidor"),
    ("password authentication failed", "usuario o contraseña incorrectos"),
    ("no password supplied", "falta la contraseña"),
    ("does not exist", "la base o el usuario no existen en el servidor"),
    ("permission denied", "permiso denegado"),
    ("too many connections", "el servidor no acepta más conexiones"),
    ("ssl", "falla de la conexión cifrada (SSL)"),
    ("unable to open database file", "no se pudo abrir el archivo"),
    ("file is not a database", "el archivo no es una base de datos"),
    ("database disk image is malformed", "el archivo de la base está dañado"),
    ("database is locked", "otro proceso tiene bloqueada la base"),
    ("readonly database", "la base es de sólo lectura"),
    ("disk i/o error", "error de lectura o escritura en el disco"),
    ("no space left", "el disco está lleno"),
)


def _detail(exc: BaseException, url: URL) -> str:
    """The driver's cause in Spanish words (never its English text, which can quote the address)."""
    cause = str(getattr(exc, "orig", None) or exc).lower()
    for marker, words in DRIVER_CAUSES:
        if marker in cause:
            return words
    return "causa técnica en vigia.log"


def describe_failure(exc: BaseException, url: URL, safe: str) -> str:
    """Explain in Spanish why the database at url could not be opened, and what to do."""
    if isinstance(exc, NoSuchModuleError):
        return (
            f"La dirección de base de datos «{safe}» usa un tipo desconocido («{url.drivername}»). "
            f"Vigía admite sqlite:/// y postgresql://. {WHAT_TO_DO}"
        )
    if isinstance(exc, ImportError):
        return (
            f"Falta el controlador de Python para abrir la base de datos «{safe}» (módulo «{exc.name}»). "
            f'Instálelo en el entorno de Vigía (para PostgreSQL: pip install "psycopg[binary]") o use SQLite.'
        )
    if isinstance(exc, CommandError):
        return (
            f"La base de datos «{safe}» tiene un esquema que esta versión de Vigía no reconoce "
            f"(probablemente de una versión más reciente): actualice Vigía o {OTHER_DB}."
        )
    if _is_sqlite(url):
        return (
            f"No se pudo abrir la base de datos SQLite «{safe}» ({_detail(exc, url)}). Revise que el archivo sea "
            f"una base de Vigía y que el archivo y su carpeta se puedan escribir. {WHAT_TO_DO}"
        )
    if isinstance(exc, OperationalError):
        return (
            f"No se pudo conectar con la base de datos «{safe}» ({_detail(exc, url)}). Revise que el servidor "
            f"esté encendido y accesible, y que el usuario, la contraseña y el nombre de la base sean correctos."
        )
    return f"No se pudo abrir la base de datos «{safe}» ({_detail(exc, url)}). {WHAT_TO_DO}"


def _fail(exc: BaseException, safe: str, message: str) -> DatabaseError:
    """Log the original cause for the operator and return the user-facing error."""
    logger.error("No se pudo abrir la base de datos %s", safe, exc_info=exc)
    return DatabaseError(message)
