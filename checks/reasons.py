"""Every reason code a result can carry, classified once: was the page or portal actually read this night?

A result is compared with other nights only when it was read. «Not read» is an indeterminado whose reason says the
page or portal gave no answer this night, or that Vigía stopped (or never got) to it: out of time, interrupted,
crashed, offline, no browser. Then there is nothing to compare: it is not a change (neither «cumple → indeterminado»
nor «indeterminado → cumple») and not a baseline; history compares the next reading with the last one that was read.
Anything the portal did answer is read, even when the answer is a refusal (captcha, robots.txt, a WAF, an HTTP
error page): that is what the portal shows. Verdicts (cumple, no_cumple, no_aplica) are always read.

tests/test_reasons.py finds every reason code the code base can produce and fails on one missing here.
"""

from __future__ import annotations

from checks.model import Status

# No answer this night, or stopped on our side: the result says nothing about the portal.
NOT_READ = frozenset(
    {
        # Our schedule: a stage ran out of its budget, was cut short or never reported.
        "crawl_incomplete",
        "sitio_sin_tiempo",
        "ipomex_sin_tiempo",
        "interrupted",
        "sin_reporte",
        # Our side: no network, most sites failing at once, our own crash or missing browser.
        "sin_red",
        "network_suspect",
        "crawl_crashed",
        "no_browser",
        "error",
        # No answer from the server this time (it may be ours, it may be theirs: either way nothing was read).
        "timeout",
        "connect",
        "dns",
        "data_loss",
        "page_error",
        "tls_unchecked",
        # The server asked us to come back later.
        "rate_limited",
        # A confirmed address answered with a page that is not the municipality's (parked, casino, another
        # entity): what was read says nothing about the municipality, whose site may have moved.
        "identidad",
        # A working-channel probe got no answer (DNS, the social platform) or ran out of its per-site budget.
        "sonda_sin_red",
        "sonda_sin_presupuesto",
        # The pages were a static copy of the site: what only the live server can answer was not asked.
        "copia_estatica",
    }
)

# The portal answered, and the result tells what it showed (or why it could not be judged from what it showed).
READ = frozenset(
    {
        # Answers of the server that are facts about the site.
        "http_error",
        "redirect_loop",
        "too_many_redirects",
        "blocked_waf",
        "ssrf_blocked",
        "too_large",
        "tls",
        "not_html",
        "robots_disallowed",
        "robots_unavailable",
        "unsupported_scheme",
        "no_url",
        "sin_sitio",
        # What the home page turned out to be (checks.classify).
        "identity_lost",
        "maintenance",
        "needs_js",
        "identity_unverified",
        "html_redirect",
        "soft_404",
        # Judgements of pages that were read.
        "no_dates",
        "revisar",
        "stale",
        "no_https",
        "tls_invalid",
        "no_redirect",
        # Nothing of the kind the check judges was found (its existence is another check's verdict), or too few
        # pages to judge a share.
        "sin_formulario",
        "sin_tramites",
        "muestra_pequena",
        # Working-channel probes: nothing published to probe, or the platform hides profiles from readers.
        "sin_canal",
        "plataforma_bloquea",
        # IPOMEX: what the portal showed for the municipality or the fraction.
        "captcha",
        "login",
        "no_ipomex",
        "not_found",
        "parse_error",
        "no_fractions",
        "not_listed",
        "no_records",
    }
)

CLASSIFIED = NOT_READ | READ


def is_read(status: Status | str, reason: str | None) -> bool:
    """Whether a result was actually read: every verdict, and an indeterminado whose reason is not «not read»."""
    return status != "indeterminado" or reason not in NOT_READ


# What each code means, in the words people read (tables, dashboard, spreadsheets); codes stay for machines.
REASON_TEXT: dict[str, str] = {
    "crawl_incomplete": "el rastreo no terminó",
    "sitio_sin_tiempo": "el sitio se quedó sin tiempo",
    "ipomex_sin_tiempo": "IPOMEX se quedó sin tiempo",
    "interrupted": "la corrida se interrumpió",
    "sin_reporte": "la etapa no reportó resultados",
    "sin_red": "Vigía no tenía red",
    "network_suspect": "falla de red de nuestro lado (casi todos los sitios fallaron a la vez)",
    "crawl_crashed": "el rastreo falló por un error de Vigía",
    "no_browser": "no había navegador para leer la página",
    "error": "error de Vigía al leer la página",
    "timeout": "el servidor no respondió a tiempo",
    "connect": "no se pudo conectar con el servidor",
    "dns": "el dominio no resuelve (DNS)",
    "data_loss": "la respuesta llegó incompleta",
    "page_error": "la página falló al cargarse",
    "tls_unchecked": "no se pudo comprobar el certificado",
    "rate_limited": "el servidor pidió volver más tarde",
    "identidad": "la dirección confirmada ya no muestra al municipio",
    "http_error": "el servidor respondió con un error HTTP",
    "redirect_loop": "redirecciones en círculo",
    "too_many_redirects": "demasiadas redirecciones",
    "blocked_waf": "un cortafuegos bloqueó la lectura",
    "ssrf_blocked": "dirección no permitida (red interna)",
    "too_large": "la página es demasiado grande",
    "tls": "certificado o conexión segura inválidos",
    "not_html": "la respuesta no es una página web",
    "robots_disallowed": "robots.txt no permite leerla",
    "robots_unavailable": "robots.txt no se pudo leer",
    "unsupported_scheme": "dirección con un esquema no admitido",
    "no_url": "sin sitio oficial registrado",
    "sin_sitio": "un auditor declaró que no tiene sitio",
    "identity_lost": "dominio estacionado o ajeno",
    "maintenance": "sitio en mantenimiento",
    "needs_js": "la página necesita JavaScript",
    "identity_unverified": "la página no muestra al municipio",
    "html_redirect": "la página sólo redirige a otra",
    "soft_404": "página de «no encontrado» con respuesta 200",
    "no_dates": "sin fechas legibles",
    "revisar": "requiere revisión de un auditor",
    "stale": "información desactualizada",
    "no_https": "sin HTTPS",
    "tls_invalid": "certificado inválido",
    "no_redirect": "HTTP no redirige a HTTPS",
    "sin_formulario": "sin formulario de contacto que probar",
    "sin_tramites": "sin páginas de trámites que juzgar",
    "muestra_pequena": "muy pocas páginas para medir",
    "sonda_sin_red": "la prueba del canal no obtuvo respuesta",
    "sonda_sin_presupuesto": "se agotó el tiempo o las peticiones de las pruebas del sitio",
    "copia_estatica": "copia estática del sitio: no se prueba el servidor real",
    "sin_canal": "el sitio no publica el canal que se prueba",
    "plataforma_bloquea": "la red social pide iniciar sesión o bloquea lectores automáticos",
    "captcha": "IPOMEX pidió un captcha",
    "login": "IPOMEX pidió iniciar sesión",
    "no_ipomex": "sin portal IPOMEX identificado",
    "not_found": "IPOMEX no encontró la página",
    "parse_error": "IPOMEX mostró una página que no se pudo leer",
    "no_fractions": "IPOMEX no lista fracciones",
    "not_listed": "la fracción no aparece en IPOMEX",
    "no_records": "la fracción no tiene registros",
}


def reason_text(code: str | None) -> str:
    """The Spanish words for a reason code; an unknown code is shown as it is, empty stays empty."""
    return REASON_TEXT.get(code, code) if code else ""
