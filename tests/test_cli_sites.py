"""`vigia sitios` and `vigia municipios --cruce`: decisions recorded with who and when, candidates listed with their
Spanish evidence, the crosswalk with sources, and bad input stopped with a Spanish message and nothing stored."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from storage.db import Database
from storage.site_types import Evidencia, Proof
from storage.sites import decisions, record_crosswalk_fact, record_proofs
from vigia.cli import app

DNS = {"lerma.gob.mx": "11.0.0.5", "www.lerma.gob.mx": "11.0.0.6", "interno.lerma.gob.mx": "10.1.2.3"}
AT = datetime(2026, 10, 1, 12, 0, tzinfo=UTC)


def invoke(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, list(args), env={"COLUMNS": "200", "VIGIA_DNS_OVERRIDES": json.dumps(DNS)})


def _url(db: Database) -> str:
    return db.engine.url.render_as_string(hide_password=False)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("confirmar", "15051", "file:///etc/passwd"), "no es una dirección http(s) válida"),
        (("confirmar", "15051", "lerma.gob.mx"), "no es una dirección http(s) válida"),
        (("confirmar", "15051", "http://192.168.0.10/"), "dirección privada, local o reservada (192.168.0.10)"),
        (("confirmar", "15051", "http://[::1]:8000/"), "dirección privada, local o reservada (::1)"),
        (("confirmar", "15051", "http://0x7f.1/"), "dirección privada, local o reservada (127.0.0.1)"),
        (("confirmar", "15051", "https://interno.lerma.gob.mx/"), "dirección privada, local o reservada (10.1.2.3)"),
        (("confirmar", "15999", "https://lerma.gob.mx/"), "No encuentro el municipio «15999»"),
        (("confirmar", "15051", "https://lerma.gob.mx/", "--administracion", "2025"), "periodo municipal"),
        (("rechazar", "Gotham", "https://lerma.gob.mx/", "--nota", "x"), "No encuentro el municipio «Gotham»"),
        (("rechazar", "15051", "https://lerma.gob.mx/"), "Falta --nota"),
        (("sin-sitio", "15051"), "Falta --nota"),
        (("historial", "Gotham"), "No encuentro el municipio «Gotham»"),
    ],
)
def test_bad_input_stops_in_spanish_and_stores_nothing(db: Database, args: tuple[str, ...], message: str) -> None:
    result = invoke("sitios", *args, "--db", _url(db))
    assert result.exit_code != 0 and result.stdout == ""
    assert message in " ".join(result.stderr.split()) and "Traceback" not in result.stderr
    assert decisions(db, "15051") == []


def test_an_unreachable_database_is_explained(vigia_home: Path) -> None:
    result = invoke("sitios", "confirmar", "15051", "https://lerma.gob.mx/", "--db", "sqlite:////no/such/dir/x.db")
    assert result.exit_code == 3 and "la carpeta" in result.stderr and "Traceback" not in result.stderr


def test_confirm_a_domain_change_and_read_the_history(db: Database) -> None:
    first = invoke("sitios", "confirmar", "Lerma", "https://lerma.gob.mx/", "--nota", "escudo", "--auditor", "ana",
                   "--administracion", "2025-2027", "--db", _url(db))  # fmt: skip
    assert first.exit_code == 0 and "https://lerma.gob.mx/ es su sitio oficial" in first.stdout
    assert "confirmado por ana" in first.stdout
    assert invoke("sitios", "confirmar", "15051", "https://www.lerma.gob.mx/", "--db", _url(db)).exit_code == 0
    history = json.loads(invoke("sitios", "historial", "15051", "--format", "json", "--db", _url(db)).stdout)
    periods = history["periodos"]
    assert [(p["url"], p["hasta"] is None, p["administracion"]) for p in periods] == [
        ("https://lerma.gob.mx/", False, "2025-2027"),
        ("https://www.lerma.gob.mx/", True, None),
    ]
    assert periods[0]["hasta"] == periods[1]["desde"]
    assert history["decisiones"][0] | {"fecha": None} == {
        "decision": "confirmar",
        "url": "https://lerma.gob.mx/",
        "presencia": "sitio",
        "auditor": "ana",
        "fecha": None,
        "nota": "escudo",
        "administracion": "2025-2027",
    }
    # The default auditor is the OS user.
    assert history["decisiones"][1]["auditor"]
    rejected = invoke("sitios", "rechazar", "15051", "https://www.lerma.gob.mx/", "--nota", "casino", "--db", _url(db))
    assert rejected.exit_code == 0
    listing = json.loads(invoke("sitios", "-m", "15051", "--format", "json", "--db", _url(db)).stdout)
    assert listing[0]["oficial"] == [] and listing[0]["sitio_estado"] == "desconocido"


def test_no_site_is_inexistente_not_unknown(db: Database) -> None:
    assert invoke("sitios", "sin-sitio", "15066", "--nota", "sólo Facebook", "--db", _url(db)).exit_code == 0
    rows = json.loads(invoke("sitios", "-m", "15066", "-m", "15067", "--format", "json", "--db", _url(db)).stdout)
    assert [r["sitio_estado"] for r in rows] == ["inexistente", "desconocido"]


def _proofs(db: Database) -> None:
    evidence = [Evidencia("names_municipality", 40, "El título dice «H. Ayuntamiento de Lerma»")]
    record_proofs(
        db,
        [
            Proof(
                "15051",
                "https://lerma.gob.mx/",
                "patron",
                85,
                "probable",
                evidence,
                AT,
                origen_detalle="<nombre>.gob.mx",
            ),
            Proof("15051", "https://lerma.com/", "patron", -40, "descartado", [], AT, alarma="estacionado"),
            Proof("15106", "https://toluca.gob.mx/", "referencia", 90, "probable", evidence, AT),
        ],
    )


def test_listing_shows_candidates_with_evidence_and_the_official_site(db: Database) -> None:
    _proofs(db)
    rows = json.loads(invoke("sitios", "--veredicto", "probable", "--format", "json", "--db", _url(db)).stdout)
    assert len(rows) == 125
    lerma = next(r for r in rows if r["cve_inegi"] == "15051")
    toluca = next(r for r in rows if r["cve_inegi"] == "15106")
    assert [(c["url"], c["puntaje"], c["origen"]) for c in lerma["candidatos"]] == [
        ("https://lerma.gob.mx/", 85, "patron")
    ]
    assert lerma["candidatos"][0]["evidencias"][0]["texto"] == "El título dice «H. Ayuntamiento de Lerma»"
    assert toluca["oficial"][0] | {"desde": None} == {
        "url": "https://toluca.gob.mx/",
        "presencia": "sitio",
        "fuente": "config/municipios.csv",
        "desde": None,
    }
    table = invoke("sitios", "-m", "Lerma", "--db", _url(db)).stdout
    assert "El título dice «H. Ayuntamiento de Lerma»" in table and "estacionado" in table
    lines = invoke("sitios", "-m", "Lerma", "--format", "csv", "--db", _url(db)).stdout.splitlines()
    assert lines[0].startswith("nombre,cve_inegi,url") and len(lines) == 3


def test_municipios_cruce_shows_each_identifier_with_source_and_date(db: Database) -> None:
    record_crosswalk_fact(db, "15051", "ipomex3_slug", "LERMA", "enlace en https://lerma.gob.mx/", AT.date(), AT)
    invoke("sitios", "confirmar", "15051", "https://lerma.gob.mx/", "--auditor", "ana", "--db", _url(db))
    rows = json.loads(invoke("municipios", "--cruce", "--format", "json", "--db", _url(db)).stdout)
    by_cve = {r["cve_inegi"]: r["cruce"] for r in rows}
    assert len(rows) == 125
    assert by_cve["15051"]["ipomex3_slug"] == [
        {
            "valor": "LERMA",
            "fuente": "enlace en https://lerma.gob.mx/",
            "fecha": "2026-10-01",
            "origen": "descubrimiento",
        }
    ]
    assert by_cve["15051"]["sitio_oficial"][0]["origen"] == "auditor"
    assert by_cve["15054"]["ipomex4_id"][0] == {
        "valor": "146",
        "fuente": "config/municipios.csv (ipomex4_id)",
        "fecha": None,
        "origen": "config",
    }
    csv_lines = invoke("municipios", "--cruce", "--format", "csv", "--db", _url(db)).stdout.splitlines()
    assert csv_lines[0] == "cve_inegi,nombre,campo,valor,fuente,fecha,origen"
    assert any(line.startswith("15104,Tlalnepantla de Baz,ipomex_legado_slug,tlalnepantla,") for line in csv_lines)
    table = invoke("municipios", "--cruce", "--db", _url(db)).stdout
    assert "Cruce de identificadores: 125 municipios" in table and "METEPEC" in table
