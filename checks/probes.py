"""Pure rules of the probes: what a check may ask the network, and how each answer reads.

Nothing here touches the network. Form endpoints are asked only with the methods that change nothing on a server
(HEAD, then OPTIONS, then GET: RFC 9110 «safe methods»); the spider sends them and the checks read the answers.
Phone and WhatsApp numbers are judged against Mexico's numbering plan (libphonenumber); e-mail domains and social
profiles are judged from the answers a Prober gives. The crawl passes a real prober (crawler/probes.py); tests and
offline evaluation use OFFLINE, whose every answer is «unknown».
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal, Protocol
from urllib.parse import parse_qs, urlsplit

import phonenumbers

from checks.page import Form, absolute, dead_href

# The only methods a probe may use, in the order they are tried (HEAD is the cheapest; some servers refuse it).
SAFE_METHODS: tuple[str, ...] = ("HEAD", "OPTIONS", "GET")
# A handler that only shows a message (alert/confirm/console) and sends nothing anywhere.
_ONLY_ALERT = re.compile(r"^(?:\s*(?:(?:window\.)?(?:alert|confirm)\s*\([^;]*\)|return\s+false|false)\s*;?)+\s*$", re.I)
_SENDS = re.compile(r"fetch|ajax|xmlhttp|submit|\.post|axios|send|\$\.|jquery|grecaptcha|enviar", re.IGNORECASE)

Target = Literal["endpoint", "nowhere", "script"]


@dataclass(frozen=True)
class FormTarget:
    """Where a form sends: an endpoint URL to probe, nowhere (#, javascript:, alert only), or a script we cannot see."""

    kind: Target
    url: str = ""


@dataclass(frozen=True)
class ProbeAnswer:
    """The answer to a probe: the final HTTP status, or the machine reason why none came (timeout, sin_tiempo...)."""

    status: int | None
    reason: str | None = None
    method: str = ""

    @property
    def exists(self) -> bool:
        """The endpoint exists: any success or redirect, or 405 (the server knows the address, only not that method:
        RFC 9110 §15.5.6 requires a 405 to list the methods the resource does allow)."""
        return self.status is not None and (self.status < 400 or self.status == 405)

    @property
    def missing(self) -> bool:
        """The address is definitively not there (404 Not Found, 410 Gone)."""
        return self.status in (404, 410)


def form_target(form: Form, page_url: str) -> FormTarget:
    """Where a form's submit leads, judged from its action and the scripts its submit runs."""
    handler = form.handler
    if handler and _ONLY_ALERT.match(handler):
        return FormTarget("nowhere")
    action = form.action
    if dead_href(action) and action.strip():
        # "#" or javascript: posts nowhere, unless a handler sends the data itself (we cannot see where).
        return FormTarget("script") if handler and _SENDS.search(handler) else FormTarget("nowhere")
    url = absolute(page_url, action) if action else page_url.split("#", 1)[0]
    return FormTarget("endpoint", url) if url else FormTarget("nowhere")


# What a DNS probe learned of a mail domain: MX or A records, neither, no answer, or the site's budget was spent.
MailAnswer = Literal["ok", "none", "unknown", "budget"]
# What a profile probe learned: the platform answered (status, final URL), no answer, or the budget was spent.
ProfileState = Literal["answered", "unknown", "budget"]

# Personal webmail: a working inbox, but not an institutional address (a note, never a failure).
WEBMAIL = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "hotmail.com",
        "hotmail.es",
        "hotmail.com.mx",
        "outlook.com",
        "outlook.es",
        "live.com",
        "live.com.mx",
        "msn.com",
        "yahoo.com",
        "yahoo.com.mx",
        "yahoo.es",
        "icloud.com",
        "aol.com",
        "protonmail.com",
        "proton.me",
        "prodigy.net.mx",
        "gmx.com",
    }
)

_RUNS = ("0123456789", "9876543210")


@dataclass(frozen=True)
class ProfileAnswer:
    """A platform's answer to GET of a profile URL: HTTP status and the URL it ended on after redirects."""

    state: ProfileState
    status: int = 0
    final_url: str = ""
    # The page asks for a password: a log-in wall served at the profile's own address (200, no redirect).
    login_form: bool = False


class Prober(Protocol):
    """The network side of the probes (DNS for mail domains, GET for profiles), budgeted per site by the caller."""

    def mail_domain(self, domain: str) -> MailAnswer:
        """Whether domain can receive mail (MX, or an A record as the fallback delivery host)."""
        ...

    def profile(self, url: str) -> ProfileAnswer:
        """GET url (redirects followed, never another method) and report where it ended."""
        ...

    def cost(self) -> dict[str, float]:
        """What the probes cost the site: requests (DNS queries and GETs) and seconds waited for answers."""
        ...


class OfflineProber:
    """No network: every answer is unknown (the checks then say indeterminado, never no_cumple)."""

    def mail_domain(self, domain: str) -> MailAnswer:
        """Unknown: nothing was asked."""
        return "unknown"

    def profile(self, url: str) -> ProfileAnswer:
        """Unknown: nothing was asked."""
        return ProfileAnswer("unknown")

    def cost(self) -> dict[str, float]:
        """Nothing: nothing was asked."""
        return {"requests": 0.0, "seconds": 0.0}


OFFLINE: Prober = OfflineProber()


def placeholder_digits(digits: str) -> bool:
    """A subscriber number nobody dials: one or two repeated digits (555-5555) or a straight run (1234567)."""
    tail = digits[-7:]
    return len(set(tail)) <= 2 or any(tail in run for run in _RUNS)


def mx_phone_problem(digits: str) -> str | None:
    """Why 10 national digits are not a callable Mexican number (Spanish words), or None when they are."""
    if len(digits) != 10:
        return f"tiene {len(digits)} dígitos; un número de México tiene 10"
    if placeholder_digits(digits):
        return "es un número de relleno (dígitos repetidos o seguidos)"
    try:
        number = phonenumbers.parse(digits, "MX")
    except phonenumbers.NumberParseException:
        return "no se puede leer como número de México"
    if not phonenumbers.is_valid_number(number):
        return "su clave de larga distancia no existe en el plan de numeración de México"
    return None


def international_problem(digits: str) -> str | None:
    """Why digits with their country code are not a valid WhatsApp number (Spanish words), or None."""
    if len(digits) == 13 and digits.startswith("521"):
        digits = "52" + digits[3:]  # Mexico's retired mobile prefix (+52 1): WhatsApp still opens such links
    try:
        number = phonenumbers.parse(f"+{digits}", None)
    except phonenumbers.NumberParseException:
        return "no tiene la forma de un número internacional"
    if not phonenumbers.is_valid_number(number):
        return "no es un número válido con su código de país"
    if placeholder_digits(str(number.national_number)):
        return "es un número de relleno (dígitos repetidos o seguidos)"
    return None


_WA_DIGITS = re.compile(r"^\+?(\d[\d\s\-().]*)$")


def whatsapp_number(url: str) -> str | None:
    """The international digits a WhatsApp chat link dials (wa.me/…, api.whatsapp.com/send?phone=…), or None."""
    parts = urlsplit(url)
    host = (parts.hostname or "").removeprefix("www.")
    raw = ""
    if parts.scheme == "whatsapp" or host in ("api.whatsapp.com", "web.whatsapp.com"):
        raw = (parse_qs(parts.query).get("phone") or [""])[0]
    elif host == "wa.me":
        raw = parts.path.strip("/").split("/", 1)[0]
    match = _WA_DIGITS.match(raw.strip())
    return re.sub(r"\D", "", match.group(1)) if match else None


def mail_domain(address: str) -> str:
    """The lower-case domain of an address."""
    return address.rpartition("@")[2].lower().rstrip(".")


def is_webmail(domain: str) -> bool:
    """Whether domain is a personal webmail provider."""
    return domain in WEBMAIL


def path_of(url: str) -> str:
    """The URL's path without trailing slash, lower-case ("" for the root)."""
    return urlsplit(url).path.rstrip("/").lower()


# Where platforms send a visitor who is not allowed to see a page: log-in walls and bot checks.
_WALL = re.compile(r"/(?:login|accounts/login|i/flow/login|checkpoint|challenge|signin|consent|authwall)")


PASSWORD_FIELD = re.compile(rb"""type\s*=\s*["']?password""", re.IGNORECASE)


def judge_profile(url: str, answer: ProfileAnswer) -> Literal["profile", "gone", "blocked", "unknown", "budget"]:
    """Whether a profile GET shows the profile, shows it is gone, or the platform hid it (wall, bot block)."""
    if answer.state != "answered":
        return answer.state
    final = answer.final_url or url
    walled = answer.login_form or _WALL.search(urlsplit(final).path.lower()) is not None
    if answer.status in (401, 403, 429, 999) or walled:
        return "blocked"
    if answer.status in (404, 410):
        return "gone"
    if 200 <= answer.status < 300:
        # Sent to the platform's home page: the account does not exist (or was renamed).
        return "gone" if path_of(final) == "" and path_of(url) != "" else "profile"
    return "unknown"
