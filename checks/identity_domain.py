"""What a page's address says: government domain, a domain that names the municipality, a foreign redirect."""

from __future__ import annotations

from urllib.parse import urlsplit

from checks.identity_context import IdentityContext
from checks.identity_rules import IdentityRules
from checks.identity_signals import Finding
from config.registry import Municipality


def host_of(url: str) -> str:
    """The lower-case host of a URL, '' when it has none."""
    try:
        return (urlsplit(url).hostname or "").lower().rstrip(".")
    except ValueError:
        return ""


def _under(host: str, suffixes: tuple[str, ...]) -> str | None:
    """The longest suffix the host is (or is under), None when none."""
    matches = [s for s in suffixes if host == s or host.endswith("." + s)]
    return max(matches, key=len) if matches else None


def registrable(host: str, rules: IdentityRules) -> str:
    """The registered domain of a host (one label under its public suffix): www.toluca.gob.mx → toluca.gob.mx."""
    suffix = _under(host, rules.public_suffixes)
    keep = (suffix.count(".") + 2) if suffix else 2
    return ".".join(host.split(".")[-keep:])


def _site_label(host: str, rules: IdentityRules) -> str:
    """The part of a host that may name the municipality, without suffix and prefixes (ayuntamiento, www…)."""
    suffix = _under(host, rules.public_suffixes)
    name = host[: -len(suffix) - 1] if suffix and host != suffix else host
    labels = [label for label in name.split(".") if label not in rules.host_prefixes]
    joined = "".join(labels).replace("-", "")
    for prefix in sorted(rules.host_prefixes, key=len, reverse=True):
        if joined.startswith(prefix) and len(joined) > len(prefix) + 3:
            return joined[len(prefix) :]
    return joined


def _owners(host: str, context: IdentityContext) -> frozenset[str]:
    """The municipalities whose name is the longest one inside the host's name, as in the page text."""
    label = _site_label(host, context.rules)
    longest = 0
    owners: set[str] = set()
    for compact, cve in context.domain_names:
        if len(compact) < longest:
            break
        if compact in label:
            longest = len(compact)
            owners.add(cve)
    return frozenset(owners)


def domain_names(m: Municipality, host: str, context: IdentityContext) -> bool:
    """Whether the host's name is m's."""
    owners = context.host_owners.get(host)
    if owners is None:
        owners = context.host_owners[host] = _owners(host, context)
    return m.cve_inegi in owners


def presence_of(url: str, rules: IdentityRules) -> str:
    """'red_social' on a social network, 'directorio' on a directory host, else 'sitio'."""
    host = host_of(url)
    if _under(host, rules.social_hosts):
        return "red_social"
    return "directorio" if host in rules.directory_hosts else "sitio"


def domain_evidence(m: Municipality, url: str, context: IdentityContext) -> list[Finding]:
    """Government or .mx domain, and a domain that names m."""
    rules, host = context.rules, host_of(url)
    found: list[Finding] = []
    if _under(host, rules.government_suffixes):
        found.append(Finding("government_domain", f"El dominio {host} es de gobierno (.gob.mx)."))
        state = _under(host, rules.state_suffixes)
        if state and host not in rules.directory_hosts:
            found.append(
                Finding("state_government_domain", f"El dominio {host} está bajo {state}, el del gobierno del estado.")
            )
    elif _under(host, rules.mx_suffixes):
        found.append(Finding("mx_domain", f"El dominio {host} es mexicano (.mx), no de gobierno."))
    if host and domain_names(m, host, context):
        found.append(Finding("domain_names_municipality", f"El dominio {host} lleva el nombre de {m.nombre}."))
    return found


def redirect_evidence(m: Municipality, requested_url: str, final_url: str, context: IdentityContext) -> list[Finding]:
    """A redirect to another registered domain that is neither a government one nor named after m."""
    rules = context.rules
    requested, final = host_of(requested_url), host_of(final_url)
    if not requested or not final or registrable(requested, rules) == registrable(final, rules):
        return []
    if _under(final, rules.social_hosts) or _under(final, rules.government_suffixes) or domain_names(m, final, context):
        return []
    texto = f"{requested} redirige a {final}, un dominio ajeno que no es de gobierno ni lleva el nombre de {m.nombre}."
    return [Finding("foreign_redirect", texto, "redireccion_ajena")]
