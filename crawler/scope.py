"""Which URLs belong to a municipality's own site (same registrable domain)."""

from __future__ import annotations

import ipaddress
import re
from functools import lru_cache
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import tldextract

# The bundled public-suffix snapshot: no network fetch at run time.
_EXTRACT = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


def _is_ip_or_local(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


@lru_cache(maxsize=4096)
def site_key(url: str) -> str | None:
    """Return the registrable domain of url, or host:port for IP and localhost URLs (one site per port)."""
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not host:
        return None
    if _is_ip_or_local(host):
        return f"{host}:{port or (443 if parts.scheme == 'https' else 80)}"
    extracted = _EXTRACT(host)
    return extracted.top_domain_under_public_suffix or host


def same_site(url: str, key: str) -> bool:
    """Tell whether url belongs to the site identified by key."""
    return site_key(url) == key


# Query parameters and path parameters that only carry a visitor's session (Java, PHP, ASP, ColdFusion, generic).
SESSION_PARAMS = frozenset(
    {
        "jsessionid",
        "phpsessid",
        "sid",
        "sessionid",
        "session_id",
        "session",
        "sessid",
        "aspsessionid",
        "cfid",
        "cftoken",
        "zenid",
        "osCsid".lower(),
    }
)
_PATH_SESSION = re.compile(r";(?:jsessionid|phpsessid|sessionid|sid)=[^/?#;]*", re.IGNORECASE)


def strip_session(url: str) -> str:
    """url without session identifiers (;jsessionid=… in the path, ?sid=…, PHPSESSID…): one page, one URL."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    path = _PATH_SESSION.sub("", parts.path)
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    kept = [(k, v) for k, v in pairs if k.lower() not in SESSION_PARAMS]
    if path == parts.path and len(kept) == len(pairs):
        return url
    return urlunsplit((parts.scheme, parts.netloc, path, urlencode(kept), parts.fragment))
