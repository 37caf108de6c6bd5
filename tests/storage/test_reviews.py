"""Auditor reviews: append-only rows, the evidence digest, in force until the evidence changes, report and labels."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml
from sqlalchemy import func, select
from typer.testing import CliRunner

from checks.catalogue import load_catalogue
from checks.labels import load_labels
from checks.model import CheckResult, Evidence, Status
from config.registry import load_registry
from storage.db import Database, open_database
from storage.evidence_models import ArchiveRecordRow, ReviewRow
from storage.models import CheckResultRow
from storage.repository import finish_run, latest_results, record_site, start_run
from storage.reviews import (
    BACK_TO_REVIEW,
    IN_FORCE,
    SUPERSEDED,
    ReviewError,
    ReviewRequest,
    audit_trail,
    fallback_digest,
    latest_reviews,
    record_review,
)
from storage.work import unit_of_work
from tests.conftest import NewDbUrl
from tests.storage.factories import municipality, report
from vigia.cli import app
from vigia.labels_export import site_folder
from vigia.report import build_rows, row_json, rows_csv

NOW = datetime(2026, 11, 2, 15, 0, tzinfo=UTC)
URL = "https://15001.example.gob.mx/"
CHECKS: dict[str, Status] = {"sitio.disponible": "cumple", "canal.chat": "cumple", "canal.correo": "no_cumple"}


def _night(db: Database, chat_text: str = "canal.chat encontrado", sha: str | None = None) -> int:
    """One complete run of 15001 whose canal.chat evidence says chat_text (archived with sha when given)."""
    run = start_run(db, "crawl", [municipality("15001", "Acambay")], {})
    site = report("15001", CHECKS)
    site.results[1] = CheckResult("canal.chat", "cumple", evidence=Evidence(URL + "chat", chat_text))
    record_site(db, run, site)
    if sha is not None:
        _archive(db, run, URL + "chat", sha)
    finish_run(db, run, "complete", catalogue=load_catalogue())
    return run


def _archive(db: Database, run: int, url: str, sha: str) -> None:
    with unit_of_work(db, "archivar") as session:
        session.add(
            ArchiveRecordRow(
                run_id=run,
                cve_inegi="15001",
                source="sitio",
                kind="pagina",
                record_type="response",
                url=url,
                sha256=sha,
                warc_file="2026/11/vigia-1.warc.gz",
                offset=0,
                length=10,
                captured_at=NOW,
            )
        )


def _correct(db: Database, to: str = "no_cumple", check: str = "canal.chat") -> None:
    request = ReviewRequest("15001", check, "corregir", "el chat no abre: es una imagen", "auditora", to)
    record_review(db, request, NOW)


@pytest.fixture
def db(new_db_url: NewDbUrl) -> Database:
    return open_database(new_db_url())


def test_correction_is_in_force_and_never_edits_results(db: Database) -> None:
    _night(db)
    with unit_of_work(db, "contar", read_only=True) as session:
        before = session.execute(
            select(CheckResultRow.check_key, CheckResultRow.status).order_by(
                CheckResultRow.run_id, CheckResultRow.check_key
            )
        ).all()
    _correct(db)
    state = latest_reviews(db)[("15001", "canal.chat", "sitio")]
    assert state.state == IN_FORCE and state.reviewed_status == "no_cumple"
    assert state.review.status_before == "cumple" and state.review.auditor == "auditora"
    assert state.review.evidence_digest == fallback_digest(URL + "chat", "canal.chat encontrado", "cumple")
    with unit_of_work(db, "contar", read_only=True) as session:
        after = session.execute(
            select(CheckResultRow.check_key, CheckResultRow.status).order_by(
                CheckResultRow.run_id, CheckResultRow.check_key
            )
        ).all()
    assert before == after


def test_refusals_are_spanish(db: Database) -> None:
    _night(db)
    with pytest.raises(ReviewError, match="Falta el motivo"):
        record_review(db, ReviewRequest("15001", "canal.chat", "corregir", "  ", "a", "no_cumple"), NOW)
    with pytest.raises(ReviewError, match="confirmar"):
        _correct(db, to="cumple")
    with pytest.raises(ReviewError, match="no válido"):
        _correct(db, to="no_aplica")
    with pytest.raises(ReviewError, match="no tiene resultado"):
        _correct(db, check="canal.whatsapp")
    with unit_of_work(db, "contar", read_only=True) as session:
        assert session.scalar(select(func.count()).select_from(ReviewRow)) == 0


def test_changed_page_sends_the_verdict_back_to_review(db: Database) -> None:
    _night(db)
    _correct(db)
    _night(db)  # same evidence: still in force
    assert latest_reviews(db)[("15001", "canal.chat", "sitio")].state == IN_FORCE
    _night(db, chat_text="Chat en línea: escríbanos")  # the page changed
    state = latest_reviews(db)[("15001", "canal.chat", "sitio")]
    assert state.state == BACK_TO_REVIEW and state.reviewed_status is None and state.state_text == "vuelve a revisión"


def test_archived_copy_digest_decides(db: Database) -> None:
    _night(db, sha="a" * 64)
    _correct(db)
    assert latest_reviews(db)[("15001", "canal.chat", "sitio")].review.evidence_digest == "a" * 64
    _night(db, chat_text="otro fragmento", sha="a" * 64)  # same archived page, other snippet: same evidence
    assert latest_reviews(db)[("15001", "canal.chat", "sitio")].in_force
    _night(db, sha="b" * 64)
    assert not latest_reviews(db)[("15001", "canal.chat", "sitio")].in_force


def test_audit_trail_lists_each_review_newest_first(db: Database) -> None:
    _night(db)
    _correct(db)
    record_review(db, ReviewRequest("15001", "canal.chat", "confirmar", "revisado otra vez", "jefa"), NOW)
    trail = audit_trail(db)
    assert [(s.review.auditor, s.state) for s in trail] == [("jefa", IN_FORCE), ("auditora", SUPERSEDED)]
    # A confirmation keeps the machine's status.
    assert trail[0].review.status_after == trail[0].review.status_before == "cumple"


def test_report_shows_reviewed_status_beside_the_original(db: Database) -> None:
    _night(db)
    _correct(db)
    registry = [municipality("15001", "Acambay")]
    latest = latest_results(db, ["15001"])
    rows = build_rows(registry, latest, reviewing=(latest_reviews(db), load_catalogue()))
    data = row_json(rows[0])
    chat = next(c for c in data["checks"] if c["id"] == "canal.chat")
    assert chat["status"] == "cumple" and chat["estado_revisado"] == "no_cumple"
    assert chat["revision"]["auditor"] == "auditora" and chat["revision"]["situacion"] == "vigente"
    assert data["scores"]["total"] != data["puntajes_revisados"]["total"]
    assert data["revisiones_vigentes"] == 1
    csv_text = rows_csv(rows, load_catalogue())
    header, line = csv_text.splitlines()[:2]
    assert "total_revisado" in header and "revisiones_vigentes" in header
    assert "canal.chat: cumple→no_cumple" in line


def _cli(db_url: str, *args: str) -> str:
    result = CliRunner().invoke(app, [*args, "--db", db_url])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_cli_correct_list_report_and_export_round_trip(new_db_url: NewDbUrl, tmp_path: Path) -> None:
    url = new_db_url()
    database = open_database(url)
    _night(database)
    database.dispose()
    motivo = "el chat es una imagen"
    _cli(
        url,
        "revisar",
        "corregir",
        "-m",
        "15001",
        "--verificacion",
        "canal.chat",
        "--a",
        "no_cumple",
        "--motivo",
        motivo,
        "--auditor",
        "ana",
    )
    _cli(
        url,
        "revisar",
        "confirmar",
        "-m",
        "15001",
        "--verificacion",
        "canal.correo",
        "--motivo",
        "no hay correo",
        "--auditor",
        "ana",
    )
    listed = json.loads(_cli(url, "revisar", "listar", "-m", "15001", "--formato", "json"))
    assert {(x["verificacion"], x["estado_antes"], x["estado_despues"], x["situacion"]) for x in listed} == {
        ("canal.chat", "cumple", "no_cumple", "vigente"),
        ("canal.correo", "no_cumple", "no_cumple", "vigente"),
    }
    reported = json.loads(_cli(url, "reporte", "-m", "15001", "--formato", "json"))
    chat = next(c for c in reported[0]["checks"] if c["id"] == "canal.chat")
    assert (chat["status"], chat["estado_revisado"]) == ("cumple", "no_cumple")
    labels_file = tmp_path / "corpus" / "revisiones.yaml"
    labels_file.parent.mkdir()
    _cli(url, "revisar", "exportar", "--salida", str(labels_file))
    folder = site_folder(next(m for m in load_registry() if m.cve_inegi == "15001"))
    (labels_file.parent / folder).mkdir()
    labels = load_labels(labels_file)
    assert {(x.site, x.check_id, x.status) for x in labels.all()} == {
        (folder, "canal.chat", "no_cumple"),
        (folder, "canal.correo", "no_cumple"),
    }
    assert yaml.safe_load(labels_file.read_text(encoding="utf-8"))["sources"][0]["cve_inegi"] == "15001"


def test_cli_refuses_without_reason(new_db_url: NewDbUrl) -> None:
    url = new_db_url()
    database = open_database(url)
    _night(database)
    database.dispose()
    args = ["revisar", "corregir", "-m", "15001", "--verificacion", "canal.chat", "--a", "no_cumple", "--db", url]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2 and "Falta el motivo" in result.output
