"""Every VIGIA_* environment variable: one typed, documented settings object, validated once per environment.

`load_settings()` reads the environment when called (never at import), so a test that changes the environment sees
the change; the object is cached per distinct set of VIGIA_* values. The README's variable table is generated from
the fields here (`python -m config.settings`) and a test checks that they agree.
"""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Callable, Mapping
from typing import Annotated, Any, get_args

from pydantic import BeforeValidator, Field, SecretStr, ValidationError
from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings, NoDecode, PydanticBaseSettingsSource, SettingsConfigDict

from core import __version__
from core.errors import ConfigError

PREFIX = "VIGIA_"
USER_AGENT = f"Vigia/{__version__} (monitor de transparencia municipal; +https://github.com/vigia-edomex)"
_TRUE, _FALSE = ("1", "true", "si", "sí"), ("0", "false", "no")


def _boolean(raw: object) -> object:
    """Today's spelling of a boolean variable: 1/0, true/false, sí/si/no (any case)."""
    if not isinstance(raw, str):
        return raw
    if raw.lower() not in _TRUE + _FALSE:
        raise ValueError(raw)
    return raw.lower() in _TRUE


def _integer(raw: object) -> object:
    return int(raw) if isinstance(raw, str) else raw


def _decimal(raw: object) -> object:
    return float(raw) if isinstance(raw, str) else raw


def _json_object(raw: object) -> object:
    """A JSON object given as text (the variable) or already decoded."""
    value = json.loads(raw) if isinstance(raw, str) else raw
    if value is not None and not isinstance(value, dict):
        raise ValueError(raw)
    return value


Bool = Annotated[bool, BeforeValidator(_boolean)]
Int = Annotated[int, BeforeValidator(_integer)]
Float = Annotated[float, BeforeValidator(_decimal)]
# Unset (None): computed, e.g. a budget derived from the latency model.
OptionalFloat = Annotated[float | None, BeforeValidator(_decimal)]
DnsTable = Annotated[dict[str, str | None] | None, NoDecode, BeforeValidator(_json_object)]


def _doc(default_text: str) -> dict[str, Any]:
    """How the README states a default that is computed or absent."""
    return {"omision": default_text}


class Settings(BaseSettings):
    """Vigía's environment: each field is the variable VIGIA_<FIELD>; its description is the README's text."""

    model_config = SettingsConfigDict(env_prefix=PREFIX, extra="ignore", frozen=True)

    database_url: str | None = Field(
        default=None,
        description="base de datos (cualquier URL de SQLAlchemy); `--db` tiene prioridad",
        json_schema_extra=_doc("SQLite en la carpeta de datos"),
    )
    home: str | None = Field(
        default=None,
        description="carpeta de datos: `vigia.db`, `demo.db`, `vigia.log`",
        json_schema_extra=_doc("`$XDG_DATA_HOME/vigia` o `~/.local/share/vigia`"),
    )
    archivo: Bool = Field(
        default=True,
        description="archivar la evidencia de cada corrida (páginas, documentos y páginas de IPOMEX leídas) en WARC, "
        "sin copiar otra vez lo que no cambió; sin archivo, las corridas guardan sus resultados igual",
    )
    archivo_dir: str | None = Field(
        default=None,
        description="carpeta del archivo de evidencia: las páginas, documentos y capturas de cada corrida en WARC, "
        "el borrador `spool/` de la corrida en curso y `depurados.jsonl`; nunca dentro del repositorio",
        json_schema_extra=_doc("`evidencia` en la carpeta de datos"),
    )
    max_depth: Int = Field(default=2, description="profundidad máxima desde la página de inicio")
    max_pages: Int = Field(default=60, description="páginas HTML por sitio como máximo")
    obey_robots: Bool = Field(
        default=True, description="obedecer robots.txt (RFC 9309: 4xx = permitido, 5xx o inalcanzable = prohibido)"
    )
    per_site_concurrency: Int = Field(default=2, description="peticiones simultáneas por sitio")
    sites_in_parallel: Int = Field(
        default=128, description="sitios rastreados a la vez, sumando todos los procesos de rastreo"
    )
    crawl_processes: Int = Field(
        default=2,
        description="procesos de rastreo que se reparten los sitios (revisar páginas ocupa CPU: uno por núcleo)",
    )
    timeout: Float = Field(default=15.0, description="segundos de espera por petición")
    retries: Int = Field(default=2, description="reintentos ante errores de red o 5xx")
    max_page_bytes: Int = Field(default=5 * 1024 * 1024, description="tamaño máximo de una página")
    max_redirects: Int = Field(default=10, description="redirecciones antes de declarar un bucle")
    max_documents: Int = Field(
        default=8,
        description="documentos PDF por sitio que se descargan y leen como evidencia (0 = ninguno); no cuentan "
        "como páginas",
    )
    max_document_bytes: Int = Field(
        default=4 * 1024 * 1024, description="tamaño máximo de un documento PDF; uno mayor se corta y no se lee"
    )
    document_pages: Int = Field(default=3, description="páginas de cada documento PDF que se leen")
    form_probe_requests: Int = Field(
        default=9,
        description="peticiones por sitio para comprobar que el destino de sus formularios de contacto existe (HEAD, "
        "OPTIONS o GET; nunca POST); lo que no alcanza queda `indeterminado`",
    )
    form_probe_seconds: Float = Field(
        default=20.0,
        description="segundos por sitio para esas comprobaciones, después de leer sus páginas; lo que no alcanza "
        "queda `indeterminado`",
    )
    probe_requests: Int = Field(
        default=8,
        description="consultas por sitio de las sondas de canales (DNS de los dominios de correo, GET de los perfiles "
        "de redes sociales; nunca POST ni mensajes); 0 = sin sondas: esas verificaciones quedan `indeterminado`",
    )
    probe_seconds: Float = Field(
        default=15.0,
        description="segundos por sitio para las sondas de canales; al agotarse, lo que falta queda `indeterminado` "
        "(`sonda_sin_presupuesto`)",
    )
    static_copy: Bool = Field(
        default=False,
        description="los sitios son copias estáticas (como el corpus etiquetado, que `vigia precision` revisa así): "
        "lo que depende del servidor real —destinos de formularios, páginas que faltan, DNS de correos, perfiles "
        "de redes— no se prueba y queda `indeterminado` (`copia_estatica`)",
    )
    retry_after_max: Float = Field(
        default=60.0,
        description="segundos que se espera como máximo cuando un sitio responde 429/503 con `Retry-After`; si pide "
        "más, el resultado es `indeterminado` (`rate_limited`)",
    )
    allow_private_networks: Bool = Field(
        default=False,
        description="permitir visitar direcciones privadas, locales o internas (127.0.0.1, 10.x, 169.254.169.254, "
        "100.64.x…) desde cualquier sitio; por omisión sólo se permiten si el rastreo empezó en esa misma dirección "
        "y puerto",
    )
    site_budget_seconds: OptionalFloat = Field(
        default=None,
        description="tiempo máximo por sitio municipal; si se agota antes de leer la página de inicio, el sitio "
        "queda `sitio_sin_tiempo` y la corrida, parcial",
        json_schema_extra=_doc(
            "del modelo de latencia: 2 × las peticiones de un sitio (páginas, robots.txt, documentos y sondeos de formularios) al tiempo "
            "esperado del sitio más lento, entre sus peticiones simultáneas y `VIGIA_COMPRESSION`, más 180 s fijos"
        ),
    )
    min_fail_ratio_for_network_alarm: Float = Field(
        default=0.8,
        description="si esta fracción de sitios es inalcanzable a la vez, la corrida se marca fallida (falla nuestra "
        "red, no los portales)",
    )
    probe_hosts: str = Field(
        default="infoem2.ipomex.org.mx,dns.google,one.one.one.one",
        description="hosts de referencia (`host` o `host:puerto`, separados por comas; puerto 443 por omisión) que "
        "se prueban antes de declarar inalcanzable un sitio: si ninguno responde, falla la red de Vigía, las "
        "verificaciones quedan `indeterminado` (`sin_red`) y la corrida falla; vacío = sin prueba",
    )
    probe_timeout: Float = Field(default=5.0, description="segundos de espera por host en la prueba de conectividad")
    user_agent: str = Field(
        default=USER_AGENT,
        description="identificación ante los sitios",
        json_schema_extra=_doc("`Vigia/<versión> (…)`"),
    )
    ca_bundle: str | None = Field(
        default=None,
        description="certificados raíz adicionales para validar HTTPS",
        json_schema_extra=_doc("(almacén del sistema)"),
    )
    dns_overrides: DnsTable = Field(
        default=None,
        description='tabla JSON de resolución fija para pruebas, p. ej. `{"municipio.test": "127.0.0.1", '
        '"caido.test": null}` (`null` = el dominio no existe; la clave `"*"` responde a todo nombre con punto no listado)',
        json_schema_extra=_doc("(ninguna)"),
    )
    internet_simulado: str | None = Field(
        default=None,
        description="sólo para pruebas y la demostración: dirección del internet simulado "
        "(`python -m simulator internet`); cada petición del rastreo a un nombre de `VIGIA_DNS_OVERRIDES` se entrega "
        "ahí en vez de salir a la red",
        json_schema_extra=_doc("(ninguno: red real)"),
    )
    log_file: str | None = Field(
        default=None,
        description="registro del proceso de rastreo",
        json_schema_extra=_doc("`vigia.log` en la carpeta de datos"),
    )
    render_js: Bool = Field(
        default=True, description="renderizar con Chromium las páginas municipales que son un cascarón de JavaScript"
    )
    browser_executable: str | None = Field(
        default=None,
        description="navegador a lanzar",
        json_schema_extra=_doc("`/usr/bin/chromium` si existe; si no, el Chromium propio de Playwright"),
    )
    browser_max_pages: Int = Field(default=2, description="páginas abiertas a la vez en el navegador (2 núcleos)")
    browser_timeout: Float = Field(
        default=20.0, description="segundos para cargar y renderizar una página con el navegador"
    )
    capturas_segundos: Float = Field(
        default=300.0,
        ge=0.0,
        description="segundos que el navegador dedica, al terminar la corrida, a las capturas (PNG) de la página de "
        "inicio de cada sitio y de cada página detrás de una regresión; las que no alcanzan se listan (0 = ninguna)",
    )
    ipomex: Bool = Field(default=True, description="visitar también las páginas de cada municipio en IPOMEX")
    ipomex4_base: str = Field(
        default="https://infoem2.ipomex.org.mx/ipomex/", description="dirección de la aplicación IPOMEX 4"
    )
    ipomex_timeout: Float = Field(
        default=30.0, description="segundos de espera por página de IPOMEX (navegación y datos)"
    )
    ipomex_portal_budget_seconds: OptionalFloat = Field(
        default=None,
        description="tiempo máximo para leer el IPOMEX de un municipio, desde que se abre su página en el navegador; "
        "si se agota, ese municipio queda `ipomex_sin_tiempo` y la corrida, parcial",
        json_schema_extra=_doc(
            "del modelo de latencia: 2 × las peticiones de un municipio en IPOMEX 3 (índice, página y datos de cada "
            "fracción) a 1.56 s cada una, entre las que le tocan a la vez y `VIGIA_COMPRESSION`, más 120 s fijos"
        ),
    )
    ipomex_concurrency: Int = Field(
        default=2,
        ge=1,
        description="peticiones simultáneas al servidor de IPOMEX en todo el estado (páginas, scripts y llamadas a "
        "su API, de todos los municipios); también las páginas del navegador abiertas en IPOMEX",
    )
    ipomex_reread_days: Int = Field(
        default=3,
        ge=0,
        description="una fracción de IPOMEX 4 cuya fecha de actualización no cambió desde la última corrida que la "
        "leyó conserva ese resultado sin volver a pedirse, salvo si faltan menos de estos días para un plazo de "
        "publicación de su periodo o si ya pasó uno desde entonces (0 = sólo en ese caso)",
    )
    compression: Float = Field(
        default=1.0,
        ge=1.0,
        description="sólo para pruebas y la demostración con portales simulados: los presupuestos de tiempo "
        "derivados del modelo de latencia se dividen entre este factor (`vigia demo --compresion`); en producción, 1",
    )
    smtp_user: str | None = Field(
        default=None,
        description="usuario del servidor SMTP de las alertas (nunca va en `config/operacion.yaml`)",
        json_schema_extra=_doc("(ninguno: sin autenticación)"),
    )
    smtp_password: SecretStr | None = Field(
        default=None, description="contraseña de ese usuario SMTP", json_schema_extra=_doc("(ninguna)")
    )
    secret_key: SecretStr | None = Field(
        default=None,
        description="clave de la cookie de sesión del tablero (`vigia servir`); fíjela para que las sesiones "
        "sobrevivan a un reinicio",
        json_schema_extra=_doc("una al azar por arranque"),
    )


class _Given(Settings):
    """Settings from an explicit environment mapping only (tests, callers with their own environ)."""

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings,)


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """The settings of environ (default: the process environment), validated; ConfigError names a bad variable."""
    if environ is not None:
        values = {name: environ[variable(name)] for name in Settings.model_fields if variable(name) in environ}
        return _validated(lambda: _Given.model_validate(values))
    return _from_process(tuple(sorted((k, v) for k, v in os.environ.items() if k.upper().startswith(PREFIX))))


@functools.lru_cache(maxsize=8)
def _from_process(key: tuple[tuple[str, str], ...]) -> Settings:
    """Settings from os.environ; key (its VIGIA_* items) only decides whether the cached object is still valid."""
    return _validated(lambda: Settings())


def _validated(build: Callable[[], Settings]) -> Settings:
    """Run build() and turn pydantic's first complaint into the Spanish ConfigError naming the variable."""
    try:
        settings = build()
    except ValidationError as exc:
        error = exc.errors()[0]
        name = str(error["loc"][0])
        problem = f"«{error['input']}» no es un valor válido ({_kind(Settings.model_fields[name])})"
        raise ConfigError(f"variable de entorno {variable(name)}", None, name, problem) from None
    return settings


def _kind(field: FieldInfo) -> str:
    """The type named in error messages: int, float, bool, or a JSON object."""
    kind = field.annotation
    if kind is not None and type(None) in get_args(kind):
        kind = next(arg for arg in get_args(kind) if arg is not type(None))
    return kind.__name__ if kind is not None and kind in (int, float, bool) else "objeto JSON"


def secret(value: SecretStr | None) -> str | None:
    """The text of a secret setting, None when unset."""
    return None if value is None else value.get_secret_value()


def variable(name: str) -> str:
    """The environment variable of a settings field: max_pages → VIGIA_MAX_PAGES."""
    return f"{PREFIX}{name.upper()}"


def documented_default(field: FieldInfo) -> str:
    """The default as the README's table states it."""
    extra = field.json_schema_extra
    if isinstance(extra, dict) and "omision" in extra:
        return str(extra["omision"])
    value = field.default
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return f"`{value}`" if isinstance(value, str) else str(value)


def variables_table() -> str:
    """The README's Markdown table of environment variables, one row per field, in field order."""
    rows = ["| Variable de entorno | Por omisión | Efecto |", "|---|---|---|"]
    for name, field in Settings.model_fields.items():
        rows.append(f"| `{variable(name)}` | {documented_default(field)} | {field.description} |")
    return "\n".join(rows) + "\n"


if __name__ == "__main__":
    print(variables_table(), end="")
