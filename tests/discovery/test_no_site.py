"""A municipality without a site: no_cumple only after an auditor said so and no later discovery found one."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from checks.identity import Evidence
from config.registry import NO_SITE, load_registry
from spiders.sitio.source import SitioSource
from spiders.sitio.target import SiteTarget
from storage import sites
from storage.db import open_database
from storage.site_types import Proof
from vigia.discovery_store import working_registry

RUN_DATE = date(2026, 11, 24)
AT = datetime(2026, 11, 24, 12, tzinfo=UTC)


def site_results(estado: str) -> dict[str, tuple[str, str | None]]:
    town = replace(next(m for m in load_registry() if m.sitio_web is None), sitio_estado=estado)
    plan = SitioSource().split([SiteTarget.of(town)], RUN_DATE)
    assert not plan.targets and len(plan.decided) == 1
    return {r.check_id: (r.status, r.reason) for r in plan.decided[0].results}


def test_a_confirmed_absence_fails_availability_and_judges_nothing_else() -> None:
    results = site_results(NO_SITE)
    assert results.pop("sitio.disponible") == ("no_cumple", "sin_sitio")
    assert results and set(results.values()) == {("indeterminado", "sin_sitio")}


def test_an_unknown_site_accuses_nobody() -> None:
    assert set(site_results("desconocido").values()) == {("indeterminado", "no_url")}


def test_a_later_probable_site_lifts_the_declared_absence(db_url: str) -> None:
    town = next(m for m in load_registry() if m.sitio_web is None)
    database = open_database(db_url)
    try:
        sites.declare_no_site(database, town.cve_inegi, "auditora", "sin sitio en ninguna fuente", AT)
        assert _estado(db_url, town.cve_inegi) == NO_SITE
        found = Proof(
            cve_inegi=town.cve_inegi,
            url="https://nuevo.gob.mx/",
            origen="patron",
            score=110,
            veredicto="probable",
            evidencias=[Evidence("names_municipality", 30, "El título nombra al municipio.")],
            checked_at=AT + timedelta(days=1),
        )
        sites.record_proof(database, found)
        assert _estado(db_url, town.cve_inegi) == "desconocido"
    finally:
        database.dispose()


def _estado(db_url: str, cve: str) -> str:
    return next(m.sitio_estado for m in working_registry(db_url) if m.cve_inegi == cve)
