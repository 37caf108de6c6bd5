"""Official presences: confirm, reject and «no site» keep validity periods (one current site, append-only history),
proofs and crosswalk facts are stored and read back, and the effective registry follows config first."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from config.crosswalk import CrosswalkFact, load_config_crosswalk
from config.registry import load_registry
from storage.db import Database
from storage.site_models import OfficialSiteRow, SiteDecisionRow
from storage.site_registry import crosswalk, effective_registry
from storage.site_types import Evidencia, Proof, SiteError, normalize_url
from storage.sites import (
    confirm,
    current_presences,
    current_sites,
    decisions,
    declare_no_site,
    finish_discovery,
    latest_candidates,
    record_crosswalk_fact,
    record_discovery,
    record_proof,
    record_proofs,
    reject,
    site_history,
)

T0 = datetime(2026, 10, 1, 12, 0, tzinfo=UTC)
LERMA = "15051"


def _day(n: int) -> datetime:
    return T0 + timedelta(days=n)


def _count(db: Database, table: type[SiteDecisionRow] | type[OfficialSiteRow]) -> int:
    with db.Session.begin() as session:
        return session.scalar(select(func.count()).select_from(table)) or 0


def test_confirming_a_new_url_closes_the_current_period_in_the_same_decision(db: Database) -> None:
    first = confirm(db, LERMA, "https://Lerma.gob.mx", "ana", "visto en el pie", _day(0), "2025-2027")
    assert (first.url, first.valid_to, first.administracion) == ("https://lerma.gob.mx/", None, "2025-2027")
    # Re-confirming the current URL is recorded but keeps the period.
    assert confirm(db, LERMA, "https://lerma.gob.mx/", "beto", None, _day(1)).id == first.id
    second = confirm(db, LERMA, "https://www.lerma.gob.mx/", "ana", "dominio nuevo", _day(30))
    history = site_history(db, LERMA)
    assert [(s.url, s.valid_from, s.valid_to) for s in history] == [
        ("https://lerma.gob.mx/", _day(0), _day(30)),
        ("https://www.lerma.gob.mx/", _day(30), None),
    ]
    with db.ReadSession.begin() as session:
        assert current_sites(session) == {LERMA: second}
    assert [d.auditor for d in decisions(db, LERMA)] == ["ana", "beto", "ana"]


def test_rejecting_the_current_site_closes_it_and_rejecting_another_changes_nothing(db: Database) -> None:
    confirm(db, LERMA, "https://lerma.gob.mx/", "ana", None, _day(0))
    reject(db, LERMA, "https://lerma.com.mx/", "ana", "homónimo", _day(1))
    with db.ReadSession.begin() as session:
        assert current_sites(session)[LERMA].url == "https://lerma.gob.mx/"
    reject(db, LERMA, "https://lerma.gob.mx/", "beto", "ahora es un casino", _day(2))
    with db.ReadSession.begin() as session:
        assert current_sites(session) == {}
    assert [s.valid_to for s in site_history(db, LERMA)] == [_day(2)]
    assert [d.decision for d in decisions(db, LERMA)] == ["confirmar", "rechazar", "rechazar"]


def test_no_site_closes_the_site_but_keeps_a_social_presence(db: Database) -> None:
    confirm(db, LERMA, "https://lerma.gob.mx/", "ana", None, _day(0))
    confirm(db, LERMA, "https://www.facebook.com/lerma", "ana", "página oficial", _day(0), presencia="red_social")
    declare_no_site(db, LERMA, "ana", "el dominio caducó y no hay otro", _day(5))
    with db.ReadSession.begin() as session:
        assert [s.presencia for s in current_presences(session)[LERMA]] == ["red_social"]


def test_decisions_are_append_only_and_refuse_bad_input(db: Database) -> None:
    confirm(db, LERMA, "https://lerma.gob.mx/", "ana", None, _day(3))
    for call in (
        lambda: confirm(db, LERMA, "ftp://lerma.gob.mx/", "ana", None, _day(4)),
        lambda: confirm(db, "15999", "https://x.gob.mx/", "ana", None, _day(4)),
        lambda: confirm(db, LERMA, "https://x.gob.mx/", " ", None, _day(4)),
        lambda: confirm(db, LERMA, "https://x.gob.mx/", "ana", None, _day(4), "2025-2028"),
        lambda: confirm(db, LERMA, "https://x.gob.mx/", "ana", None, _day(4).replace(tzinfo=None)),
        # A decision dated before the current period began would end it before it started.
        lambda: confirm(db, LERMA, "https://x.gob.mx/", "ana", None, _day(1)),
    ):
        with pytest.raises(SiteError):
            call()
    assert (_count(db, SiteDecisionRow), _count(db, OfficialSiteRow)) == (1, 1)


def test_the_database_allows_one_current_site_per_presence(db: Database) -> None:
    confirm(db, LERMA, "https://lerma.gob.mx/", "ana", None, _day(0))
    with pytest.raises(IntegrityError), db.Session.begin() as session:
        session.add(
            OfficialSiteRow(cve_inegi=LERMA, url="https://b.mx/", presencia="sitio", valid_from=_day(1), decision_id=1)
        )


def _proof(url: str, score: int, veredicto: str, at: datetime) -> Proof:
    evidence = [Evidencia("names_municipality", 40, "El título dice «H. Ayuntamiento de Lerma»")]
    return Proof(LERMA, url, "patron", score, veredicto, evidence, at, final_url=url, origen_detalle="<nombre>.gob.mx")


def test_latest_candidates_keep_the_newest_proof_per_url_and_the_decision(db: Database) -> None:
    run = record_discovery(db, [LERMA], {"todos": False}, _day(0))
    record_proofs(
        db,
        [_proof("https://lerma.gob.mx/", 40, "dudoso", _day(0)), _proof("https://lerma.mx/", 5, "descartado", _day(0))],
        run,
    )
    finish_discovery(db, run, _day(0) + timedelta(minutes=3))
    record_proof(db, _proof("https://lerma.gob.mx/", 90, "probable", _day(1)))
    reject(db, LERMA, "https://lerma.mx/", "ana", "no es el municipio", _day(2))
    found = latest_candidates(db, LERMA)
    assert [(c.url, c.score, c.veredicto, c.discovery_run_id, c.decision) for c in found] == [
        ("https://lerma.gob.mx/", 90, "probable", None, None),
        ("https://lerma.mx/", 5, "descartado", run, "rechazar"),
    ]
    assert found[0].evidencias == (Evidencia("names_municipality", 40, "El título dice «H. Ayuntamiento de Lerma»"),)
    with pytest.raises(SiteError):
        record_proof(db, replace(_proof("https://lerma.gob.mx/", 1, "quizá", _day(3))))


def test_normalized_urls_compare_equal() -> None:
    assert normalize_url("HTTPS://Lerma.GOB.mx:443#inicio") == "https://lerma.gob.mx/"
    assert normalize_url("http://lerma.gob.mx:8090/a?b=1") == "http://lerma.gob.mx:8090/a?b=1"


def test_effective_registry_config_wins_then_database_fills_what_is_unknown(db: Database) -> None:
    registry = load_registry()
    by_cve = {m.cve_inegi: m for m in registry}
    toluca, lerma, ixtapaluca, nezahualcoyotl = "15106", LERMA, "15039", "15058"
    confirm(db, toluca, "https://otro.toluca.gob.mx/", "ana", None, _day(0))  # config's confirmado wins
    confirm(db, lerma, "https://lerma.gob.mx/", "ana", None, _day(0))
    declare_no_site(db, ixtapaluca, "ana", "no hay sitio", _day(0))
    declare_no_site(db, nezahualcoyotl, "ana", "no hay sitio", _day(0))
    confirm(db, nezahualcoyotl, "https://neza.gob.mx/", "beto", "apareció", _day(1))  # a newer confirmation
    record_crosswalk_fact(
        db, lerma, "ipomex3_slug", "LERMA", "enlace en https://lerma.gob.mx/", date(2026, 10, 1), _day(0)
    )
    record_crosswalk_fact(db, lerma, "ipomex4_id", "150", "enlace en https://lerma.gob.mx/", None, _day(0))
    record_crosswalk_fact(db, "15054", "ipomex4_id", "999", "otra fuente", None, _day(0))  # config's 146 wins
    effective = {m.cve_inegi: m for m in effective_registry(db.ReadSession, registry)}
    assert effective[toluca] == by_cve[toluca]
    assert (effective[lerma].sitio_web, effective[lerma].sitio_estado) == ("https://lerma.gob.mx/", "confirmado")
    assert (effective[lerma].ipomex_url, effective[lerma].ipomex4_id) == (
        "https://www.ipomex.org.mx/ipo3/lgt/indice/LERMA.web",
        150,
    )
    assert (effective[ixtapaluca].sitio_web, effective[ixtapaluca].sitio_estado) == (None, "inexistente")
    assert effective[nezahualcoyotl].sitio_estado == "confirmado"
    assert effective["15054"].ipomex4_id == 146
    assert effective["15001"] == by_cve["15001"]


def test_effective_registry_takes_a_legacy_slug_from_the_config_crosswalk(db: Database) -> None:
    registry = load_registry()
    effective = {m.cve_inegi: m for m in effective_registry(db.ReadSession, registry, load_config_crosswalk(registry))}
    assert effective["15104"].ipomex_url == "https://www.ipomex.org.mx/ipo/lgt/indice/tlalnepantla.web"


def test_crosswalk_merges_config_first_then_confirmed_sites_then_discovery(db: Database) -> None:
    registry = load_registry()
    config = load_config_crosswalk(registry)
    confirm(db, LERMA, "https://lerma.gob.mx/", "ana", None, _day(0))
    confirm(db, "15054", "https://otro-metepec.gob.mx/", "ana", None, _day(0))
    record_crosswalk_fact(db, LERMA, "ipomex3_slug", "lerma", "enlace", date(2026, 10, 1), _day(0))
    record_crosswalk_fact(db, LERMA, "ipomex3_slug", "LERMA", "enlace más reciente", date(2026, 10, 2), _day(1))
    facts = crosswalk(db.ReadSession, config)
    assert [(f.campo, f.valor, f.origen) for f in facts[LERMA]] == [
        ("nombre_pnt", "Lerma", "config"),
        ("ipomex3_slug", "LERMA", "descubrimiento"),
        ("sitio_oficial", "https://lerma.gob.mx/", "auditor"),
    ]
    assert [f.valor for f in facts["15054"] if f.campo == "sitio_oficial"] == ["https://metepec.gob.mx/"]
    assert crosswalk(db.ReadSession, config, LERMA)[LERMA][1].fecha == "2026-10-02"
    assert isinstance(facts["15001"][0], CrosswalkFact) and len(facts) == 125
