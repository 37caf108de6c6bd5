"""The unit of work shared by the repository modules: one transaction, failures as Spanish DatabaseError."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session

from core.errors import DatabaseError
from storage.db import Database
from storage.models import RunRow

logger = logging.getLogger("vigia.storage")
# PostgreSQL's SQLSTATE for a full disk.
DISK_FULL_SQLSTATE = "53100"


@contextmanager
def unit_of_work(db: Database, action: str, read_only: bool = False) -> Iterator[Session]:
    """One transaction; driver failures become a Spanish DatabaseError naming the action."""
    factory = db.ReadSession if read_only else db.Session
    try:
        with factory.begin() as session:
            yield session
    except SQLAlchemyError as exc:
        logger.error("Falló «%s» en la base de datos %s", action, db.url, exc_info=exc)
        lines = str(getattr(exc, "orig", None) or exc).strip().splitlines()
        cause = lines[0] if lines else type(exc).__name__
        if disk_full(exc):
            raise DatabaseError(
                f"Disco lleno: no se pudo {action} en la base de datos «{db.url}» ({cause}). La transacción se "
                "deshizo, así que nada de lo ya guardado se dañó; libere espacio en el disco y vuelva a intentarlo."
            ) from exc
        raise DatabaseError(f"No se pudo {action} en la base de datos «{db.url}» ({cause}): {_hint(exc)}.") from exc


def disk_full(exc: BaseException) -> bool:
    """Whether the driver failed for lack of space (SQLite's SQLITE_FULL, PostgreSQL's disk_full 53100)."""
    cause = getattr(exc, "orig", None) or exc
    if getattr(cause, "sqlstate", None) == DISK_FULL_SQLSTATE:
        return True
    text = str(cause).lower()
    return "database or disk is full" in text or "no space left on device" in text


def _hint(exc: SQLAlchemyError) -> str:
    """What the user can do about a failed unit of work."""
    if isinstance(exc, IntegrityError):
        return "los datos no cumplen las reglas de la base (¿un municipio que no se registró al iniciar la corrida?)"
    if "locked" in str(exc):
        return "otro proceso la mantiene bloqueada desde hace más de 30 s; espere a que termine y reintente"
    return "revise que haya espacio en disco y que la base siga disponible"


def not_running(session: Session, run_id: int) -> DatabaseError:
    """The Spanish error for a write to a run that is missing or already closed."""
    status = session.scalar(select(RunRow.status).where(RunRow.id == run_id))
    if status is None:
        return DatabaseError(f"La corrida {run_id} no existe en la base de datos.")
    return DatabaseError(f"La corrida {run_id} ya no está en curso (estado: {status}); no se puede modificar.")


def lock_running(session: Session, run_id: int) -> None:
    """Take the run's row lock with a no-op update, so that finish_run cannot close the run under this write."""
    done = session.execute(
        update(RunRow)
        .where(RunRow.id == run_id, RunRow.status == "running")
        .values(status="running")
        .execution_options(synchronize_session=False)
    )
    if cast(CursorResult[Any], done).rowcount == 0:
        raise not_running(session, run_id)
