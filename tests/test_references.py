"""The PNT names and the candidate presences: every row valid and faithful to ../shared, bad rows named by file, line
and field; the crosswalk's config facts; the registry's «inexistente»."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from config.crosswalk import CAMPOS, load_config_crosswalk
from config.references import CANDIDATE_COLUMNS, TIPOS, load_candidates, load_pnt_names
from config.registry import load_registry, parse_registry
from core.errors import ConfigError
from tests.conftest import shared_path

CANDIDATE_HEADER = ",".join(CANDIDATE_COLUMNS)
GOOD_CANDIDATE = "15051,Lerma,sitio,https://lerma.gob.mx/,pie de página,2022,media,"
NAMES = {"15051": "Lerma", "15039": "Ixtapaluca"}


def test_every_pnt_row_is_valid_and_matches_the_shared_list() -> None:
    names = load_pnt_names()
    source = shared_path("data", "sujetos_pnt.csv")
    lines = [line for line in source.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    shared = {r["cve_inegi"]: r["nombre_pnt"] for r in csv.DictReader(lines)}
    assert len(names) == 125 and {c: n.nombre_pnt for c, n in names.items()} == shared
    assert all(n.id_pnt is None for n in names.values())  # unknown, never guessed


def test_every_candidate_row_is_valid_and_keeps_its_source() -> None:
    candidates = load_candidates()
    source = shared_path("data", "sitios_candidatos.csv")
    lines = [line for line in source.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    shared = [(r["cve_inegi"], r["tipo"], r["url"]) for r in csv.DictReader(lines)]
    assert [(c.cve_inegi, c.tipo, c.url or "") for c in candidates] == shared
    assert all(c.tipo in TIPOS and c.fuente for c in candidates)


def _write(tmp_path: Path, *rows: str, header: str = CANDIDATE_HEADER) -> Path:
    path = tmp_path / "sitios_candidatos.csv"
    path.write_text("# comentario\n" + "\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("row", "field"),
    [
        ("1505,Lerma,sitio,https://lerma.gob.mx/,f,2022,media,", "cve_inegi"),
        ("15052,Malinalco,sitio,https://malinalco.gob.mx/,f,2022,media,", "cve_inegi"),  # not in the given registry
        ("15051,Toluca,sitio,https://lerma.gob.mx/,f,2022,media,", "municipio"),
        ("15051,Lerma,portal,https://lerma.gob.mx/,f,2022,media,", "tipo"),
        ("15051,Lerma,sitio,lerma.gob.mx,f,2022,media,", "url"),
        ("15051,Lerma,sitio,http://10.0.0.8/,f,2022,media,", "url"),
        ("15051,Lerma,dominio,https://lerma.gob.mx/,f,2022,media,", "url"),
        ("15051,Lerma,nota,https://lerma.gob.mx/,f,2022,media,", "url"),
        ("15051,Lerma,ipomex_legado,https://www.ipomex.org.mx/ipo3/lgt/indice/LERMA.web,f,2022,media,", "url"),
        ("15051,Lerma,sitio,https://lerma.gob.mx/,,2022,media,", "fuente"),
        ("15051,Lerma,sitio,https://lerma.gob.mx/,f,2022-13,media,", "fecha_fuente"),
        ("15051,Lerma,sitio,https://lerma.gob.mx/,f,undated,media,", "fecha_fuente"),
        ("15051,Lerma,sitio,https://lerma.gob.mx/,f,2022,segura,", "confianza"),
    ],
)
def test_bad_candidate_rows_name_file_line_and_field(tmp_path: Path, row: str, field: str) -> None:
    path = _write(tmp_path, GOOD_CANDIDATE, row)
    with pytest.raises(ConfigError) as caught:
        load_candidates(path, NAMES)
    assert (caught.value.path, caught.value.line, caught.value.field) == (str(path), 4, field)
    assert f"{path}, línea 4, campo «{field}»" in str(caught.value)


def test_candidate_dates_take_a_year_a_month_a_day_or_none(tmp_path: Path) -> None:
    rows = [GOOD_CANDIDATE.replace("2022", d) for d in ("2025", "2026-06", "2026-06-13", "sin fecha")]
    path = _write(tmp_path, *rows, "15039,Ixtapaluca,dominio,Ixtapaluca.gob.mx,correo,sin fecha,baja,")
    found = load_candidates(path, NAMES)
    assert [c.fecha_fuente for c in found] == ["2025", "2026-06", "2026-06-13", None, None]
    assert found[-1].url == "ixtapaluca.gob.mx"


def test_a_missing_column_names_the_header_line(tmp_path: Path) -> None:
    path = _write(tmp_path, header=CANDIDATE_HEADER.replace(",confianza", ""))
    with pytest.raises(ConfigError) as caught:
        load_candidates(path, NAMES)
    assert (caught.value.line, caught.value.field) == (2, "confianza")


@pytest.mark.parametrize(
    ("rows", "line", "field"),
    [
        (["15051,Lerma,", "15051,Lerma,"], 4, "cve_inegi"),
        (["15051,Lerma,x1", "15039,Ixtapaluca,"], 3, "id_pnt"),
        (["15051,,", "15039,Ixtapaluca,"], 3, "nombre_pnt"),
        (["15051,Lerma,"], None, "cve_inegi"),  # Ixtapaluca is missing
    ],
)
def test_bad_pnt_rows_name_file_line_and_field(tmp_path: Path, rows: list[str], line: int | None, field: str) -> None:
    path = tmp_path / "sujetos_pnt.csv"
    path.write_text("# comentario\ncve_inegi,nombre_pnt,id_pnt\n" + "\n".join(rows) + "\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_pnt_names(path, set(NAMES))
    assert (caught.value.path, caught.value.line, caught.value.field) == (str(path), line, field)


def test_config_crosswalk_takes_each_identifier_from_its_file() -> None:
    facts = load_config_crosswalk(load_registry())
    assert len(facts) == 125 and all(f.campo in CAMPOS and f.origen == "config" for fs in facts.values() for f in fs)
    metepec = {f.campo: f.valor for f in facts["15054"]}
    assert metepec == {
        "nombre_pnt": "Metepec",
        "ipomex3_slug": "METEPEC",
        "ipomex4_id": "146",
        "sitio_oficial": "https://metepec.gob.mx/",
    }
    # La Paz's registry address is a legacy index; Tlalnepantla's legacy slug comes from a candidate with its line.
    assert {f.campo: f.valor for f in facts["15070"]}["ipomex_legado_slug"] == "lapaz"
    (tlalnepantla,) = [f for f in facts["15104"] if f.campo == "ipomex_legado_slug"]
    assert (tlalnepantla.valor, tlalnepantla.fuente) == ("tlalnepantla", "config/sitios_candidatos.csv, línea 19")
    # Candidates that are not IPOMEX indexes are not facts.
    assert [f.campo for f in facts["15051"]] == ["nombre_pnt"]


HEADER = (
    "cve_inegi,nombre,cabecera,poblacion_2020,conapo_im_2020,conapo_gm_2020,region,sitio_web,sitio_estado,"
    "ipomex_url,ipomex4_id"
)


def test_inexistente_requires_an_empty_site() -> None:
    (m,) = parse_registry(f"{HEADER}\n15066,Otzoloapan,Otzoloapan,4891,54.0,Medio,,,inexistente,,\n")
    assert m.sitio_estado == "inexistente"
    with pytest.raises(ConfigError) as caught:
        parse_registry(f"{HEADER}\n15066,Otzoloapan,Otzoloapan,4891,54.0,Medio,,https://o.gob.mx/,inexistente,,\n")
    assert caught.value.field == "sitio_estado"
