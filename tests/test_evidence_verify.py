"""`vigia evidencia verificar`: untouched evidence verifies; a changed WARC byte, a deleted result, a broken link and a
missing file are each named; a record thinned by the retention policy is not tampering."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import delete, select, update
from typer.testing import CliRunner

from storage.db import Database
from storage.evidence_models import ArchiveRecordRow, RunManifestRow
from storage.manifest import canonical_json, chain_head, sha256_text, write_manifest
from storage.models import CheckKeyRow, CheckResultRow, RunRow
from tests.evidence_helpers import flip_byte, night, record, rewrite_payload
from vigia.cli import app
from vigia.evidence import THINNED_FILE, thinned_records

TOLUCA, METEPEC = "15106", "15054"
FIRST = {TOLUCA: b"<html>Toluca: directorio</html>", METEPEC: b"<html>Metepec: directorio</html>"}
# The second night: Toluca unchanged (a revisit), Metepec changed (a new response).
SECOND = {TOLUCA: FIRST[TOLUCA], METEPEC: b"<html>Metepec: directorio y sueldos</html>"}


@pytest.fixture(autouse=True)
def _home(vigia_home: Path) -> Path:
    return vigia_home


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    return tmp_path / "evidencia"


@pytest.fixture
def nights(db: Database, archive: Path) -> tuple[int, int]:
    return night(db, archive, FIRST), night(db, archive, SECOND)


def verify(db: Database, archive: Path, *extra: str) -> tuple[int, str]:
    result = CliRunner().invoke(
        app, ["evidencia", "verificar", "--db", str(db.url), "--archivo", str(archive), *extra], env={"COLUMNS": "250"}
    )
    return result.exit_code, result.output


def records_of(db: Database, run_id: int) -> list[ArchiveRecordRow]:
    with db.Session() as session:
        rows = session.scalars(select(ArchiveRecordRow).where(ArchiveRecordRow.run_id == run_id)).all()
        session.expunge_all()
        return sorted(rows, key=lambda row: row.id)


def test_untouched_evidence_verifies_and_names_the_head(db: Database, archive: Path, nights: tuple[int, int]) -> None:
    code, output = verify(db, archive)
    head = chain_head(db)
    assert head is not None and head.run_id == nights[1]
    assert code == 0, output
    assert "2 manifiestos" in output and "2 corridas" in output and "4 registros archivados" in output
    assert f"Todo coincide. Cabeza de la cadena: {head.manifest_hash} (corrida {nights[1]})." in output


def test_one_changed_byte_in_a_stored_record_is_named(db: Database, archive: Path, nights: tuple[int, int]) -> None:
    toluca = records_of(db, nights[0])[0]
    flip_byte(archive, record(db, toluca.id))
    code, output = verify(db, archive)
    assert code == 1
    line = f"Registro {toluca.id} ({toluca.url}, archivo {toluca.warc_file}, posición {toluca.offset}): el contenido cambió"
    assert line in output
    assert "1 diferencia:" in output


def test_a_rewritten_payload_that_still_reads_is_named(db: Database, archive: Path, nights: tuple[int, int]) -> None:
    metepec = records_of(db, nights[1])[-1]
    assert metepec.cve_inegi == METEPEC and metepec.record_type == "response"
    rewrite_payload(archive, metepec, b"sueldos", b"Sueldos")
    code, output = verify(db, archive)
    assert code == 1
    assert (
        f"Registro {metepec.id} ({metepec.url}, archivo {metepec.warc_file}, posición {metepec.offset}): el " in output
    )
    assert "el contenido cambió." in output


def test_a_deleted_result_row_is_named(db: Database, archive: Path, nights: tuple[int, int]) -> None:
    with db.Session.begin() as session:
        key = session.scalars(select(CheckKeyRow.id).where(CheckKeyRow.check_id == "canal.telefono")).one()
        session.execute(
            delete(CheckResultRow).where(
                CheckResultRow.run_id == nights[0], CheckResultRow.cve_inegi == TOLUCA, CheckResultRow.check_key == key
            )
        )
    code, output = verify(db, archive)
    assert code == 1
    assert (
        f"Corrida {nights[0]}, Toluca ({TOLUCA}): los resultados guardados no coinciden con el manifiesto "
        "(1 ahora, 2 en el manifiesto)." in output
    )
    assert "1 diferencia:" in output


def test_an_edited_status_and_an_edited_record_row_are_named(
    db: Database, archive: Path, nights: tuple[int, int]
) -> None:
    with db.Session.begin() as session:
        session.execute(
            update(CheckResultRow)
            .where(CheckResultRow.run_id == nights[1], CheckResultRow.cve_inegi == METEPEC)
            .values(status="cumple")
        )
        session.execute(
            update(ArchiveRecordRow)
            .where(ArchiveRecordRow.run_id == nights[1], ArchiveRecordRow.cve_inegi == TOLUCA)
            .values(url="https://otra.example/")
        )
    code, output = verify(db, archive)
    assert code == 1
    assert f"Corrida {nights[1]}, Metepec ({METEPEC}): los resultados guardados no coinciden" in output
    assert f"Corrida {nights[1]}, Toluca ({TOLUCA}): los registros del archivo guardados en la base no" in output
    assert "el registro del archivo es de otra dirección" in output


def test_a_broken_link_in_the_chain_is_named(db: Database, archive: Path, nights: tuple[int, int]) -> None:
    third = night(db, archive, SECOND)
    # Rewrite the middle manifest consistently (text and its own hash): only the next link can tell.
    with db.Session.begin() as session:
        row = session.get(RunManifestRow, nights[1])
        assert row is not None
        data = json.loads(row.manifest)
        data["municipios"][TOLUCA]["resultados"] = 3
        row.manifest = canonical_json(data)
        row.manifest_hash = sha256_text(row.manifest)
    code, output = verify(db, archive)
    assert code == 1
    assert (
        f"El manifiesto de la corrida {third} no enlaza con el de la {nights[1]}: el de la {nights[1]} cambió "
        "después de encadenarse." in output
    )
    assert f"Corrida {nights[1]}, Toluca ({TOLUCA}): los resultados guardados no coinciden" in output


def test_a_deleted_manifest_breaks_the_chain(db: Database, archive: Path, nights: tuple[int, int]) -> None:
    third = night(db, archive, SECOND)
    with db.Session.begin() as session:
        session.execute(delete(RunManifestRow).where(RunManifestRow.run_id == nights[1]))
    code, output = verify(db, archive)
    assert code == 1
    assert (
        f"El manifiesto de la corrida {third} no enlaza con el de la {nights[0]}: enlaza con el de la corrida "
        f"{nights[1]}, que ya no está en la base." in output
    )
    assert f"La corrida {nights[1]} terminó completa después de que empezó la cadena y no tiene manifiesto" in output


def test_a_run_no_longer_complete_is_named(db: Database, archive: Path, nights: tuple[int, int]) -> None:
    with db.Session.begin() as session:
        session.execute(update(RunRow).where(RunRow.id == nights[0]).values(status="partial"))
    code, output = verify(db, archive)
    assert code == 1
    assert f"La corrida {nights[0]} ya no figura como completa (estado: partial)." in output


def test_a_missing_warc_file_is_named_once(db: Database, archive: Path, nights: tuple[int, int]) -> None:
    rows = records_of(db, nights[0])
    (archive / rows[0].warc_file).unlink()
    code, output = verify(db, archive)
    assert code == 1
    ids = ", ".join(str(row.id) for row in rows)
    assert f"Archivo {rows[0].warc_file}: archivo faltante (los registros {ids})." in output


def test_thinned_records_are_not_tampering(db: Database, archive: Path, nights: tuple[int, int]) -> None:
    rows = records_of(db, nights[0])
    (archive / rows[0].warc_file).unlink()
    lines = [json.dumps({"id": row.id, "sha256": row.sha256, "fecha": "2027-12-01", "regla": "edad"}) for row in rows]
    (archive / THINNED_FILE).write_text("\n".join(["", "no es json", *lines, "[1, 2]"]) + "\n", encoding="utf-8")
    code, output = verify(db, archive)
    assert code == 0, output
    assert "2 depurados por la política de retención" in output
    assert "Todo coincide." in output


def test_a_thinned_entry_with_another_digest_is_tampering(db: Database, archive: Path, nights: tuple[int, int]) -> None:
    rows = records_of(db, nights[0])
    (archive / rows[0].warc_file).unlink()
    entries = [{"id": row.id, "sha256": row.sha256 if row.cve_inegi == TOLUCA else "ab" * 32} for row in rows]
    (archive / THINNED_FILE).write_text("\n".join(json.dumps(e) for e in entries), encoding="utf-8")
    code, output = verify(db, archive)
    assert code == 1
    assert "figura como depurado, pero con otro contenido (abababababab…)." in output
    assert "1 depurado por la política de retención" in output


def test_the_thinned_list_is_read_tolerantly(tmp_path: Path) -> None:
    assert thinned_records(tmp_path) == {}
    text = '{"id": 3, "sha256": "AB"}\n{"id": true}\n{"id": "4"}\nbasura\n{"id": 5}\n'
    (tmp_path / THINNED_FILE).write_text(text, encoding="utf-8")
    assert thinned_records(tmp_path) == {3: "ab", 5: ""}


def test_since_limits_the_deep_check_to_later_runs(db: Database, archive: Path, nights: tuple[int, int]) -> None:
    flip_byte(archive, record(db, records_of(db, nights[0])[0].id))
    code, output = verify(db, archive, "--desde", "2999-01-01")
    assert code == 0, output
    assert "0 corridas" in output and "2 manifiestos" in output
    code, output = verify(db, archive, "--desde", "2000-01-01")
    assert code == 1


def test_a_bad_date_is_a_usage_error(db: Database, archive: Path) -> None:
    code, output = verify(db, archive, "--desde", "ayer")
    assert code == 2
    assert "La fecha de --desde «ayer» no es válida" in output


def test_a_published_head_catches_a_chain_rewritten_from_scratch(
    db: Database, archive: Path, nights: tuple[int, int]
) -> None:
    head = chain_head(db)
    assert head is not None
    code, output = verify(db, archive, "--cabeza", head.manifest_hash.upper())
    assert code == 0, output
    # Someone with write access edits a result and rebuilds every manifest consistently: only the copy outside the
    # database can tell.
    with db.Session.begin() as session:
        session.execute(
            update(CheckResultRow)
            .where(CheckResultRow.run_id == nights[0], CheckResultRow.cve_inegi == METEPEC)
            .values(status="cumple")
        )
        session.execute(delete(RunManifestRow))
        conn = session.connection()
        for run_id in nights:
            finished = conn.scalar(select(RunRow.finished_at).where(RunRow.id == run_id))
            assert finished is not None
            write_manifest(conn, run_id, finished)
    code, output = verify(db, archive)
    assert code == 0, output
    code, output = verify(db, archive, "--cabeza", head.manifest_hash)
    assert code == 1
    assert f"La cabeza publicada {head.manifest_hash} no está en la cadena" in output


def test_a_wrong_archive_folder_is_pointed_out(db: Database, tmp_path: Path, nights: tuple[int, int]) -> None:
    code, output = verify(db, tmp_path / "otra")
    assert code == 1
    assert "no existe: si el archivo está en otra, indíquela con --archivo." in output
    assert "archivo faltante" in output
