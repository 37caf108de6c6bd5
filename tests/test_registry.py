"""The municipal registry: every row valid, faithful to the shared reference data, and bad rows named."""

from __future__ import annotations

import csv

import pytest

from config.registry import (
    GRADOS_MARGINACION,
    UnknownMunicipalityError,
    load_registry,
    parse_registry,
    select,
    valid_http_url,
)
from core.errors import ConfigError
from tests.conftest import shared_path

HEADER = (
    "cve_inegi,nombre,cabecera,poblacion_2020,conapo_im_2020,conapo_gm_2020,region,sitio_web,sitio_estado,"
    "ipomex_url,ipomex4_id"
)
GOOD = "15106,Toluca,Toluca de Lerdo,910608,59.28,Muy bajo,,https://toluca.gob.mx/,confirmado,,"


def test_registry_has_all_125_municipalities_in_order() -> None:
    registry = load_registry()
    assert [m.cve_inegi for m in registry] == [str(c) for c in range(15001, 15126)]


@pytest.mark.parametrize("municipality", load_registry(), ids=lambda m: m.cve_inegi)
def test_every_row_is_well_formed(municipality) -> None:  # type: ignore[no-untyped-def]
    assert municipality.nombre and municipality.cabecera and municipality.poblacion_2020 > 0
    assert municipality.conapo_gm_2020 in GRADOS_MARGINACION
    if municipality.sitio_estado == "confirmado":
        assert municipality.sitio_web and valid_http_url(municipality.sitio_web)
    else:
        assert municipality.sitio_estado == "desconocido" and municipality.sitio_web is None


def test_registry_matches_shared_reference_data() -> None:
    source = shared_path("data", "municipios_edomex.csv")
    rows = {r["cve_inegi"]: r for r in csv.DictReader(source.open(encoding="utf-8"))}
    for m in load_registry():
        row = rows[m.cve_inegi]
        assert (m.nombre, m.poblacion_2020, m.conapo_gm_2020) == (
            row["nombre"],
            int(row["poblacion_2020"]),
            row["conapo_gm_2020"],
        )
        assert (m.sitio_web or "") == row["sitio_web"]


@pytest.mark.parametrize(
    ("row", "line", "field"),
    [
        ("15106,Toluca,Toluca de Lerdo,910608,59.28,Muy bajo,,toluca.gob.mx,confirmado,,", 2, "sitio_web"),
        ("15999,X,X,1,1,Bajo,,,desconocido,,", 2, "cve_inegi"),
        ("15106,Toluca,Toluca de Lerdo,910608,59.28,Regular,,,desconocido,,", 2, "conapo_gm_2020"),
        ("15106,Toluca,Toluca de Lerdo,muchos,59.28,Bajo,,,desconocido,,", 2, "poblacion_2020"),
        ("15106,Toluca,Toluca de Lerdo,910608,59.28,Bajo,,,confirmado,,", 2, "sitio_estado"),
        ("15106,,Toluca de Lerdo,910608,59.28,Bajo,,,desconocido,,", 2, "nombre"),
    ],
)
def test_bad_rows_name_file_line_and_field(row: str, line: int, field: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_registry(f"{HEADER}\n{row}\n", "municipios.csv")
    assert (caught.value.path, caught.value.line, caught.value.field) == ("municipios.csv", line, field)
    assert "municipios.csv, línea" in str(caught.value)


def test_duplicate_clave_is_rejected_with_both_lines() -> None:
    with pytest.raises(ConfigError, match=r"repetida.*línea 3"):
        parse_registry(f"# comentario\n{HEADER}\n{GOOD}\n{GOOD}\n")


def test_missing_column_is_reported() -> None:
    with pytest.raises(ConfigError, match="falta la columna"):
        parse_registry("cve_inegi,nombre\n15106,Toluca\n")


def test_select_by_clave_short_clave_and_name_without_accents() -> None:
    registry = load_registry()
    chosen = select(registry, ["15106", "13", "naucalpan de juarez"])
    assert [m.nombre for m in chosen] == ["Toluca", "Atizapán de Zaragoza", "Naucalpan de Juárez"]
    with pytest.raises(UnknownMunicipalityError, match="vigia municipios"):
        select(registry, ["Gotham"])
