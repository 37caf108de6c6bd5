"""Candidate hosts from names, link attribution by longest name, and the discovery rules' validation."""

from __future__ import annotations

from dataclasses import replace

import pytest

from checks.identity import IdentityContext
from config.discovery import load_rules, parse_rules
from config.registry import load_registry
from core.errors import ConfigError
from spiders.descubrir.candidates import NameFinder, name_variants, pattern_hosts

RULES = load_rules()
REGISTRY = load_registry()
BY_NAME = {m.nombre: m for m in REGISTRY}


@pytest.mark.parametrize(
    ("nombre", "expected"),
    [
        ("Atizapán de Zaragoza", ["atizapandezaragoza", "atizapanzaragoza", "atizapan"]),
        ("Tlalnepantla de Baz", ["tlalnepantladebaz", "tlalnepantlabaz", "tlalnepantla"]),
        ("San Mateo Atenco", ["sanmateoatenco", "sanmateo"]),
        ("Metepec", ["metepec"]),
        ("La Paz", ["lapaz"]),
    ],
)
def test_name_variants_cover_the_common_forms(nombre: str, expected: list[str]) -> None:
    assert name_variants(nombre, RULES) == expected


def test_generic_first_words_are_never_a_variant_alone() -> None:
    variants = name_variants("Valle de Chalco Solidaridad", RULES)
    assert "valle" not in variants and "vallechalco" in variants


def test_every_municipality_gets_its_full_name_under_every_template() -> None:
    for m in REGISTRY:
        hosts = dict(pattern_hosts(m, RULES))
        full = name_variants(m.nombre, RULES)[0]
        for template in RULES.plantillas:
            assert template.replace("{n}", full) in hosts, (m.nombre, template)
        assert all(h.isascii() and " " not in h for h in hosts), m.nombre


@pytest.mark.parametrize(
    ("text", "nombre"),
    [
        ("Valle de Chalco Solidaridad — sitio web", "Valle de Chalco Solidaridad"),
        ("Chalco: www.chalco.gob.mx", "Chalco"),
        ("H. Ayuntamiento de Ecatepec de Morelos", "Ecatepec de Morelos"),
        ("Municipio de Morelos", "Morelos"),
        ("TLALNEPANTLA DE BAZ", "Tlalnepantla de Baz"),
    ],
)
def test_links_are_attributed_to_the_longest_name(text: str, nombre: str) -> None:
    assert NameFinder(REGISTRY).find(text) == BY_NAME[nombre].cve_inegi


def test_a_label_naming_no_municipality_is_nobodys() -> None:
    assert NameFinder(REGISTRY).find("Gobierno del Estado de México — Trámites") is None


def test_registry_slugs_come_from_the_operators_ipomex_addresses() -> None:
    slugs = {k: v for k, v in IdentityContext.load(REGISTRY).ipomex_keys.items() if not k.isdigit()}
    assert slugs["metepec"] == BY_NAME["Metepec"].cve_inegi
    assert len(slugs) == sum(1 for m in REGISTRY if m.ipomex_url)


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("largo_minimo: 1\n", "largo_minimo"),
        ("largo_minimo: 5\nconectores: [de]\ngenericas: [san]\nplantillas: ['gob.mx']\n", "plantillas"),
    ],
)
def test_bad_rules_name_the_field(text: str, field: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse_rules(text, "descubrimiento.yaml")
    assert info.value.field == field and "descubrimiento.yaml" in str(info.value)


def test_an_official_page_needs_its_source() -> None:
    base = (
        "largo_minimo: 5\nconectores: [de]\ngenericas: [san]\nplantillas: ['{n}.gob.mx']\nredes_sociales: [x.com]\n"
        "no_municipales: [gob.mx]\npaginas_oficiales:\n  - url: https://edomex.gob.mx/municipios\n"
    )
    with pytest.raises(ConfigError) as info:
        parse_rules(base, "descubrimiento.yaml")
    assert info.value.field == "paginas_oficiales[1]"


def test_a_simulated_portal_address_gives_its_slug_too() -> None:
    town = replace(BY_NAME["Lerma"], ipomex_url="http://127.0.0.1:8123/ipo3/lgt/indice/LERMA.web")
    assert IdentityContext.load([town]).ipomex_keys["lerma"] == town.cve_inegi
