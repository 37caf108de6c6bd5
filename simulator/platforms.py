"""Simulated social platforms the farm serves to the profile probes (canal.redes_sociales_perfil), and their truth.

YouTube is open to readers: a channel that exists answers its page, one that is gone answers 404 or a redirect to
the platform's home page, and some channels meet a bot block (429). Facebook hides every page behind its log-in
wall (302 to /login). The other networks stay unresolvable in the farm's DNS, so no probe ever leaves the machine.
What each site's YouTube channel does is drawn from a stream of its own: every page the farm served before stays
the same, except that a share of the sites with a channel link it alone (no walled network), as some town halls
do, so that every account of theirs can be shown gone.
"""

from __future__ import annotations

import html
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from config.settings import Settings
from simulator.model import Resource

YOUTUBE, FACEBOOK = "www.youtube.com", "www.facebook.com"
OPEN_HOSTS = frozenset({"youtube.com", YOUTUBE, "m.youtube.com"})
WALLED_HOSTS = frozenset({"facebook.com", FACEBOOK, "m.facebook.com"})
# A large platform's answer to one GET from Mexico at true timescale (connection, TLS, first byte): what a real
# night's profile probes wait, under the real latency model (simulator.server).
PLATFORM_SECONDS = 0.6
PLATFORM_HOSTS = OPEN_HOSTS | WALLED_HOSTS
# What a YouTube channel of a site does: live, 404, redirect to the home page, or a bot block (429).
LIVE, GONE, TO_HOME, BOT_BLOCK = "vivo", "no_existe", "a_portada", "bloqueo"
LOGIN_PATH = "/login/"
# Requests the probes of one site may spend (VIGIA_PROBE_REQUESTS): the truth must be what such a run concludes.
PROBE_REQUESTS = int(Settings.model_fields["probe_requests"].default)
HTML = "text/html; charset=utf-8"


@dataclass(frozen=True)
class Profiles:
    """What one site's YouTube channel answers, and whether the home links that channel alone."""

    youtube: str = LIVE
    only_youtube: bool = False

    @classmethod
    def for_site(cls, seed: int, cve_inegi: str) -> Profiles:
        """The site's draws, from (seed, clave) only: the site's own generator draws nothing more."""
        rng = random.Random(f"vigia-sim:{seed}:{cve_inegi}:perfiles")
        youtube = rng.choices((LIVE, GONE, TO_HOME, BOT_BLOCK), (45, 25, 15, 15))[0]
        return cls(youtube, rng.random() < 0.35)


def shown_accounts(accounts: list[tuple[str, str]], profiles: Profiles) -> list[tuple[str, str]]:
    """The (network, url) accounts the home links: all, or the YouTube channel alone for some sites."""
    youtube = [a for a in accounts if a[0] == "YouTube"]
    return youtube if profiles.only_youtube and youtube else accounts


def page(title: str, body: str, status: int = 200) -> Resource:
    """A small HTML page of a platform."""
    text = f"<!DOCTYPE html><html lang='es'><head><title>{html.escape(title)}</title></head><body>{body}</body></html>"
    return Resource(status, HTML, text.encode())


def answer(host: str, path: str, channels: Mapping[str, str]) -> Resource | None:
    """What a platform answers for a GET of path (channels: YouTube path → fate); None for a host it is not."""
    if host in WALLED_HOSTS:
        if path.rstrip("/") == LOGIN_PATH.rstrip("/"):
            form = "<form method='post'><input name='email'><input type='password' name='pass'></form>"
            return page("Facebook: inicia sesión", f"<h1>Inicia sesión en Facebook</h1>{form}")
        return Resource(302, None, b"", f"https://{FACEBOOK}{LOGIN_PATH}?next={quote(path, safe='')}")
    if host not in OPEN_HOSTS:
        return None
    if path == "/":
        return page("YouTube", "<h1>YouTube</h1><p>Inicio</p>")
    fate = channels.get(path)
    if fate == LIVE:
        name = html.escape(path.strip("/"))
        return page(f"{name} - YouTube", f"<h1>{name}</h1><p>Videos · Transmisiones en vivo · Listas</p>")
    if fate == TO_HOME:
        return Resource(302, None, b"", f"https://{YOUTUBE}/")
    if fate == BOT_BLOCK:
        return page("YouTube", "<p>Demasiadas solicitudes. Inténtelo más tarde.</p>", 429)
    return page("404 Not Found", "<p>Este canal no está disponible.</p>", 404)


def channel_path(url: str) -> str:
    """The path a probe GETs for an account URL."""
    return urlsplit(url).path or "/"


def account_verdict(url: str, fate: str) -> tuple[str, int]:
    """(profile | gone | blocked | unknown, requests spent) for one account link as the probe judges it: the open
    platform answers per channel, the walled one always shows its log-in wall, the other networks never resolve."""
    host = (urlsplit(url).hostname or "").lower()
    if host in WALLED_HOSTS:
        return "blocked", 2  # the profile URL, then the log-in page it redirects to
    if host not in OPEN_HOSTS:
        return "unknown", 1  # the request is spent before the name fails to resolve
    verdicts = {LIVE: ("profile", 1), GONE: ("gone", 1), TO_HOME: ("gone", 2), BOT_BLOCK: ("blocked", 1)}
    return verdicts[fate]


def profile_truth(accounts: Sequence[str], fate: str) -> str:
    """canal.redes_sociales_perfil from the account links of the home and the fate of the site's channel."""
    if not accounts:
        return "indeterminado"  # no account linked: the existence check says so
    verdicts = [account_verdict(url, fate) for url in accounts]
    if sum(cost for _, cost in verdicts) > PROBE_REQUESTS:
        # Then the order of the probes would decide which accounts go unasked; the farm never publishes that many.
        raise ValueError(f"{len(accounts)} accounts cost more than {PROBE_REQUESTS} probe requests")
    found = {verdict for verdict, _ in verdicts}
    if "profile" in found:
        return "cumple"
    return "no_cumple" if found == {"gone"} else "indeterminado"
