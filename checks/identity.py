"""Identity proof: is a fetched home page the official site of a given municipality? Scored and explained.

Pure (no network, no database): discovery and the nightly watch of confirmed sites both call `prove_identity`.
Vocabulary, weights and thresholds live in config/identidad.yaml (checks/identity_rules.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from checks.identity_context import IdentityContext
from checks.identity_domain import domain_evidence, host_of, presence_of, redirect_evidence
from checks.identity_hijack import hijack_findings
from checks.identity_signals import Finding, Scan, identity_findings
from config.registry import Municipality

__all__ = ["ALARMS", "Evidence", "Fetched", "IdentityContext", "IdentityProof", "prove_identity"]

# Hijack-class findings, in the order the proof reports them when several apply.
ALARMS = ("sin_respuesta", "estacionado", "apuestas", "redireccion_ajena", "otro_estado", "otra_entidad")
# Findings that mean a confirmed site must not be trusted tonight; a site that does not answer is not one of them
# (its checks already come out unread), it is reported as such.
_WATCH_ALARMS = frozenset(ALARMS) - {"sin_respuesta"}


@dataclass(frozen=True)
class Fetched:
    """What was seen when fetching one candidate URL."""

    requested_url: str
    final_url: str  # after redirects ('' when nothing answered)
    status: int | None  # HTTP status of the final answer, None when nothing answered
    html: str  # decoded body ('' when none or not HTML)
    redirects: tuple[str, ...] = ()  # every hop's URL, in order
    failure: str | None = None  # why nothing usable came (dns, tls, timeout, ssrf_blocked, robots...), else None


@dataclass(frozen=True)
class Evidence:
    """One reason for the score: a stable code, its signed points and a Spanish sentence quoting the page."""

    code: str
    points: int
    texto: str


@dataclass(frozen=True)
class IdentityProof:
    """The score, verdict and evidence of one page for one municipality."""

    score: int
    veredicto: str  # "probable" | "dudoso" | "descartado"
    evidencias: tuple[Evidence, ...]
    alarma: str | None  # a hijack-class finding (ALARMS), None when none
    # What kind of presence the page is: the municipality's own site, a social-network page or a directory.
    presencia: str = "sitio"  # "sitio" | "red_social" | "directorio"
    # The municipality (clave) the page is about, from its title and header, when it names exactly one.
    sobre: str | None = None
    alarmas: tuple[str, ...] = field(default=())  # every alarm found, most serious first

    @property
    def watch_failed(self) -> bool:
        """True when a confirmed site must no longer be trusted tonight (parked, casino, another entity…)."""
        return any(alarm in _WATCH_ALARMS for alarm in (*self.alarmas, self.alarma))


def _no_answer(fetched: Fetched) -> Evidence | None:
    """Why nothing usable answered, or None when there is a page to read."""
    if fetched.failure:
        return Evidence(
            "no_response", 0, f"No hubo respuesta usable al pedir {fetched.requested_url} ({fetched.failure})."
        )
    if fetched.status is None:
        return Evidence("no_response", 0, f"Nada respondió al pedir {fetched.requested_url}.")
    if fetched.status >= 400:
        return Evidence(
            "no_response", 0, f"{fetched.final_url or fetched.requested_url} respondió con el código {fetched.status}."
        )
    if not fetched.html.strip():
        return Evidence("no_response", 0, f"{fetched.final_url or fetched.requested_url} respondió sin página HTML.")
    return None


def _verdict(score: int, alarms: list[str], codes: set[str], presence: str, context: IdentityContext) -> str:
    """Thresholds from the rules; any alarm discards; a directory or a capping evidence is at most doubtful."""
    rules = context.rules
    if alarms or not codes & rules.anchors:
        return "descartado"
    if score >= rules.probable and presence != "directorio" and not codes & rules.cap_doubtful:
        return "probable"
    return "dudoso" if score >= rules.doubtful else "descartado"


def _presence_findings(url: str, presence: str, findings: list[Finding]) -> list[Finding]:
    """Say so when the address is a social network or a directory server rather than a site of its own."""
    host = host_of(url)
    if presence == "red_social":
        return [
            Finding("social_network", f"La página está en {host}: es una presencia en redes sociales, no un sitio.")
        ]
    if presence == "directorio" and not any(f.code == "directory" for f in findings):
        return [Finding("directory", f"{host} es un directorio de sujetos obligados o municipios, no el sitio de uno.")]
    return []


def _discarded(evidence: Evidence, presence: str) -> IdentityProof:
    """A discarded proof for a fetch that brought no readable page."""
    return IdentityProof(0, "descartado", (evidence,), "sin_respuesta", presence, None, ("sin_respuesta",))


def prove_identity(m: Municipality, fetched: Fetched, context: IdentityContext, today: date) -> IdentityProof:
    """Score how surely the fetched page is m's official site, with one Spanish sentence per evidence."""
    url = fetched.final_url or fetched.requested_url
    presence = presence_of(url, context.rules)
    failure = _no_answer(fetched)
    read = context.read(fetched.html) if failure is None else None
    if failure is not None or read is None:
        return _discarded(failure or Evidence("no_response", 0, f"{url} no trae una página HTML legible."), presence)
    findings: list[Finding] = []
    scan = Scan(read, context, m, today)
    findings += identity_findings(scan)
    findings += hijack_findings(scan)
    findings += domain_evidence(m, url, context)
    findings += redirect_evidence(m, fetched.requested_url, fetched.final_url, context)
    findings += _presence_findings(url, presence, findings)
    if any(f.code == "directory" for f in findings):
        presence = "directorio" if presence == "sitio" else presence
    weights = context.rules.weights
    evidences = tuple(Evidence(f.code, weights[f.code], f.texto) for f in findings)
    score = sum(e.points for e in evidences)
    found = {f.alarm for f in findings if f.alarm}
    alarms = [alarm for alarm in ALARMS if alarm in found]
    return IdentityProof(
        score=score,
        veredicto=_verdict(score, alarms, {e.code for e in evidences}, presence, context),
        evidencias=evidences,
        alarma=alarms[0] if alarms else None,
        presencia=presence,
        sobre=scan.about_one,
        alarmas=tuple(alarms),
    )
