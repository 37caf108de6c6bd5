"""Map download failures to Vigía's machine reasons and Spanish explanations."""

from __future__ import annotations

from scrapy import exceptions as scrapy_errors
from scrapy.exceptions import IgnoreRequest
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet import error as net_error
from twisted.python.failure import Failure
from twisted.web._newclient import ResponseNeverReceived

from crawler.retry_after import RateLimited
from crawler.ssrf import SsrfBlocked

DETAILS = {
    "dns": "el dominio no existe o no resuelve (DNS)",
    "connect": "el servidor rechazó o no aceptó la conexión",
    "timeout": "el servidor no respondió dentro del tiempo límite",
    "http_error": "el servidor respondió con error HTTP en todos los intentos",
    "redirect_loop": "el sitio redirige en bucle (vuelve a una dirección ya visitada)",
    "too_many_redirects": "el sitio encadena más redirecciones de las permitidas sin llegar a una página",
    "rate_limited": "el servidor pidió esperar (429 / Retry-After) más de lo que Vigía puede esperar",
    "blocked_waf": "un cortafuegos (p. ej. Cloudflare) respondió con una verificación anti-bots en lugar de la página",
    "ssrf_blocked": "la dirección lleva a una red privada o interna, o no es http/https: por seguridad no se visita",
    "too_large": "la página excede el tamaño máximo permitido",
    "tls": "falló la negociación TLS con el servidor",
    "not_html": "la dirección no entrega una página HTML",
    "robots_disallowed": "el archivo robots.txt del sitio prohíbe rastrearlo",
    "robots_unavailable": "robots.txt no pudo leerse (error del servidor): por norma (RFC 9309) no se rastrea",
    "no_url": "el registro no tiene un sitio oficial confirmado para este municipio",
    "data_loss": "la respuesta del servidor llegó truncada",
    "unsupported_scheme": "la dirección usa un protocolo que no es http ni https",
    "crawl_incomplete": "el rastreo terminó antes de poder leer la página de inicio",
    "sitio_sin_tiempo": "se agotó el tiempo asignado a este sitio antes de poder leer su página de inicio",
    "crawl_crashed": "el rastreo de este sitio falló por un error interno de Vigía",
    "sin_red": "Vigía estaba sin conexión a internet (ningún host de referencia respondió)",
    "sin_sitio": "un auditor confirmó que el municipio no tiene sitio oficial y el descubrimiento no halló ninguno",
    "identidad": "posible cambio de dominio o secuestro: la dirección confirmada ya no muestra el sitio del municipio",
    "error": "error inesperado al descargar la página",
}


def classify_failure(failure: Failure) -> tuple[str, str]:
    """Return (reason, Spanish detail) for a Scrapy errback failure."""
    exc = failure.value
    if exc is None:
        return "error", DETAILS["error"]
    reason = _reason(exc)
    if reason == "redirect_loop" and _straight_chain(getattr(failure, "request", None)):
        reason = "too_many_redirects"
    detail = DETAILS[reason]
    if isinstance(exc, RateLimited | SsrfBlocked):
        detail = f"{detail} ({exc})"
    elif isinstance(exc, HttpError):
        detail = f"{detail} (código {exc.response.status})"
    return reason, detail


# Scrapy ≥ 2.14 wraps Twisted's network errors in its own download exceptions.
SCRAPY_REASONS: tuple[tuple[type[BaseException], str], ...] = (
    (scrapy_errors.CannotResolveHostError, "dns"),
    (scrapy_errors.DownloadConnectionRefusedError, "connect"),
    (scrapy_errors.DownloadTimeoutError, "timeout"),
    (scrapy_errors.ResponseDataLossError, "data_loss"),
    # Raised (without a message) when a body without Content-Length grows past DOWNLOAD_MAXSIZE.
    (scrapy_errors.DownloadCancelledError, "too_large"),
    (scrapy_errors.UnsupportedURLSchemeError, "unsupported_scheme"),
)


def _straight_chain(request: object) -> bool:
    """Whether a request that ran out of redirects never went back to an address of its chain (no loop)."""
    meta = getattr(request, "meta", None) or {}
    chain = [*meta.get("redirect_urls", []), getattr(request, "url", "")]
    return len(chain) > 1 and len(set(chain)) == len(chain)


def is_challenge(status: int, headers: object, body: bytes) -> bool:
    """A WAF challenge answer: Cloudflare's cf-mitigated header, or its interstitial wording on a 403/429/503."""
    getter = getattr(headers, "get", None)
    mitigated = getter(b"cf-mitigated") if getter else None
    if mitigated and b"challenge" in bytes(mitigated).lower():
        return True
    head = body[:20000].lower()
    return status in (403, 429, 503) and any(mark in head for mark in CHALLENGE_MARKS)


CHALLENGE_MARKS = (
    b"just a moment",
    b"checking your browser",
    b"cf-challenge",
    b"challenge-platform",
    b"attention required! | cloudflare",
    b"ddos-guard",
)


def _http_reason(exc: HttpError) -> str:
    response = exc.response
    if is_challenge(response.status, response.headers, response.body):
        return "blocked_waf"
    return "rate_limited" if response.status == 429 else "http_error"


def _reason(exc: BaseException) -> str:
    if isinstance(exc, RateLimited):
        return "rate_limited"
    if isinstance(exc, SsrfBlocked):
        return "ssrf_blocked"
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
        return _http_reason(exc)
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
