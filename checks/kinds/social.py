"""The social_accounts kind: links to official accounts; share buttons, bare roots and credits do not count."""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

from checks.kinds.base import Check, SiteState, absent
from checks.model import CheckResult, Evidence
from checks.page import Page, host_of
from checks.probes import judge_profile
from checks.spec import CheckSpec, Params
from checks.text import Matcher, clip

_KEYS = frozenset({"networks", "not_accounts", "credits"})
_TWO_PART = frozenset({"pages", "pg", "people", "channel", "c", "user"})
_MOBILE = re.compile(r"^(?:www|m|mobile|web|es-la|es)\.")


@dataclass(frozen=True)
class SocialConfig:
    """Network name → hosts, path heads that are not accounts, and credit phrases that disqualify a link."""

    networks: dict[str, str]  # host → network name
    not_accounts: frozenset[str]
    credits: Matcher | None


class SocialAccountsCheck(Check[SocialConfig]):
    """Collects every network with an account link; evidence lists one account per network."""

    kind = "social_accounts"

    def __init__(self, spec: CheckSpec, config: SocialConfig, run_date: datetime.date) -> None:
        super().__init__(spec, config, run_date)
        self.found: dict[str, str] = {}
        self.where: str | None = None

    @classmethod
    def compile(cls, params: Mapping[str, Any]) -> SocialConfig:
        p = Params(params, _KEYS)
        by_host = {host: name for name, hosts in p.groups("networks").items() for host in hosts}
        return SocialConfig(by_host, frozenset(p.lower_strings("not_accounts")), p.pattern("credits"))

    def observe(self, page: Page) -> None:
        for link in page.links:
            if link.embedded:  # embedded plugins are read from page.iframes below
                continue
            credit = self.config.credits is not None and self.config.credits.search(link.context) is not None
            if link.host and self._network(link.host) is not None and not credit:
                self._offer(link.url, link.host, page.url)
        for src in page.iframes:
            # An embedded Facebook page timeline names its account in the plugin's href parameter.
            if "facebook.com" in src and "/plugins/page.php" in src:
                for href in parse_qs(urlsplit(src).query).get("href", []):
                    self._offer(href, host_of(href), page.url)

    def _offer(self, url: str, host: str, page_url: str) -> None:
        """Record the first account seen for the link's network."""
        network = self._network(host)
        if network is None or network in self.found:
            return
        account = self._account(url)
        if account is not None:
            self.found[network] = f"{_MOBILE.sub('', host)}/{account}"
            self.where = self.where or page_url

    def _network(self, host: str) -> str | None:
        """The network a host (or its parent domain) belongs to."""
        while host:
            if host in self.config.networks:
                return self.config.networks[host]
            host = host.partition(".")[2]
        return None

    def _account(self, url: str) -> str | None:
        """The account part of a profile URL, or None for share buttons, bare roots and non-account pages."""
        rest = url.split("/", 3)[3] if url.count("/") >= 3 else ""
        path, _, query = rest.partition("?")
        segments = [s for s in path.split("#", 1)[0].split("/") if s]
        if not segments:
            return None
        head = segments[0].lower()
        # Facebook's page addresses (facebook.com/p/<name-id>/) share "/p/" with Instagram's single posts.
        if head == "p" and len(segments) > 1 and "facebook." in url.split("/", 3)[2]:
            return f"{segments[0]}/{segments[1]}"
        if head in self.config.not_accounts or head.startswith(("sharer", "share")):
            return None
        if head == "profile.php":
            ids = parse_qs(query).get("id")
            return f"profile.php?id={ids[0]}" if ids else None
        if head in _TWO_PART:
            return f"{segments[0]}/{segments[1]}" if len(segments) > 1 else None
        return segments[0]

    def conclude(self, site: SiteState) -> CheckResult:
        if self.found:
            return self.result("cumple", Evidence(self.where or site.home_url, clip("; ".join(self.found.values()))))
        return absent(self, site)


@dataclass(frozen=True)
class ProfileConfig(SocialConfig):
    """The social_accounts configuration plus the networks that hide pages behind a log-in wall or bot checks."""

    walled: frozenset[str] = frozenset()


# Profiles fetched per site (the prober also has its own request and time budget).
MAX_PROFILES = 5


class SocialProfileCheck(SocialAccountsCheck):
    """An official account link that a GET shows to be a live profile; walled platforms are never no_cumple."""

    kind = "social_profile"
    live_server = True

    def __init__(self, spec: CheckSpec, config: SocialConfig, run_date: datetime.date) -> None:
        super().__init__(spec, config, run_date)
        self.urls: dict[str, str] = {}

    @classmethod
    def compile(cls, params: Mapping[str, Any]) -> ProfileConfig:
        p = Params(params, _KEYS | {"walled"})
        by_host = {host: name for name, hosts in p.groups("networks").items() for host in hosts}
        walled = frozenset(p.lower_strings("walled"))
        return ProfileConfig(by_host, frozenset(p.lower_strings("not_accounts")), p.pattern("credits"), walled)

    def _offer(self, url: str, host: str, page_url: str) -> None:
        network = self._network(host)
        super()._offer(url, host, page_url)
        if network is not None and network in self.found and network not in self.urls:
            self.urls[network] = url

    def conclude(self, site: SiteState) -> CheckResult:
        if not self.urls:
            detail = "El sitio no enlaza cuentas oficiales; su ausencia la califica la verificación de existencia."
            return self.result("indeterminado", None, "sin_canal", detail)
        verdicts = {net: self._judge(net, url, site) for net, url in list(self.urls.items())[:MAX_PROFILES]}
        evidence = Evidence(self.where or site.home_url, clip("; ".join(f"{n}: {v}" for n, v in verdicts.items())))
        if "profile" in verdicts.values():
            return self.result("cumple", evidence)
        if all(v == "gone" for v in verdicts.values()):
            detail = "Ninguna de las cuentas enlazadas lleva a un perfil (no existe o lleva a la portada de la red)."
            return self.result("no_cumple", evidence, None, detail)
        for verdict, reason, detail in _UNDECIDED:
            if verdict in verdicts.values():
                return self.result("indeterminado", evidence, reason, detail)
        return self.result("indeterminado", evidence, "sonda_sin_red", _UNDECIDED[-1][2])

    def _judge(self, network: str, url: str, site: SiteState) -> str:
        """profile, gone, blocked or unknown for one account (a walled network never says gone)."""
        verdict = judge_profile(url, site.prober.profile(url))
        walled = isinstance(self.config, ProfileConfig) and network.lower() in self.config.walled
        return "blocked" if walled and verdict == "gone" else verdict


_UNDECIDED = (
    ("blocked", "plataforma_bloquea", "La red social pide iniciar sesión o bloquea a los lectores automáticos."),
    ("budget", "sonda_sin_presupuesto", "Se agotó el presupuesto de peticiones o de tiempo de las sondas del sitio."),
    ("unknown", "sonda_sin_red", "No se pudo consultar la red social en esta ejecución."),
)
