"""`vigia constancia`: the PDF of one municipality as of a date lists every verdict, digest, review and chain hash."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import update
from typer.testing import CliRunner

from checks.catalogue import load_catalogue
from checks.model import CheckResult, CrawlOutcome, Evidence, SiteReport
from checks.obligations import load_obligations
from config.registry import load_registry, select
from storage import repository
from storage.constancia import read_constancia
from storage.db import Database, open_database
from storage.evidence_models import ArchiveRecordRow, ReviewRow, RunManifestRow
from storage.models import RunRow
from storage.work import unit_of_work
from tests.storage.factories import capture
from vigia.cli import app
from web.constancia_pdf import MissingFontError, render_constancia

TOLUCA = "15106"
HOME = "https://toluca.gob.mx/"
PHONE_PAGE = "https://toluca.gob.mx/contacto"
FRACTION_PAGE = "https://www.ipomex.org.mx/ipo3/lgt/indice/m15106/art_92_i.web"
SNIPPET = "Teléfono: 722 276 1900 — atención «ciudadana»"
PAGE_SHA = "a" * 64
SHOT_SHA = "c" * 64
FRACTION_SHA = "b" * 64
OLD_FRACTION_SHA = "d" * 64


def _utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


@dataclass(frozen=True)
class Built:
    """The ids and hashes the test database holds."""

    url: str
    runs: dict[str, int]
    hashes: dict[str, str]


def _results() -> list[CheckResult]:
    return [
        CheckResult("canal.telefono", "cumple", evidence=Evidence(PHONE_PAGE, SNIPPET)),
        CheckResult("sitio.https", "no_cumple", reason="https_invalido", detail="El certificado venció"),
    ]


def _run(db: Database, status: str, finished: datetime, kind: str = "crawl") -> int:
    """A run of Toluca (site and IPOMEX), stored with the storage functions, with a fixed finish time."""
    run_id = repository.start_run(db, kind, select(load_registry(), ["Toluca"]), {})
    outcome = CrawlOutcome(HOME, HOME, pages_ok=3)
    repository.record_site(db, run_id, SiteReport(TOLUCA, HOME, outcome, results=_results()))
    fraction = CheckResult("ipomex.92.i", "cumple", evidence=Evidence(FRACTION_PAGE, "Normatividad"), source="ipomex3")
    repository.record_ipomex(db, run_id, capture(TOLUCA), [fraction])
    repository.finish_run(db, run_id, status, catalogue=load_catalogue())
    with unit_of_work(db, "fijar las fechas") as session:
        session.execute(
            update(RunRow).where(RunRow.id == run_id).values(started_at=finished.replace(hour=1), finished_at=finished)
        )
    return run_id


def _record(run_id: int, url: str, sha: str, **extra: object) -> ArchiveRecordRow:
    values: dict[str, object] = {
        "run_id": run_id,
        "cve_inegi": TOLUCA,
        "source": "sitio",
        "kind": "pagina",
        "record_type": "response",
        "url": url,
        "sha256": sha,
        "warc_file": f"2026/10/vigia-{run_id}.warc.gz",
        "offset": 1024 * run_id,
        "length": 900,
        "content_type": "text/html",
        "http_status": 200,
        "captured_at": _utc(2026, 10, 30, 2, 15),
    }
    values.update(extra)
    return ArchiveRecordRow(**values)


def _review(run_id: int, check_id: str, action: str, after: str, digest: str | None, **extra: str) -> ReviewRow:
    return ReviewRow(
        cve_inegi=TOLUCA,
        check_id=check_id,
        source=extra.get("source", "sitio"),
        run_id=run_id,
        action=action,
        status_before="no_cumple" if action == "corregir" else after,
        status_after=after,
        reason=extra.get("reason", "Revisé la página"),
        auditor=extra.get("auditor", "ana"),
        at=_utc(2026, 11, 3, 17, 20),
        evidence_digest=digest,
    )


def _evidence(db: Database, runs: dict[str, int]) -> dict[str, str]:
    """Archive records, manifests and reviews inserted directly, as the evidence parts of issue 16 write them."""
    first, second = runs["first"], runs["second"]
    hashes = {"first": "1" * 64, "second": "2" * 64, "later": "4" * 64}
    with unit_of_work(db, "registrar la evidencia") as session:
        old = _record(first, FRACTION_PAGE, FRACTION_SHA, source="ipomex3", kind="ipomex")
        session.add_all([old, _record(first, PHONE_PAGE, PAGE_SHA)])
        session.flush()
        session.add_all(
            [
                _record(second, PHONE_PAGE, PAGE_SHA, captured_at=_utc(2026, 11, 1, 3, 40)),
                _record(second, PHONE_PAGE, SHOT_SHA, kind="captura", record_type="resource", content_type="image/png"),
                _record(
                    second,
                    FRACTION_PAGE,
                    FRACTION_SHA,
                    source="ipomex3",
                    kind="ipomex",
                    record_type="revisit",
                    refers_to=old.id,
                ),
            ]
        )
        for name, created in (
            ("first", _utc(2026, 10, 30, 15)),
            ("second", _utc(2026, 11, 1, 4)),
            ("later", _utc(2026, 11, 2, 4)),
        ):
            previous = {"second": "first", "later": "second"}.get(name)
            session.add(
                RunManifestRow(
                    run_id=runs[name],
                    previous_run_id=runs[previous] if previous else None,
                    previous_hash=hashes[previous] if previous else None,
                    results_digest="e" * 64,
                    records_digest="f" * 64,
                    manifest="{}",
                    manifest_hash=hashes[name],
                    created_at=created,
                )
            )
        session.add_all(
            [
                # Made on the first run, on the same archived page: still in force on the second.
                _review(first, "canal.telefono", "confirmar", "cumple", PAGE_SHA, auditor="ana"),
                _review(second, "sitio.https", "corregir", "cumple", None, auditor="luis", reason="El sitio renovó"),
                # Made on the first run's fraction page, which had another digest: no longer in force.
                _review(first, "ipomex.92.i", "corregir", "no_cumple", OLD_FRACTION_SHA, source="ipomex3"),
            ]
        )
    return hashes


def build(url: str) -> Built:
    """Toluca: a complete run on 30/10, a partial one, a complete one on 31/10 (22:00 in Mexico City), a later one."""
    db = open_database(url)
    try:
        runs = {"first": _run(db, "complete", _utc(2026, 10, 30, 15))}
        runs["partial"] = _run(db, "partial", _utc(2026, 10, 31, 15))
        # 04:00 UTC on 1/11 is still 31/10 (22:00) in Mexico City.
        runs["second"] = _run(db, "complete", _utc(2026, 11, 1, 4))
        runs["later"] = _run(db, "complete", _utc(2026, 11, 2, 4))
        hashes = _evidence(db, runs)
    finally:
        db.dispose()
    return Built(url, runs, hashes)


@pytest.fixture
def built(db_url: str) -> Built:
    return build(db_url)


def invoke(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, list(args), env={"COLUMNS": "200"})


def pdf_text(data: bytes) -> str:
    """The PDF's text as pypdf extracts it."""
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def squeezed(text: str) -> str:
    """Text without whitespace: a long URL or hash may wrap at any character."""
    return re.sub(r"\s+", "", text)


def render(built: Built, day: date) -> bytes:
    db = open_database(built.url)
    try:
        return render_constancia(read_constancia(db, TOLUCA, day, load_catalogue(), load_obligations()))
    finally:
        db.dispose()


def assert_complete(text: str, built: Built) -> None:
    """Every verdict, digest, review and chain hash of the second run is in the text."""
    flat = squeezed(text)
    for expected in (
        "canal.telefono",
        "sitio.https",
        "ipomex.92.i",
        PHONE_PAGE,
        FRACTION_PAGE,
        PAGE_SHA,
        SHOT_SHA,
        FRACTION_SHA,
        built.hashes["second"],
        built.hashes["later"],
        squeezed(SNIPPET),
        squeezed(load_catalogue().get("canal.telefono").label),
        "sincopiaarchivada",
        "confirmadoporanael03/11/202611:20",
        "corregidoa«Cumple»porluisel03/11/202611:20:Elsitiorenovó",
        "sinrevisión",
        "Revisita",
        f"Corrida:{built.runs['second']}",
        "Fin:31/10/202622:00",
        "vigiaevidenciaverificar",
        "Toluca",
        TOLUCA,
    ):
        assert expected in flat, expected
    assert OLD_FRACTION_SHA not in flat


def test_the_pdf_lists_every_verdict_digest_review_and_chain_hash(built: Built) -> None:
    data = render(built, date(2026, 10, 31))
    assert data.startswith(b"%PDF-")
    assert_complete(pdf_text(data), built)


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) no está instalado")
def test_pdftotext_reads_the_same_verdicts_and_digests(built: Built, tmp_path: Path) -> None:
    path = tmp_path / "constancia.pdf"
    path.write_bytes(render(built, date(2026, 10, 31)))
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert_complete(text, built)


def test_the_same_inputs_render_byte_identical_documents_dated_by_the_run(built: Built) -> None:
    first, second = render(built, date(2026, 10, 31)), render(built, date(2026, 10, 31))
    assert first == second
    metadata = PdfReader(io.BytesIO(first)).metadata
    assert metadata is not None and metadata["/CreationDate"] == "D:20261101040000Z"


def test_the_run_is_the_last_complete_one_finished_by_the_end_of_the_day_in_mexico_city(built: Built) -> None:
    db = open_database(built.url)
    try:
        chosen = {
            day: read_constancia(db, TOLUCA, day, load_catalogue(), load_obligations())
            for day in (date(2026, 10, 30), date(2026, 10, 31), date(2026, 11, 5))
        }
    finally:
        db.dispose()
    assert {day: c.run_id for day, c in chosen.items()} == {
        date(2026, 10, 30): built.runs["first"],
        date(2026, 10, 31): built.runs["second"],  # not the partial run finished earlier that day
        date(2026, 11, 5): built.runs["later"],
    }
    first = chosen[date(2026, 10, 30)]
    assert first.head is not None and first.head.manifest_hash == built.hashes["later"]
    assert chosen[date(2026, 11, 5)].head is None  # the run's own link is the head
    by_check = {v.check_id: v for v in first.verdicts}
    # The first run's fraction review matches that run's own page; the second run's correction is not shown.
    assert by_check["ipomex.92.i"].review is not None and by_check["sitio.https"].review is None
    assert first.scores["total"].score is not None


def test_a_run_before_the_chain_says_sin_manifiesto(built: Built) -> None:
    db = open_database(built.url)
    with unit_of_work(db, "quitar la cadena") as session:
        session.query(RunManifestRow).delete()
    db.dispose()
    text = squeezed(pdf_text(render(built, date(2026, 10, 31))))
    assert "sinmanifiesto" in text and built.hashes["second"] not in text


def test_the_cli_writes_the_constancia(built: Built, vigia_home: Path, tmp_path: Path) -> None:
    target = tmp_path / "toluca.pdf"
    result = invoke(
        "constancia", "--municipio", "Toluca", "--fecha", "2026-10-31", "--salida", str(target), "--db", built.url
    )
    assert result.exit_code == 0, result.stderr
    assert f"corrida {built.runs['second']}" in result.stdout
    assert target.read_bytes() == render(built, date(2026, 10, 31))
    folder = invoke("constancia", "-m", "15106", "--fecha", "2026-10-31", "--salida", str(tmp_path), "--db", built.url)
    assert folder.exit_code == 0 and (tmp_path / "constancia-15106-2026-10-31.pdf").is_file()


def test_a_date_before_the_first_complete_run_is_a_spanish_error(built: Built, vigia_home: Path) -> None:
    result = invoke("constancia", "--municipio", "Toluca", "--fecha", "2020-01-01", "--db", built.url)
    assert result.exit_code == 1
    assert "No hay corridas completas de Toluca hasta el 01/01/2020; la primera es del 30/10/2026" in result.stderr


def test_a_municipality_without_runs_is_a_spanish_error(built: Built, vigia_home: Path) -> None:
    result = invoke("constancia", "--municipio", "Metepec", "--fecha", "2026-10-31", "--db", built.url)
    assert result.exit_code == 1 and "No hay corridas completas de Metepec en esta base de datos" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--municipio", "Gotham", "--fecha", "2026-10-31"), "No encuentro el municipio «Gotham»"),
        (("--municipio", "Toluca", "--fecha", "31/10/2026"), "La fecha «31/10/2026» no es válida"),
        (
            ("--municipio", "Toluca", "--fecha", "2026-10-31", "--salida", "/no/existe/c.pdf"),
            "No se pudo escribir la constancia en «/no/existe/c.pdf»: la carpeta no existe",
        ),
    ],
)
def test_usage_errors_are_spanish(built: Built, vigia_home: Path, args: tuple[str, ...], message: str) -> None:
    result = invoke("constancia", *args, "--db", built.url)
    assert result.exit_code == 2
    assert message in result.stderr and "Traceback" not in result.stderr


def test_a_missing_font_names_the_debian_package(built: Built, tmp_path: Path) -> None:
    db = open_database(built.url)
    try:
        data = read_constancia(db, TOLUCA, date(2026, 10, 31), load_catalogue(), load_obligations())
    finally:
        db.dispose()
    with pytest.raises(MissingFontError, match="fonts-dejavu-core"):
        render_constancia(data, font_dir=tmp_path)
