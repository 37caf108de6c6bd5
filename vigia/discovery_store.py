"""Discovery's side effects on the database (storage/sites.py), and the registry a crawl or discovery starts from."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

from config.crosswalk import load_config_crosswalk
from config.references import load_candidates
from config.registry import NO_SITE, Municipality, load_registry
from spiders.descubrir import Proved
from spiders.descubrir.candidates import Candidate
from storage import sites
from storage.db import Database, open_database
from storage.site_registry import effective_registry
from storage.site_types import Proof

log = logging.getLogger("vigia.descubrir")
# Discovery's origin names as the database spells them.
ORIGIN = {"cruce": "crosswalk"}
# Reference rows that are somewhere to look for the official site (a payment service or a note is not).
SITE_TYPES = ("sitio", "dominio")


def _now() -> datetime:
    return datetime.now(UTC)


class DatabaseDiscoveryStore:
    """DiscoveryStore over storage.sites: a discovery run row, its proofs, and crosswalk facts found."""

    def __init__(self, db_url: str, database: Database | None = None) -> None:
        self.database = database or open_database(db_url)
        self.owned = database is None

    def begin(self, cves: Sequence[str], options: dict[str, Any]) -> int:
        """Open the discovery run."""
        return sites.record_discovery(self.database, cves, options, _now())

    def proof(self, run_id: int, proved: Proved) -> None:
        """Keep one proved candidate."""
        sites.record_proof(self.database, proof_of(proved, _now()), run_id)

    def crosswalk_fact(self, cve: str, campo: str, valor: str, fuente: str) -> None:
        """Keep an identifier found on a probable page."""
        sites.record_crosswalk_fact(self.database, cve, campo, valor, fuente, date.today(), _now())

    def finish(self, run_id: int) -> None:
        """Close the run."""
        sites.finish_discovery(self.database, run_id, _now())

    def close(self) -> None:
        """Release the engine when this store opened it."""
        if self.owned:
            self.database.dispose()


def proof_of(proved: Proved, at: datetime) -> Proof:
    """The stored form of a proved candidate."""
    p, c = proved.proof, proved.candidate
    return Proof(
        cve_inegi=c.cve_inegi,
        url=c.url,
        origen=ORIGIN.get(c.origen, c.origen),
        score=p.score,
        veredicto=p.veredicto,
        evidencias=p.evidencias,
        checked_at=at,
        final_url=proved.final_url or None,
        origen_detalle=c.detalle,
        alarma=p.alarma,
        presencia=p.presencia,
    )


def reference_candidates() -> list[Candidate]:
    """The reference data's sites and domains (config/sitios_candidatos.csv) as discovery candidates."""
    found = []
    for row in load_candidates():
        if row.tipo not in SITE_TYPES or not row.url:
            continue
        url = row.url if row.tipo == "sitio" else f"https://{row.url}/"
        detail = f"{row.fuente} ({row.fecha_fuente or 'sin fecha'}; confianza {row.confianza}; fila {row.line})"
        found.append(Candidate(row.cve_inegi, url, "referencia", detail))
    return found


def working_registry(db_url: str, registry: Sequence[Municipality] | None = None) -> list[Municipality]:
    """The registry as crawls see it: config first, then confirmed sites, «no site» decisions and discovered IPOMEX
    identifiers from the database. A «no site» decision holds only while no later discovery found a probable site."""
    base = list(registry) if registry is not None else load_registry()
    database = open_database(db_url)
    try:
        merged = effective_registry(database.ReadSession, base, load_config_crosswalk(base))
        return [_unless_found(database, m) for m in merged]
    finally:
        database.dispose()


def _unless_found(database: Database, m: Municipality) -> Municipality:
    if m.sitio_estado != NO_SITE:
        return m
    declared = max((d.at for d in sites.decisions(database, m.cve_inegi) if d.decision == "sin_sitio"), default=None)
    found = [
        c
        for c in sites.latest_candidates(database, m.cve_inegi)
        if c.veredicto == "probable" and c.presencia == "sitio" and declared is not None and c.checked_at > declared
    ]
    return replace(m, sitio_estado="desconocido") if found else m
