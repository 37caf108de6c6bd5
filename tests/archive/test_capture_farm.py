"""On the simulated farm: the crawl processes capture what the spiders read, the run ingests it deduplicated.

The first night archives every page as a response; the second night revisits the unchanged pages (no second copy)
and archives a changed home page again. A run that died leaves its spool, which the next run ingests; archiving
off writes nothing; an unwritable archive folder leaves the run complete with a Spanish notice.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import select, update
from typer.testing import CliRunner

from archive.capture import SPOOL_SETTING, Label
from archive.folder import EvidenceArchive
from archive.layout import spool_folder
from archive.warc import WarcAppender, read_record, sha256_hex
from crawler.browser import browser_available
from crawler.netprobe import NetworkProbe
from crawler.pipeline import RunSummary, run_and_store
from crawler.settings import SPOOL_SETTING as CRAWLER_SPOOL_SETTING
from crawler.settings import CrawlSettings
from simulator import FarmServer, build_world
from storage.db import Database
from storage.evidence_models import ArchiveRecordRow
from storage.models import RunRow
from storage.runstore import DatabaseRunStore
from tests.test_crash import write_registry
from vigia.cli import app

RUN_DATE = date(2026, 3, 2)
CFG = CrawlSettings(timeout=4, retries=0, ipomex=False, render_js=False, max_pages=8, max_documents=2)
TOWNS = 2
ENV = {"VIGIA_IPOMEX": "0", "VIGIA_RENDER_JS": "0", "VIGIA_RETRIES": "0", "VIGIA_TIMEOUT": "4", "COLUMNS": "200"}


@pytest.fixture(scope="module")
def world():  # type: ignore[no-untyped-def]
    return build_world(seed=2026, run_date=RUN_DATE)


def normal_sites(world) -> list[str]:  # type: ignore[no-untyped-def]
    return [s.cve_inegi for s in world.sites if s.behaviour == "normal"][:TOWNS]


def night(db: Database, farm: FarmServer, chosen: list[str], archive: EvidenceArchive | None) -> RunSummary:
    registry = [m for m in farm.registry() if m.cve_inegi in chosen]
    store = DatabaseRunStore(db, archiver=archive)
    return run_and_store(store, registry, CFG, RUN_DATE, "crawl", probe=NetworkProbe([]))


def records(db: Database, run_id: int) -> list[ArchiveRecordRow]:
    with db.Session() as session:
        rows = session.scalars(select(ArchiveRecordRow).where(ArchiveRecordRow.run_id == run_id))
        return list(rows)


def test_the_spool_setting_is_the_same_on_both_sides() -> None:
    assert SPOOL_SETTING == CRAWLER_SPOOL_SETTING


@pytest.mark.slow
def test_second_night_revisits_unchanged_pages_and_archives_a_changed_one(world, db: Database, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    archive = EvidenceArchive(tmp_path / "evidencia")
    chosen = normal_sites(world)
    with FarmServer(world) as farm:
        first = night(db, farm, chosen, archive)
        changed = world.sites[[s.cve_inegi for s in world.sites].index(chosen[0])]
        home = changed.resources[changed.home_path]
        changed.resources[changed.home_path] = replace(home, body=home.body + b"<!-- aviso nuevo -->")
        second = night(db, farm, chosen, archive)
    assert (first.status, second.status, first.archive_notice, second.archive_notice) == ("complete",) * 2 + (None,) * 2
    one, two = records(db, first.run_id), records(db, second.run_id)
    assert one and {r.record_type for r in one} == {"response"}
    assert {r.cve_inegi for r in one} == set(chosen) and {r.source for r in one} == {"sitio"}
    assert {farm.url_for(cve) for cve in chosen} <= {r.url for r in one}  # the home pages
    assert not (tmp_path / "evidencia" / spool_folder(first.run_id)).exists()
    for row in one:
        stored = read_record(tmp_path / "evidencia" / row.warc_file, row.offset)
        assert stored.declared_sha256 == row.sha256 == sha256_hex(stored.payload)
    by_url = {r.url: r for r in one}
    new_home = next(r for r in two if r.url == farm.url_for(chosen[0]))
    assert new_home.record_type == "response" and new_home.sha256 != by_url[new_home.url].sha256
    revisits = [r for r in two if r.record_type == "revisit"]
    assert len(revisits) == len(two) - 1
    for row in revisits:
        assert row.refers_to == by_url[row.url].id and row.sha256 == by_url[row.url].sha256
        assert read_record(tmp_path / "evidencia" / row.warc_file, row.offset).record_type == "revisit"
    assert sum(r.length for r in two) < sum(r.length for r in one) / 3


def test_a_spool_left_by_a_dead_run_is_ingested_by_the_next_run(db: Database, tmp_path: Path) -> None:
    archive = EvidenceArchive(tmp_path / "evidencia")
    store = DatabaseRunStore(db, archiver=archive)
    dead = store.start("crawl", [], {})
    folder = archive.capture_folder(dead)
    assert folder is not None
    label = Label("15106", "sitio", "pagina", "https://toluca.gob.mx/")
    body = b"<html>Ayuntamiento de Toluca</html>"
    WarcAppender(Path(folder) / "captura-1.warc.gz").response(
        label.url, 200, [("Content-Type", "text/html")], body, datetime.now(UTC), warcinfo=label.headers()
    )
    with db.Session.begin() as session:  # the crawl process died: its run no longer has a live process
        session.execute(update(RunRow).where(RunRow.id == dead).values(pid=None))
    store.start("crawl", [], {})
    kept = records(db, dead)
    assert [(r.cve_inegi, r.source, r.kind, r.url, r.sha256) for r in kept] == [
        ("15106", "sitio", "pagina", label.url, sha256_hex(body))
    ]
    assert read_record(tmp_path / "evidencia" / kept[0].warc_file, kept[0].offset).payload == body
    assert archive.pending() == []


@pytest.mark.slow
def test_archiving_off_writes_nothing_and_an_unwritable_folder_leaves_the_run_complete(  # type: ignore[no-untyped-def]
    world, db_url: str, tmp_path: Path
) -> None:
    registry = tmp_path / "municipios.csv"
    blocker = tmp_path / "un_archivo"
    blocker.write_text("no es una carpeta", encoding="utf-8")
    runner = CliRunner()
    with FarmServer(world) as farm:
        write_registry(registry, [m for m in farm.registry() if m.cve_inegi in normal_sites(world)[:1]])
        base = {**ENV, "VIGIA_HOME": str(tmp_path / "home"), "VIGIA_PROBE_HOSTS": ""}
        crawl = ["rastrear", "--db", db_url, "--registro", str(registry)]
        off = runner.invoke(app, crawl, env={**base, "VIGIA_ARCHIVO": "0"})
        unwritable = runner.invoke(app, crawl, env={**base, "VIGIA_ARCHIVO_DIR": str(blocker / "evidencia")})
    assert off.exit_code == 0, off.output
    assert not (tmp_path / "home" / "evidencia").exists()
    assert unwritable.exit_code == 0, unwritable.output
    assert "La evidencia de esta noche no se archivó" in unwritable.output
    assert "completa" in unwritable.output


def one_of(world, generation: str) -> str:  # type: ignore[no-untyped-def]
    return next(
        s.cve_inegi
        for s in world.sites
        if s.behaviour == "normal" and (s.ipomex.generation, s.ipomex.behaviour) == (generation, "normal")
    )


@pytest.mark.slow
@pytest.mark.skipif(not browser_available(None), reason="no hay Chromium en esta máquina")
def test_rendered_pages_and_every_ipomex_generation_are_captured(world, db: Database, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    archive = EvidenceArchive(tmp_path / "evidencia")
    js_site = next(s.cve_inegi for s in world.sites if s.behaviour == "js_only")
    chosen = [js_site, one_of(world, "ipomex4"), one_of(world, "ipomex_legado"), one_of(world, "ipomex3")]
    with FarmServer(world) as farm:
        registry = [m for m in farm.registry() if m.cve_inegi in chosen]
        cfg = replace(
            CFG, ipomex=True, render_js=True, ipomex_timeout=10, browser_timeout=10, ipomex4_base=farm.ipomex4_url
        )
        summary = run_and_store(
            DatabaseRunStore(db, archiver=archive), registry, cfg, RUN_DATE, "crawl", probe=NetworkProbe([])
        )
    rows = records(db, summary.run_id)
    assert summary.archive_notice is None
    sources = {(r.cve_inegi, r.source, r.kind) for r in rows}
    assert {
        (chosen[1], "ipomex4", "ipomex"),
        (chosen[2], "ipomex_legado", "ipomex"),
        (chosen[3], "ipomex3", "ipomex"),
    } <= sources
    # IPOMEX 3: the index and each fraction rendered; IPOMEX 4: the application and its API answers (JSON).
    assert sum(r.cve_inegi == chosen[3] and r.source == "ipomex3" for r in rows) > 10
    assert any(r.source == "ipomex4" and r.content_type == "application/json" for r in rows)
    # The JavaScript shell as served and the page as the browser rendered it: both kept.
    home = farm.url_for(js_site)
    shells = [r for r in rows if r.cve_inegi == js_site and r.url == home]
    assert len({r.sha256 for r in shells}) == 2


def test_a_spool_of_another_database_is_never_ingested(db: Database, tmp_path: Path) -> None:
    demo = EvidenceArchive(tmp_path / "evidencia", owner="sqlite:///demo.db")
    mine = EvidenceArchive(tmp_path / "evidencia", owner="sqlite:///vigia.db")
    assert demo.capture_folder(1) is not None
    assert demo.pending() == [1] and mine.pending() == []
