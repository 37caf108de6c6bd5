"""The shapes and input rules of official presences (storage/sites.py stores them): proofs of candidates, auditors'
decisions, validity periods, and the validation every write applies (URL, clave, choices, aware times)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from urllib.parse import urlsplit, urlunsplit

from config.registry import FIRST_CVE, LAST_CVE, valid_http_url
from core.errors import VigiaError

# A municipal administration lasts three years: "2025-2027".
_ADMINISTRATION = re.compile(r"(\d{4})-(\d{4})")
DEFAULT_PORTS = {"http": 80, "https": 443}


class SiteError(VigiaError):
    """A decision or a record about an official presence that cannot be stored as asked."""

    exit_code = 2


class EvidenceLike(Protocol):
    """One scored signal of an identity proof (checks.identity.Evidence has this shape)."""

    @property
    def code(self) -> str: ...
    @property
    def points(self) -> int: ...
    @property
    def texto(self) -> str: ...


@dataclass(frozen=True)
class Evidencia:
    """A stored signal of an identity proof: stable code, signed points, the Spanish sentence for the auditor."""

    code: str
    points: int
    texto: str


@dataclass(frozen=True)
class Proof:
    """One identity proof of one candidate URL, as discovery or the nightly watch records it."""

    cve_inegi: str
    url: str
    origen: str
    score: int
    veredicto: str
    evidencias: Sequence[EvidenceLike]
    checked_at: datetime
    final_url: str | None = None
    origen_detalle: str | None = None
    alarma: str | None = None
    presencia: str = "sitio"


@dataclass(frozen=True)
class CandidateView:
    """The latest proof of one candidate URL, with the latest auditor decision on that URL (None if none)."""

    id: int
    discovery_run_id: int | None
    cve_inegi: str
    url: str
    final_url: str | None
    origen: str
    origen_detalle: str | None
    score: int
    veredicto: str
    alarma: str | None
    evidencias: tuple[Evidencia, ...]
    presencia: str
    checked_at: datetime
    decision: str | None = None


@dataclass(frozen=True)
class Decision:
    """An auditor's decision: confirmar or rechazar a URL, or sin_sitio (url None)."""

    id: int
    cve_inegi: str
    url: str | None
    presencia: str
    decision: str
    auditor: str
    at: datetime
    nota: str | None
    administracion: str | None


@dataclass(frozen=True)
class OfficialSite:
    """A validity period of an official presence; valid_to None = current."""

    id: int
    cve_inegi: str
    url: str
    presencia: str
    valid_from: datetime
    valid_to: datetime | None
    administracion: str | None
    decision_id: int
    # Who confirmed it (the decision that opened the period).
    auditor: str

    @property
    def current(self) -> bool:
        """Whether this period is still open."""
        return self.valid_to is None


def normalize_url(url: str) -> str:
    """A URL as stored: http(s) only, lower-case scheme and host, no default port nor fragment, path at least '/'."""
    text = url.strip()
    if not valid_http_url(text):
        raise SiteError(f"«{url}» no es una dirección http(s) válida (p. ej. https://municipio.gob.mx/).")
    parts = urlsplit(text)
    host = (parts.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"
    port = parts.port
    netloc = host if port is None or port == DEFAULT_PORTS[parts.scheme.lower()] else f"{host}:{port}"
    return urlunsplit((parts.scheme.lower(), netloc, parts.path or "/", parts.query, ""))


def check_cve(cve: str) -> str:
    if not (cve.isdigit() and len(cve) == 5 and FIRST_CVE <= int(cve) <= LAST_CVE):
        raise SiteError(f"«{cve}» no es una clave INEGI de municipio ({FIRST_CVE}–{LAST_CVE}).")
    return cve


def check_choice(name: str, value: str, allowed: Sequence[str]) -> str:
    if value not in allowed:
        raise SiteError(f"{name} «{value}» no es válido; use uno de: {', '.join(allowed)}.")
    return value


def check_moment(at: datetime) -> datetime:
    if at.tzinfo is None:
        raise SiteError("La fecha de la decisión debe llevar zona horaria (Vigía guarda horas UTC).")
    return at


def check_administration(text: str | None) -> str | None:
    """A municipal administration period «AAAA-AAAA» of three years (2025-2027), or SiteError."""
    if text is None or not text.strip():
        return None
    match = _ADMINISTRATION.fullmatch(text.strip())
    if match is None or int(match[2]) - int(match[1]) != 2:
        raise SiteError(f"La administración «{text}» no es un periodo municipal de tres años como 2025-2027.")
    return match[0]


def check_auditor(auditor: str) -> str:
    if not auditor.strip():
        raise SiteError("Falta el nombre del auditor que toma la decisión.")
    return auditor.strip()
