"""The Vigía dashboard: a read-only FastAPI application rendering Jinja2 templates (autoescaped)."""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable, Mapping
from datetime import date, datetime
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from jinja2 import Environment, FileSystemLoader
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from checks.catalogue import load_catalogue
from checks.model import STATUS_TEXT
from checks.obligations import load_obligations
from checks.reliability import load_reliability, percent
from config import paths
from core.clock import ZONE_NAME, people_date, people_datetime
from storage.db import open_database
from storage.models import RUN_STATUS_TEXT
from web import archive_pages, auth, constancia, pages, views
from web.charts import line_chart

HERE = Path(__file__).resolve().parent
OPEN_PATHS = frozenset({"/entrar"})
# How the Spanish details raised by web.pages begin (Starlette's own are English phrases).
OWN_DETAILS = ("No ", "Formato ")
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}
Next = Callable[[Request], Awaitable[Response]]


def _day_text(day: date | datetime | str | None) -> str:
    """Jinja filter «fecha»: a day (or an ISO day string from a response model) as dd/mm/aaaa."""
    return people_date(date.fromisoformat(day) if isinstance(day, str) else day)


def _templates() -> Jinja2Templates:
    env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=True)
    env.globals.update(enlace=views.safe_link, estados=STATUS_TEXT, porcentaje=percent, zona=ZONE_NAME)
    env.filters.update(fecha=_day_text, fecha_hora=people_datetime)
    env.globals.update(simulado=views.is_loopback, estados_corrida=RUN_STATUS_TEXT, tipos=views.RUN_KIND_TEXT)
    return Jinja2Templates(env=env)


def create_app(
    db_url: str,
    *,
    require_login: bool,
    users: Mapping[str, str] | None = None,
    secret_key: str | None = None,
    https_only: bool = False,
    archive_dir: Path | None = None,
) -> FastAPI:
    """Build the dashboard; with require_login every route but /entrar and /static needs a session. Archived
    copies are read from archive_dir (default: VIGIA_ARCHIVO_DIR)."""
    app = FastAPI(
        title="Vigía: tablero de transparencia municipal",
        docs_url=None,
        redoc_url=None,
        description="Consulta de los resultados del monitor de portales de transparencia del Estado de "
        "México. Sólo lectura.",
    )
    templates = _templates()
    app.state.db = open_database(db_url)
    app.state.catalogue, app.state.obligations = load_catalogue(), load_obligations()
    app.state.reliability = load_reliability(app.state.catalogue.version)
    app.state.users, app.state.require_login = dict(users or {}), require_login
    app.state.limiter, app.state.chart = auth.LoginLimiter(), line_chart
    app.state.archive_dir = archive_dir or paths.archive_dir()
    app.state.render = lambda request, name, context, status=200: templates.TemplateResponse(
        request,
        name,
        {
            **context,
            "csrf": auth.csrf_token(request),
            "login": require_login,
            "usuario": request.session.get(auth.USER_KEY),
        },
        status_code=status,
    )
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.include_router(pages.router)
    app.include_router(pages.api)
    app.include_router(archive_pages.router)
    app.include_router(archive_pages.api)
    app.include_router(constancia.router)
    _add_login_routes(app)
    _add_error_handlers(app)
    _add_middleware(app, secret_key or secrets.token_urlsafe(32), https_only)
    return app


def _add_middleware(app: FastAPI, secret_key: str, https_only: bool) -> None:
    @app.middleware("http")
    async def guard(request: Request, call_next: Next) -> Response:
        path = request.url.path
        if not app.state.require_login or path in OPEN_PATHS or path.startswith("/static/"):
            return await call_next(request)
        if request.session.get(auth.USER_KEY) in app.state.users:
            return await call_next(request)
        if path.startswith("/api") or path == "/openapi.json" or request.method != "GET":
            return JSONResponse({"detalle": "Inicie sesión para consultar el tablero."}, status_code=401)
        return RedirectResponse("/entrar", status_code=303)

    @app.middleware("http")
    async def headers(request: Request, call_next: Next) -> Response:
        response = await call_next(request)
        # A route that sets its own policy keeps it (the archived copies' is stricter still).
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    app.add_middleware(
        SessionMiddleware,
        secret_key=secret_key,
        session_cookie="vigia_sesion",
        same_site="strict",
        https_only=https_only,
        max_age=12 * 3600,
    )


def _error(request: Request, status: int, message: str) -> Response:
    if request.url.path.startswith("/api"):
        return JSONResponse({"detalle": message}, status_code=status)
    result: Response = request.app.state.render(request, "error.html", {"estado": status, "mensaje": message}, status)
    return result


def _add_error_handlers(app: FastAPI) -> None:
    messages = {404: "No se encontró la página solicitada.", 405: "Método no permitido: el tablero es de sólo lectura."}

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        # Only our own 400/404 details are Spanish; Starlette's default phrase ("Not Found") is replaced.
        own = exc.status_code in (400, 404) and isinstance(exc.detail, str) and exc.detail.startswith(OWN_DETAILS)
        detail = exc.detail if own else None
        return _error(request, exc.status_code, detail or messages.get(exc.status_code, "Error en la solicitud."))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        return _error(request, 422, "Los parámetros de la consulta no son válidos.")


async def _form(request: Request) -> dict[str, str]:
    form = await request.form()
    return {key: value for key, value in form.items() if isinstance(value, str)}


def _add_login_routes(app: FastAPI) -> None:
    @app.get("/entrar", include_in_schema=False)
    def login_form(request: Request) -> Response:
        if not app.state.require_login:
            return RedirectResponse("/", status_code=303)
        result: Response = app.state.render(request, "entrar.html", {"error": None})
        return result

    @app.post("/entrar", include_in_schema=False)
    async def login(request: Request) -> Response:
        return await _login(request)

    @app.post("/salir", include_in_schema=False)
    async def logout(request: Request) -> Response:
        form = await _form(request)
        if not auth.csrf_valid(request, form.get("csrf")):
            return _error(request, 403, "El formulario caducó o no es válido; recargue la página.")
        request.session.clear()
        return RedirectResponse("/entrar" if app.state.require_login else "/", status_code=303)


async def _login(request: Request) -> Response:
    form, state = await _form(request), request.app.state
    if not auth.csrf_valid(request, form.get("csrf")):
        return _error(request, 403, "El formulario caducó o no es válido; recargue la página.")
    user, client = form.get("usuario", "").strip(), request.client.host if request.client else "?"
    too_many = "Demasiados intentos fallidos. Espere 15 minutos antes de volver a intentarlo."
    if state.limiter.blocked(user, client):
        return _error(request, 429, too_many)
    if auth.check_user(state.users, user, form.get("contrasena", "")):
        state.limiter.reset(user, client)
        request.session.clear()
        request.session[auth.USER_KEY] = user
        return RedirectResponse("/", status_code=303)
    state.limiter.fail(user, client)
    if state.limiter.blocked(user, client):
        return _error(request, 429, too_many)
    page: Response = state.render(request, "entrar.html", {"error": "Usuario o contraseña incorrectos."}, 401)
    return page
