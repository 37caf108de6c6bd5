"""The project catalogue: loads, matches the shared auditor catalogue, and rejects invalid files precisely."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from checks.catalogue import load_catalogue, parse_catalogue
from checks.kinds import KINDS
from config import paths
from core.errors import ConfigError

from .conftest import SHARED, evaluate

# Added by issue 17 (working channels, service transparency, site quality); the shared contract does not list them yet.
# Checks added by issue 17 that the auditors' contract (../shared/spec/checks.yaml) does not list yet.
PENDING_CONTRACT = frozenset(
    {
        "canal.formulario_funcional",
        "tramites.transparencia",
        "sitio.enlaces_rotos",
        "sitio.accesibilidad_basica",
        "canal.telefono_valido",
        "canal.correo_entregable",
        "canal.whatsapp_valido",
        "canal.redes_sociales_perfil",
        "sitio.actualizacion_mes",
        "sitio.mapa_sitio",
        "transparencia.presupuesto",
        "transparencia.licitaciones",
        "transparencia.datos_abiertos_metadatos",
        "transparencia.organigrama",
    }
)

GOOD_ENTRY = """
  - id: canal.telefono
    seed: P3
    scope: site
    label: "Teléfono"
    kind: phone
    losi: {criterion: content_provision}
"""


def test_default_catalogue_loads_in_order(catalogue):
    ids = [spec.id for spec in catalogue.checks]
    assert ids[0] == "sitio.disponible" and len(ids) == len(set(ids)) == 29 + len(PENDING_CONTRACT)
    assert catalogue.get("canal.telefono").kind == "phone"
    assert all(spec.kind in KINDS and spec.weight > 0 for spec in catalogue.checks)
    assert [s.id for s in catalogue.site_checks()] == ids
    assert load_catalogue() is load_catalogue()  # cached default
    with pytest.raises(KeyError):
        catalogue.get("no.existe")


# Checks added for the LOSI indicators (issue 17, docs/losi.md) that the auditors' shared contract does not list yet;
# once it does, the comparison below holds them to its seed, scope and label like every other check.


def test_every_shared_check_is_implemented_and_vice_versa(catalogue):
    shared = SHARED / "spec" / "checks.yaml"
    if not shared.exists():
        pytest.skip("no está la carpeta compartida con el catálogo de los auditores")
    contract = {c["id"]: c for c in yaml.safe_load(shared.read_text(encoding="utf-8"))["checks"]}
    ours = {spec.id: spec for spec in catalogue.checks}
    # Checks added by issue 17 wait for the auditors to add them to their contract; nothing else may differ.
    assert set(ours) - set(contract) <= PENDING_CONTRACT and set(contract) <= set(ours)
    for check_id, entry in contract.items():
        spec = ours[check_id]
        assert (spec.seed, spec.scope, spec.label) == (entry["seed"], entry["scope"], entry["label"]), check_id


def _error(text: str) -> ConfigError:
    with pytest.raises(ConfigError) as caught:
        parse_catalogue(text, "prueba.yaml")
    return caught.value


@pytest.mark.parametrize(
    ("change", "field", "fragment"),
    [
        (("kind: phone", "kind: telepatia"), "kind", "desconocido"),
        (("seed: P3", "seed: P9"), "seed", "no es un valor permitido"),
        (("scope: site", "scope: galaxia"), "scope", "no es un valor permitido"),
        (("id: canal.telefono", "id: Telefono"), "id", "no es un id válido"),
        (('label: "Teléfono"', 'label: ""'), "label", "obligatorio"),
        (("kind: phone", "kind: phone\n    weight: -1"), "weight", "positivo"),
        (("kind: phone", "kind: phone\n    color: azul"), "color", "campo desconocido"),
        (("kind: phone", "kind: phone\n    params: {patrones: [x]}"), "params.patrones", "desconocido"),
        (("kind: phone", "kind: keyword\n    params: {patterns: ['(']}"), "params.patterns", "expresión regular"),
        (("kind: phone", "kind: keyword\n    params: {match_urls: true}"), "params.patterns", "al menos uno"),
        (("kind: phone", "kind: keyword\n    params: {patterns: 'x'}"), "params.patterns", "lista"),
        (("kind: phone", "kind: recent_content\n    params: {days: 0}"), "params.days", "entero"),
    ],
)
def test_invalid_entries_name_field_and_line(change, field, fragment):
    text = "checks:" + GOOD_ENTRY.replace(*change)
    error = _error(text)
    assert error.field == field and fragment in error.problem
    assert error.path == "prueba.yaml" and error.line is not None and error.line >= 2


def test_duplicate_id_points_at_second_entry():
    error = _error("checks:" + GOOD_ENTRY + GOOD_ENTRY)
    assert error.field == "id" and "repetido" in error.problem and error.line == 9


def test_structural_errors():
    assert _error("checks: []").field == "checks"
    assert "YAML inválido" in _error("checks: [").problem
    assert "diccionario" in _error("checks:\n  - solo texto\n").problem


def test_unreadable_file(tmp_path: Path):
    with pytest.raises(ConfigError) as caught:
        load_catalogue(tmp_path / "no-existe.yaml")
    assert caught.value.problem == "el archivo no existe"


def test_new_check_reusing_a_kind_is_a_yaml_change(tmp_path: Path):
    text = (
        paths.CATALOGUE.read_text(encoding="utf-8")
        + """
  - id: participacion.consulta_popular
    seed: P2
    scope: site
    label: "Consulta popular"
    kind: keyword
    losi: {criterion: participation_engagement}
    params:
      text_patterns: ["consultas? popular(?:es)?"]
"""
    )
    path = tmp_path / "checks.yaml"
    path.write_text(text, encoding="utf-8")
    custom = load_catalogue(path)
    assert custom.get("participacion.consulta_popular").seed == "P2"
    results = evaluate("<p>Resultados de la Consulta Popular 2026</p>", catalogue=custom)
    assert results["participacion.consulta_popular"].status == "cumple"
