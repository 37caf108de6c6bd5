"""Revision 0008 adds the official-presence tables without touching existing data, and reverts to 0007 only when no
auditor decision would be lost."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import IntegrityError

from core.errors import DatabaseError
from storage.db import downgrade_database, upgrade_database
from tests.conftest import NewDbUrl
from tests.storage.test_migration_0004 import MUNICIPALITIES, OUTCOMES, RESULTS, RUNS
from tests.storage.test_migrations import TABLES_0008, _execute, _revision, _schema_lines, _tables

DECISION = (
    "INSERT INTO site_decisions (id, cve_inegi, url, presencia, decision, auditor, at) VALUES "
    "(1, '15051', 'https://lerma.gob.mx/', 'sitio', 'confirmar', 'ana', '2026-10-01 12:00:00.000000')"
)
PERIOD = (
    "INSERT INTO official_sites (cve_inegi, url, presencia, valid_from, decision_id) VALUES "
    "('15051', 'https://lerma.gob.mx/', 'sitio', '2026-10-01 12:00:00.000000', 1)"
)
PROOF = (
    "INSERT INTO discovery_runs (id, started_at, municipalities, options) VALUES "
    "(1, '2026-10-01 11:00:00.000000', '[\"15051\"]', '{}')",
    "INSERT INTO site_candidates (discovery_run_id, cve_inegi, url, origen, score, veredicto, evidencias, presencia, "
    "checked_at) VALUES (1, '15051', 'https://lerma.gob.mx/', 'patron', 90, 'probable', '[]', 'sitio', "
    "'2026-10-01 11:00:00.000000')",
    "INSERT INTO crosswalk_facts (cve_inegi, campo, valor, fuente, recorded_at) VALUES "
    "('15051', 'ipomex3_slug', 'LERMA', 'enlace', '2026-10-01 11:00:00.000000')",
)
RESULT_COUNT = "SELECT count(*) FROM check_results"


def test_0008_adds_the_tables_and_reverts_only_without_decisions(db_url: str, new_db_url: NewDbUrl) -> None:
    fresh = new_db_url("fresh_0007")
    upgrade_database(fresh, "0007")
    upgrade_database(db_url, "0003")
    _execute(db_url, *MUNICIPALITIES, *RUNS, *OUTCOMES, *RESULTS)
    upgrade_database(db_url, "0007")
    results = _execute(db_url, RESULT_COUNT)

    upgrade_database(db_url, "0008")
    assert _revision(db_url) == "0008" and _tables(db_url) >= TABLES_0008
    assert _execute(db_url, RESULT_COUNT) == results
    _execute(db_url, *PROOF, DECISION, PERIOD)
    assert _execute(db_url, "SELECT origen FROM crosswalk_facts") == [("descubrimiento",)]

    # Auditors' decisions cannot be rebuilt: the downgrade refuses, in Spanish, and changes nothing.
    with pytest.raises(DatabaseError, match="decisiones de auditores"):
        downgrade_database(db_url, "0007")
    assert _revision(db_url) == "0008" and _execute(db_url, "SELECT count(*) FROM official_sites") == [(1,)]

    _execute(db_url, "DELETE FROM official_sites", "DELETE FROM site_decisions")
    downgrade_database(db_url, "0007")
    assert _revision(db_url) == "0007"
    assert _schema_lines(db_url) == _schema_lines(fresh)
    assert _execute(db_url, RESULT_COUNT) == results


def test_the_database_refuses_a_decision_without_url_that_is_not_no_site(db_url: str) -> None:
    upgrade_database(db_url, "0008")
    with pytest.raises(IntegrityError):
        _execute(db_url, DECISION.replace("'https://lerma.gob.mx/'", "NULL"))
    _execute(db_url, DECISION.replace("'https://lerma.gob.mx/'", "NULL").replace("'confirmar'", "'sin_sitio'"))
