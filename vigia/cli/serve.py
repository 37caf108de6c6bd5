"""`vigia servir`: the auditors' dashboard in the browser."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Annotated

import typer

from config import paths
from config.settings import load_settings
from config.settings import secret as secret_value
from core.errors import VigiaError
from core.net import is_loopback
from storage.db import redact_url
from vigia.cli.common import DbOption, err, handles_errors, open_reader


@handles_errors
def serve(
    host: Annotated[
        str, typer.Option("--host", help="Dirección donde escuchar. Fuera de 127.0.0.1 exige usuarios.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--puerto", min=1, max=65535, help="Puerto.")] = 8000,
    usuarios: Annotated[
        Path | None,
        typer.Option(
            "--usuarios", help="Archivo YAML de usuarios (contraseñas con hash scrypt); obligatorio fuera de 127.0.0.1."
        ),
    ] = None,
    cookie_segura: Annotated[
        bool,
        typer.Option("--cookie-segura", help="Marca la cookie de sesión como sólo HTTPS (detrás de un proxy con TLS)."),
    ] = False,
    db: DbOption = None,
) -> None:
    """Abre el tablero de auditores: ranking, fichas de municipio, historial, IPOMEX y exportaciones.

    Ejemplo: vigia servir --puerto 8000   (y abra http://127.0.0.1:8000/)
    """
    import uvicorn

    from web.app import create_app
    from web.auth import UsersFileError, load_users

    db_url, database = open_reader(db)  # fail now, in Spanish, if the database is unusable
    database.dispose()
    local = is_loopback(host)
    users = None
    if not local:
        path = usuarios or paths.USERS
        if not path.exists():
            raise VigiaError(
                f"Para escuchar en {host} se exige inicio de sesión: cree {path} con usuarios y "
                "contraseñas (vea el README) o use --host 127.0.0.1."
            )
        try:
            users = load_users(path)
        except UsersFileError as exc:
            raise VigiaError(str(exc)) from exc
    secret = secret_value(load_settings().secret_key) or secrets.token_hex(32)
    app = create_app(db_url, require_login=not local, users=users, secret_key=secret, https_only=cookie_segura)
    err.print(
        f"Tablero en http://{host}:{port}/ — base de datos {redact_url(db_url)}"
        f"{'' if local else ' (con inicio de sesión)'}. Ctrl-C para terminar."
    )
    uvicorn.run(app, host=host, port=port, log_level="warning")
