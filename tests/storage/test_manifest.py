"""Run manifests: written when a run closes complete, in its transaction, chained, covering carried results."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import Connection, select

from checks.catalogue import load_catalogue
from checks.model import CheckResult, Unread
from core.clock import machine_datetime
from storage import repository
from storage.db import Database
from storage.evidence_models import RunManifestRow
from storage.manifest import EMPTY_SHA256, NO_MUNICIPALITY, chain_head, result_digests, sha256_text
from storage.models import RunRow
from storage.repository import finish_run, record_ipomex, record_site, start_resumed_run, start_run
from storage.resume import resumable_run
from tests.evidence_helpers import TOWNS, archive_page, night
from tests.storage.factories import capture, report
from vigia.evidence import verify_evidence

TOLUCA, METEPEC = "15106", "15054"
PAGES = {TOLUCA: b"<html>Toluca</html>", METEPEC: b"<html>Metepec</html>"}


def manifest_rows(db: Database) -> list[RunManifestRow]:
    with db.Session() as session:
        rows = session.scalars(select(RunManifestRow).order_by(RunManifestRow.created_at)).all()
        session.expunge_all()
        return list(rows)


def test_only_complete_runs_get_a_manifest_and_each_links_to_the_previous(db: Database, tmp_path: Path) -> None:
    first = night(db, tmp_path, PAGES)
    night(db, tmp_path, PAGES, status="partial")
    night(db, tmp_path, PAGES, status="failed")
    third = night(db, tmp_path, PAGES)
    rows = manifest_rows(db)
    assert [row.run_id for row in rows] == [first, third]
    assert (rows[0].previous_run_id, rows[0].previous_hash) == (None, None)
    assert (rows[1].previous_run_id, rows[1].previous_hash) == (first, rows[0].manifest_hash)
    assert all(row.manifest_hash == sha256_text(row.manifest) for row in rows)
    head = chain_head(db)
    assert head is not None and (head.run_id, head.manifest_hash) == (third, rows[1].manifest_hash)


def test_the_manifest_says_what_it_covers(db: Database, tmp_path: Path) -> None:
    run_id = start_run(db, "crawl", TOWNS, {})
    record_site(db, run_id, report(TOLUCA, {"sitio.https": "cumple", "canal.telefono": "no_cumple"}))
    archive_page(db, tmp_path, run_id, TOLUCA, "https://15106.example.gob.mx/", PAGES[TOLUCA])
    archive_page(db, tmp_path, run_id, None, "https://ipomex.example/indice", b"indice")
    finish_run(db, run_id, "complete", catalogue=load_catalogue())
    (row,) = manifest_rows(db)
    data = json.loads(row.manifest)
    with db.Session() as session:
        finished = session.scalars(select(RunRow.finished_at).where(RunRow.id == run_id)).one()
    assert data["version"] == 1 and data["corrida"] == run_id and data["anterior"] is None
    assert data["terminada"] == machine_datetime(finished)
    assert data["resultados"]["total"] == 2 and data["registros"]["total"] == 2
    assert data["resultados"]["sha256"] == row.results_digest and data["registros"]["sha256"] == row.records_digest
    assert data["municipios"][TOLUCA]["resultados"] == 2 and data["municipios"][TOLUCA]["registros"] == 1
    assert data["municipios"][NO_MUNICIPALITY] == {
        "resultados": 0,
        "resultados_sha256": EMPTY_SHA256,
        "registros": 1,
        "registros_sha256": data["municipios"][NO_MUNICIPALITY]["registros_sha256"],
    }
    assert METEPEC not in data["municipios"]


def test_result_digests_do_not_depend_on_recording_order(db: Database) -> None:
    digests = []
    for order in (["sitio.https", "canal.telefono"], ["canal.telefono", "sitio.https"]):
        run_id = start_run(db, "crawl", TOWNS, {})
        record_site(db, run_id, report(TOLUCA, {check_id: "cumple" for check_id in order}))
        finish_run(db, run_id, "complete", catalogue=load_catalogue())
        with db.engine.connect() as conn:
            digests.append(result_digests(conn, run_id)[TOLUCA])
    assert digests[0] == digests[1] and digests[0].count == 2


def test_the_manifest_is_written_in_the_closing_transaction(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(conn: Connection, run_id: int, finished_at: datetime) -> None:
        raise RuntimeError("disco roto")

    monkeypatch.setattr(repository, "write_manifest", broken)
    run_id = start_run(db, "crawl", TOWNS, {})
    with pytest.raises(RuntimeError):
        finish_run(db, run_id, "complete", catalogue=load_catalogue())
    run = repository.get_run(db, run_id)
    assert run is not None and run.status == "running"
    assert manifest_rows(db) == []


def test_a_resumed_run_covers_the_results_and_records_it_carried(db: Database, tmp_path: Path) -> None:
    stages = {"sitio": {"sitio"}, "ipomex": {"ipomex3"}}
    partial = start_run(db, "crawl", TOWNS, {"run_date": "2026-12-01"})
    for town in TOWNS:
        record_site(db, partial, report(town.cve_inegi, {"sitio.https": "cumple"}))
        archive_page(db, tmp_path, partial, town.cve_inegi, f"https://{town.cve_inegi}.example/", PAGES[town.cve_inegi])
    record_ipomex(db, partial, capture(TOLUCA), [CheckResult("ipomex.92.i", "cumple", source="ipomex3")])
    missed = [Unread(METEPEC, "Metepec", "ipomex", "ipomex_sin_tiempo", "sin tiempo")]
    finish_run(db, partial, "partial", catalogue=load_catalogue(), unread=missed)
    resumed, carried = start_resumed_run(db, resumable_run(db), TOWNS, {}, stages)
    assert carried == {"sitio": 2, "ipomex": 1}
    record_ipomex(db, resumed, capture(METEPEC), [CheckResult("ipomex.92.i", "no_cumple", source="ipomex3")])
    finish_run(db, resumed, "complete", catalogue=load_catalogue())
    (row,) = manifest_rows(db)
    towns = json.loads(row.manifest)["municipios"]
    assert row.run_id == resumed
    assert (towns[TOLUCA]["resultados"], towns[TOLUCA]["registros"]) == (2, 1)
    assert (towns[METEPEC]["resultados"], towns[METEPEC]["registros"]) == (2, 1)
    result = verify_evidence(db, tmp_path)
    assert result.ok, result.problems
    assert result.records.checked == 2


def test_runs_before_the_first_manifest_are_not_problems(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with monkeypatch.context() as patch:
        patch.setattr(repository, "write_manifest", lambda conn, run_id, finished_at: None)
        old = night(db, tmp_path, PAGES)
    first = night(db, tmp_path, PAGES)
    result = verify_evidence(db, tmp_path)
    assert result.ok, result.problems
    assert result.chain.runs_before == [old]
    assert [link.run_id for link in result.chain.links] == [first]
