"""Real-world forms (simulator.variants): every class is written somewhere, and none changes what is true."""

from __future__ import annotations

import random
import re

import lxml.html
import pytest

from simulator import World, build_world
from simulator.catalogue import PROBE_CHECKS
from simulator.jsmenu import js_menu
from simulator.model import SimSite
from simulator.phrasing import Phone
from simulator.variant_forms import phone_form
from simulator.variants import BROKEN_CLASSES, CLASSES, Variants
from tests.simulator.conftest import RUN_DATE
from tests.simulator.evidence_audit import decode, read

# What each option leaves in the served bytes (decoded), so a test can see it was really written.
MARKERS: dict[str, str] = {
    "reporte.lineas_cortas": r"class='lineas-cortas'.*Reporta al <strong>072</strong>.*Emergencias <strong>911</strong>",
    "reporte.texto_072": r"Reporta al (<strong>)?072",
    "pagos.externo": r'href="https://(sfpya\.edomexico\.gob\.mx|[a-z]+\.pagosmunicipales\.com\.mx|tesoreria\.)',
    "reporte.formulario_externo": r'href="https://(docs\.google\.com/forms/d/e/1FAIpQLS[\w-]+/viewform|forms\.gle/)',
    "denuncia.formulario_externo": r'href="https://(docs\.google\.com/forms/d/e/1FAIpQLS[\w-]+/viewform|forms\.gle/)',
    "transparencia.portal_estatal": r'href="https://(www\.infoem\.org\.mx|transparencia\.edomex\.gob\.mx)/',
    "bando.nombre": r"Bando de Policía",
    "cabildo.asamblea": r"de la Asamblea|Asamblea Municipal",
    "unidad.nombre": r"(Coordinación|Departamento|Dirección) de Transparencia",
    "solicitudes.frase": r"Solicita información|¿Quieres saber algo del Ayuntamiento\?|Derecho de [Aa]cceso a la",
    "aviso.nombre": r"(?i)anuncio de privacidad",
    "conac.contenidos": r"Información financiera trimestral|Estados financieros|Balanza de Comprobación",
    "menu.javascript": r"document\.write\(|JSON\.parse\(",
    "boton.imagen": r'<a href="[^"]+"><img src="/img/banner-\w+\.jpg" alt="[^"]+"></a>',
    "iframe": r'<iframe src="/embebidos/[\w-]+\.html"',
    "sonda.telefono_relleno": r"<p class='telefono'>Teléfono: \((\d{2,3}\) 5{3,4} 5555|100\) 214 9035)</p>",
    "sonda.whatsapp_roto": r"(wa\.me/|phone=\+?)52\d{7}\b",
    "sonda.correo_sin_mx": r"admon[a-z]+\.com\.mx",
}
PHONES: dict[str, str] = {
    "local8_espacio": r"[\w.:] \d{4} \d{4}(?![\d ])",
    "local8_corrido": r"[\w.:] \d{8}(?!\d)",
    "uno_dos": r"\(\d{3}\) \d-\d{2}-\d{2}-\d{2}\b",
    "dos_uno": r"\(\d{3}\) \d{2}-\d-\d{2}-\d{2}\b",
    "puntos": r"\b\d{3}\.\d{3}\.\d{4}\b",
    "movil": r"\+52 1 \d{3} \d{3} \d{4}",
    "enlace_vacio": r'<a (href=""|href="#" class="telefono"|class="tel")>[^<]*\d{4}</a>',
}


def served_text(site: SimSite) -> str:
    """Every HTML resource of a site as served and as a browser shows it after its scripts, decoded."""
    bodies = [r.body for r in site.resources.values() if (r.content_type or "").startswith("text/html")]
    return "\n".join(decode(b) for b in [*bodies, *site.rendered.values()])


@pytest.fixture(scope="module")
def plain(world: World) -> World:
    """The same farm with every site writing the usual forms."""
    return build_world(seed=world.seed, run_date=RUN_DATE, variants=False)


def test_every_class_is_written_for_some_municipality(world: World) -> None:
    used = {name for site in world.sites for name, _ in site.variants}
    assert used == set(CLASSES)
    options = {(name, option) for site in world.sites for name, option in site.variants}
    assert {o for name, o in options if name == "telefono.formato"} == set(CLASSES["telefono.formato"].options)


def test_the_truth_is_the_same_without_variants(world: World, plain: World) -> None:
    def existence(truth: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
        return {cve: {c: s for c, s in checks.items() if c not in PROBE_CHECKS} for cve, checks in truth.items()}

    assert existence(plain.ground_truth) == existence(world.ground_truth)
    # The broken-channel classes change the probes' truth only, and only from what a working channel would give.
    for cve, checks in world.ground_truth.items():
        for check in PROBE_CHECKS:
            if checks[check] != plain.ground_truth[cve][check]:
                assert checks[check] == "no_cumple" and any(n in BROKEN_CLASSES for n, _ in world.site(cve).variants)
    assert all(not site.variants for site in plain.sites)
    assert any(site.variants for site in world.sites)


def test_sites_without_variants_are_unchanged(world: World, plain: World) -> None:
    """The variants draw from a stream of their own: a site writing none is byte-identical to the plain farm."""
    untouched = [s for s in world.sites if not s.variants]
    assert len(untouched) >= 30
    for site in untouched:
        assert site.resources == plain.site(site.cve_inegi).resources, site.cve_inegi


def test_each_written_class_shows_in_the_pages(world: World) -> None:
    for site in world.sites:
        text = served_text(site)
        for name, option in site.variants:
            pattern = PHONES[option] if name == "telefono.formato" else MARKERS[name]
            assert re.search(pattern, text, re.S), f"{site.cve_inegi} {name}={option}"


def test_variants_are_seeded_per_municipality(world: World) -> None:
    cve = next(s.cve_inegi for s in world.sites if len(s.variants) >= 4)
    row = next(m for m in world.municipalities if m.cve_inegi == cve)
    alone = build_world(seed=world.seed, run_date=RUN_DATE, municipalities=[row])
    assert alone.sites[0].variants == world.site(cve).variants
    assert alone.sites[0].resources == world.site(cve).resources


def test_short_lines_are_never_a_phone(world: World) -> None:
    """Sites with 072/911 lines and no published phone exist, and their truth keeps canal.telefono absent."""
    with_lines = [s for s in world.sites if dict(s.variants).get("reporte.lineas_cortas")]
    assert all(world.ground_truth[s.cve_inegi]["canal.reporte_ciudadano"] == "cumple" for s in with_lines)
    phoneless = [s for s in with_lines if world.ground_truth[s.cve_inegi]["canal.telefono"] == "no_cumple"]
    assert phoneless, "no site shows the short lines as its only numbers"
    # A site writing a placeholder phone (sonda.telefono_relleno) shows digits nobody can dial: not a phone either.
    for site in (s for s in phoneless if not dict(s.variants).get("sonda.telefono_relleno")):
        assert not re.search(r"(?:\d[\s().+-]{0,2}){7,}", read(site.dom(site.home_path)).text), site.cve_inegi


def test_outbound_forms_only_where_the_service_is_true(world: World) -> None:
    for site in world.sites:
        truth = world.ground_truth[site.cve_inegi]
        chosen = dict(site.variants)
        if "reporte.formulario_externo" in chosen:
            assert truth["canal.reporte_ciudadano"] == "cumple"
        if "denuncia.formulario_externo" in chosen:
            assert truth["participacion.denuncia_ciudadana"] == "cumple"
        if "pagos.externo" in chosen:
            assert truth["canal.pagos_en_linea"] == "cumple"


def test_script_written_menu_hides_links_from_a_static_reader(world: World) -> None:
    site = next(s for s in world.sites if dict(s.variants).get("menu.javascript"))
    home = site.home_path
    served = {str(h) for h in lxml.html.fromstring(site.resources[home].body).xpath("//a/@href")}
    shown = {str(h) for h in lxml.html.fromstring(site.dom(home)).xpath("//a/@href")}
    assert served < shown
    assert all(href in decode(site.resources[home].body) for href in shown - served if href != "#")


@pytest.mark.parametrize("option", ["document_write", "arreglo"])
@pytest.mark.parametrize("template", ["wordpress", "bootstrap5", "joomla", "table"])
def test_js_menu_keeps_the_page_around_it(template: str, option: str) -> None:
    menus = {
        "wordpress": ('<ul id="primary-menu" class="menu">', "</ul></nav>"),
        "bootstrap5": ('<ul class="navbar-nav me-auto">', "</ul></div></div></nav>"),
        "joomla": ('<ul class="nav menu nav-pills mod-list">', "</ul></nav>"),
        "table": ('<table width="100%">', "</table>"),
    }
    opening, closing = menus[template]
    page = f'<p>antes</p>{opening}<li><a href="/transparencia/">Transparencia</a></li>{closing}<p>después</p>'
    served, dom = js_menu(template, page, option)
    assert "antes" in served and "después" in served and "antes" in dom and "después" in dom
    assert lxml.html.fromstring(served).xpath('//a[@href="/transparencia/"]') == []
    assert [a.text for a in lxml.html.fromstring(dom).xpath('//a[@href="/transparencia/"]')] == ["Transparencia"]


def test_phone_forms_keep_the_digits() -> None:
    phone = Phone("722", "2140033")
    for option, pattern in PHONES.items():
        if option.startswith("local8"):
            continue
        v = Variants(random.Random(1))
        v.decided["telefono.formato"] = option
        shown = phone_form(v, phone, "Tel.", "usual")
        assert re.search(pattern, shown), option
        assert re.sub(r"\D", "", lxml.html.fromstring(f"<p>{shown}</p>").text_content()).endswith("2140033")
    v = Variants(random.Random(1))
    v.decided["telefono.formato"] = "local8_espacio"
    assert phone_form(v, Phone("55", "58564285"), "Conmutador:", "usual") == "Conmutador: 5856 4285"
    assert phone_form(v, phone, "Tel.", "usual") == "usual"  # no 8-digit local numbers outside lada 55


def test_page_sizes_stay_realistic(world: World, plain: World) -> None:
    for site in world.sites:
        for path, resource in site.resources.items():
            before = plain.site(site.cve_inegi).resources.get(path)
            if before is not None and (resource.content_type or "").startswith("text/html"):
                assert len(resource.body) < 1.3 * len(before.body) + 4000, f"{site.cve_inegi} {path}"
