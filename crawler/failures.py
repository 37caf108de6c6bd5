"""Map download failures to Vigía's machine reasons and Spanish explanations."""

from __future__ import annotations

from scrapy import exceptions as scrapy_errors
from scrapy.exceptions import IgnoreRequest
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet import error as net_error
from twisted.python.failure import Failure
from twisted.web._newclient import ResponseNeverReceived

DETAILS = {
    "dns": "el dominio no existe o no resuelve (DNS)",
    "connect": "el servidor rechazó o no aceptó la conexión",
    "timeout": "el servidor no respondió dentro del tiempo límite",
    "http_error": "el servidor respondió con error HTTP en todos los intentos",
    "redirect_loop": "el sitio redirige en bucle o demasiadas veces",
    "too_large": "la página excede el tamaño máximo permitido",
    "tls": "falló la negociación TLS con el servidor",
    "not_html": "la dirección no entrega una página HTML",
    "robots_disallowed": "el archivo robots.txt del sitio prohíbe rastrearlo",
    "robots_unavailable": "robots.txt no pudo leerse (error del servidor): por norma (RFC 9309) no se rastrea",
    "no_url": "el registro no tiene un sitio oficial confirmado para este municipio",
    "data_loss": "la respuesta del servidor llegó truncada",
    "unsupported_scheme": "la dirección usa un protocolo que no es http ni https",
    "crawl_incomplete": "el rastreo terminó antes de poder leer la página de inicio",
    "crawl_crashed": "el rastreo de este sitio falló por un error interno de Vigía",
    "error": "error inesperado al descargar la página",
}


def classify_failure(failure: Failure) -> tuple[str, str]:
    """Return (reason, Spanish detail) for a Scrapy errback failure."""
    exc = failure.value
    if exc is None:
        return "error", DETAILS["error"]
    reason = _reason(exc)
    detail = DETAILS[reason]
    if isinstance(exc, HttpError):
        detail = f"{detail} (código {exc.response.status})"
    return reason, detail


# Scrapy ≥ 2.14 wraps Twisted's network errors in its own download exceptions.
SCRAPY_REASONS: tuple[tuple[type[BaseException], str], ...] = (
    (scrapy_errors.CannotResolveHostError, "dns"),
    (scrapy_errors.DownloadConnectionRefusedError, "connect"),
    (scrapy_errors.DownloadTimeoutError, "timeout"),
    (scrapy_errors.ResponseDataLossError, "data_loss"),
    (scrapy_errors.UnsupportedURLSchemeError, "unsupported_scheme"),
)


def _reason(exc: BaseException) -> str:
    for kind, reason in SCRAPY_REASONS:
        if isinstance(exc, kind):
            return reason
    if isinstance(exc, net_error.DNSLookupError):
        return "dns"
    # Twisted's TimeoutError subclasses ConnectError: test it first.
    if isinstance(exc, net_error.TimeoutError | net_error.TCPTimedOutError | TimeoutError):
        return "timeout"
    if isinstance(exc, net_error.ConnectionRefusedError | net_error.ConnectError | net_error.NoRouteError):
        return "connect"
    if isinstance(exc, HttpError):
        return "http_error"
    message = str(exc).lower()
    if isinstance(exc, IgnoreRequest) and "redirect" in message:
        return "redirect_loop"
    if "maxsize" in message or "max size" in message or "larger than" in message:
        return "too_large"
    if "ssl" in message or "tls" in message or "certificate" in message:
        return "tls"
    if isinstance(exc, ResponseNeverReceived | net_error.ConnectionLost | net_error.ConnectionDone):
        return _reason_from_nested(exc)
    if "timeout" in message or "timed out" in message:
        # Playwright's own TimeoutError (navigation, selector or function waits).
        return "timeout"
    return "error"


def _reason_from_nested(exc: BaseException) -> str:
    """ResponseNeverReceived wraps the real causes (TLS errors, drops) in a list of failures."""
    reasons = getattr(exc, "reasons", []) or []
    text = " ".join(str(r.value) for r in reasons).lower()
    if "ssl" in text or "certificate" in text or "tls" in text:
        return "tls"
    if "maxsize" in text or "max size" in text or "cancel" in text:
        return "too_large"
    return "connect"
