"""The identity proof over small realistic pages, one class of real page per case, and over the whole registry."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from checks.identity import Fetched, IdentityContext, IdentityProof, prove_identity
from checks.identity_rules import load_rules, parse_rules
from config import paths
from config.registry import Municipality, load_registry
from core.errors import ConfigError

TODAY = date(2026, 3, 31)
REGISTRY = load_registry()
BY_NAME = {m.nombre: m for m in REGISTRY}


@pytest.fixture(scope="module")
def context() -> IdentityContext:
    return IdentityContext.load(REGISTRY, {"tlalnepantla": "15104"})


def prove(
    context: IdentityContext, nombre: str, html: str, url: str = "https://municipio.gob.mx/", **kw: object
) -> IdentityProof:
    final = str(kw.pop("final_url", url))
    fetched = Fetched(url, final, kw.pop("status", 200), html, **kw)  # type: ignore[arg-type]
    return prove_identity(BY_NAME[nombre], fetched, context, TODAY)


def codes(proof: IdentityProof) -> set[str]:
    return {e.code for e in proof.evidencias}


def wordpress(title: str, body: str, footer: str) -> str:
    """A WordPress theme: site title in a header div, widgets, footer with the legal name."""
    return (
        f"<!DOCTYPE html><html lang='es-MX'><head><meta charset='UTF-8'><title>{title}</title>"
        "<link rel='stylesheet' href='/wp-content/themes/astra/style.css'></head>"
        "<body class='home page-template-default'><div id='page' class='site'>"
        "<nav class='main-navigation'><ul><li><a href='/'>Inicio</a></li><li><a href='/tramites'>Trámites</a></li>"
        "<li><a href='/transparencia'>Transparencia</a></li></ul></nav>"
        f"<main id='main'><article class='post'><h2 class='entry-title'>Noticias</h2>{body}</article></main>"
        f"<footer id='colophon' class='site-footer'><p>{footer}</p><p>© 2026 Todos los derechos reservados</p></footer>"
        "</div></body></html>"
    )


def bootstrap(brand_alt: str, title: str, body: str, head: str = "") -> str:
    """A Bootstrap template: logo image in the navbar brand, carousel, cards."""
    return (
        f"<html><head><title>{title}</title>{head}</head><body>"
        "<nav class='navbar navbar-expand-lg'><a class='navbar-brand' href='/'>"
        f"<img src='/img/escudo.png' alt='{brand_alt}'></a><ul class='navbar-nav'><li>Gobierno</li><li>Servicios</li></ul></nav>"
        f"<div class='container'><div class='card'><div class='card-body'>{body}</div></div></div></body></html>"
    )


# --- the right municipality, several template styles ------------------------------------------------------


def test_wordpress_site_with_legal_name_in_footer_is_probable(context: IdentityContext) -> None:
    html = wordpress(
        "Inicio – Gobierno Municipal de Lerma",
        "<p>Arranca la campaña de descuento en el predial 2026.</p>",
        "H. Ayuntamiento de Lerma, Estado de México. Administración 2025-2027. Av. Hidalgo 1, Lerma de Villada.",
    )
    proof = prove(context, "Lerma", html, "https://lerma.gob.mx/")
    assert proof.veredicto == "probable" and proof.alarma is None and proof.presencia == "sitio"
    assert {"names_municipality", "names_state", "current_administration", "names_cabecera"} <= codes(proof)
    assert any("«Lerma»" in e.texto and "título" in e.texto for e in proof.evidencias)
    assert proof.sobre == "15051" and not proof.watch_failed


def test_bootstrap_logo_alt_and_ipomex3_link_name_the_municipality(context: IdentityContext) -> None:
    html = bootstrap(
        "Logotipo H. Ayuntamiento de Zinacantepec 2025 – 2027",
        "Bienvenido",
        "<p>Edo. Méx.</p><a href='https://www.ipomex.org.mx/ipo3/lgt/indice/zinacantepec.web'>IPOMEX</a>",
    )
    proof = prove(context, "Zinacantepec", html, "https://www.zinacantepec.gob.mx/")
    assert proof.veredicto == "probable"
    assert {"names_municipality", "ipomex_own", "current_administration", "domain_names_municipality"} <= codes(proof)
    assert any("2025 – 2027" in e.texto for e in proof.evidencias)


def test_ayuntamiento_constitucional_template_with_ipomex4_and_legacy_links(context: IdentityContext) -> None:
    html = (
        "<html><head><title>Portal Oficial</title><meta property='og:site_name' content='San Mateo Atenco'></head><body>"
        "<header class='cabecera'><h1>H. Ayuntamiento Constitucional de San Mateo Atenco</h1></header>"
        "<p>Administración 2025-2027 · San Mateo Atenco, Edo. de Méx.</p>"
        "<a href='https://infoem2.ipomex.org.mx/ipomex/#/obligaciones/167'>Transparencia</a></body></html>"
    )
    proof = prove(context, "San Mateo Atenco", html, "https://sanmateoatenco.gob.mx/")
    assert proof.veredicto == "probable"
    assert {"ipomex_own", "ayuntamiento_of_municipality"} <= codes(proof)
    assert prove(context, "Atenco", html, "https://sanmateoatenco.gob.mx/").alarma == "otra_entidad"


def test_extra_ipomex_slug_and_short_form_of_the_name(context: IdentityContext) -> None:
    html = bootstrap(
        "Gobierno de Tlalnepantla",
        "Tlalnepantla de Baz, Estado de México",
        "<p></p>",
        "<link rel='x'>",
    ).replace("</body>", "<a href='https://www.ipomex.org.mx/ipo/lgt/indice/tlalnepantla.web'>IPOMEX</a></body>")
    proof = prove(context, "Tlalnepantla de Baz", html, "https://tlalnepantla.gob.mx/")
    assert proof.veredicto == "probable" and "ipomex_own" in codes(proof)


def test_spelling_variant_in_title_counts_as_fuzzy_name(context: IdentityContext) -> None:
    html = bootstrap("Escudo", "H. Ayuntamiento de Netzahualcóyotl", "<p>Estado de México · 2025-2027</p>")
    proof = prove(context, "Nezahualcóyotl", html, "https://www.neza.gob.mx/")
    assert "names_municipality_fuzzy" in codes(proof) and proof.veredicto == "probable"


def test_cabecera_in_header_names_the_municipality(context: IdentityContext) -> None:
    html = bootstrap("Ciudad López Mateos", "Gobierno Municipal", "<p>Estado de México. Administración 2025-2027</p>")
    proof = prove(context, "Atizapán de Zaragoza", html, "https://atizapan.gob.mx/")
    assert proof.veredicto == "probable" and "names_cabecera" in codes(proof)


# --- homonyms in other states -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("nombre", "url", "title", "body"),
    [
        (
            "La Paz",
            "https://lapaz.gob.mx/",
            "H. XVII Ayuntamiento de La Paz, Baja California Sur",
            "Administración 2024-2027",
        ),
        (
            "Zumpango",
            "https://zumpangodelrio.gob.mx/",
            "H. Ayuntamiento de Eduardo Neri",
            "Palacio Municipal, Zumpango del Río, Gro. Administración 2024-2027",
        ),
        (
            "Morelos",
            "https://morelos.gob.mx/",
            "Gobierno del Estado de Morelos",
            "Cuernavaca, Mor. Gobierno de Morelos 2024-2030",
        ),
        (
            "Rayón",
            "https://rayon.gob.mx/",
            "H. Ayuntamiento de Rayón",
            "Municipio de Rayón, S.L.P. Administración 2024-2027",
        ),
        ("Rayón", "https://rayonsonora.gob.mx/", "Municipio de Rayón, Sonora", "H. Ayuntamiento 2024-2027"),
        (
            "Chapultepec",
            "https://chapultepec.cdmx.gob.mx/",
            "Bosque de Chapultepec | Ciudad de México",
            "Museos y lagos",
        ),
    ],
)
def test_homonym_in_another_state_is_discarded(
    context: IdentityContext, nombre: str, url: str, title: str, body: str
) -> None:
    html = f"<html><head><title>{title}</title></head><body><h1>{title}</h1><p>{body}</p></body></html>"
    proof = prove(context, nombre, html, url)
    assert proof.veredicto == "descartado" and proof.alarma == "otro_estado" and proof.watch_failed
    assert any(e.code == "other_state" and "«" in e.texto for e in proof.evidencias)


def test_edomex_morelos_and_street_names_are_not_another_state(context: IdentityContext) -> None:
    html = wordpress(
        "H. Ayuntamiento de Morelos", "<p>Obras en la calle Hidalgo.</p>", "Morelos, Estado de México 2025-2027"
    )
    assert prove(context, "Morelos", html, "https://morelosedomex.gob.mx/").veredicto == "probable"


# --- parked, casino, unrelated content, old administration, foreign redirect ----------------------------------


@pytest.mark.parametrize(
    "body",
    [
        "<h1>Este dominio está a la venta</h1><p>Contáctenos para hacer una oferta.</p>",
        "<h1>ayuntamientoocuilan.gob.mx</h1><p>This domain may be for sale!</p>",
        "<div>Related Searches</div><p>Sedo Domain Parking: the owner of this domain has not set up a site</p>",
        "<p>Get this domain</p><p>GoDaddy Parked Free</p>",
    ],
)
def test_parked_or_for_sale_page_raises_an_alarm(context: IdentityContext, body: str) -> None:
    html = f"<html><head><title>Ocuilan</title></head><body>{body}</body></html>"
    proof = prove(context, "Ocuilan", html, "https://ayuntamientoocuilan.gob.mx/")
    assert proof.alarma == "estacionado" and proof.veredicto == "descartado" and proof.watch_failed


def test_casino_on_a_former_gob_mx_domain_raises_an_alarm(context: IdentityContext) -> None:
    html = (
        "<html><head><title>H. Ayuntamiento de Tonatico</title></head><body><h1>Slot gacor hari ini</h1>"
        "<p>Situs judi online terpercaya, casino y apuestas deportivas con bono de bienvenida.</p></body></html>"
    )
    proof = prove(context, "Tonatico", html, "https://tonatico.gob.mx/")
    assert proof.alarma == "apuestas" and proof.veredicto == "descartado" and proof.watch_failed


def test_municipal_raffle_and_bingo_are_not_gambling(context: IdentityContext) -> None:
    html = wordpress(
        "H. Ayuntamiento de Tonatico",
        "<p>Sorteo del predial, bingo del DIF y feria con casino.</p>",
        "Tonatico, Estado de México 2025-2027",
    )
    proof = prove(context, "Tonatico", html, "https://tonatico.gob.mx/")
    assert proof.alarma is None and proof.veredicto == "probable"


def test_pharma_spam_is_penalised(context: IdentityContext) -> None:
    html = "<html><head><title>Ayuntamiento de Tonatico</title></head><body>Buy viagra and cialis online</body></html>"
    assert "unrelated_content" in codes(prove(context, "Tonatico", html, "https://tonatico.gob.mx/"))


def test_old_administration_with_old_dates_is_not_probable(context: IdentityContext) -> None:
    html = (
        "<html><head><title>H. Ayuntamiento de Temoaya</title></head><body><h1>Administración 2019-2021</h1>"
        "<p>Temoaya, Estado de México. Informe de gobierno 2020. © 2021</p></body></html>"
    )
    proof = prove(context, "Temoaya", html, "https://temoaya.gob.mx/")
    assert "old_administration" in codes(proof) and proof.veredicto != "probable"
    assert any("2019-2021" in e.texto for e in proof.evidencias)


def test_old_period_with_recent_dates_is_not_penalised(context: IdentityContext) -> None:
    html = (
        "<html><head><title>H. Ayuntamiento de Temoaya</title></head><body><p>Administración 2022-2024</p>"
        "<p>Aviso del 3 de febrero de 2026</p></body></html>"
    )
    assert "old_administration" not in codes(prove(context, "Temoaya", html, "https://temoaya.gob.mx/"))


def test_redirect_to_an_unrelated_domain_raises_an_alarm(context: IdentityContext) -> None:
    html = "<html><head><title>Ofertas del día</title></head><body>Zapatos y relojes</body></html>"
    proof = prove(
        context,
        "Ocuilan",
        html,
        "https://ocuilan.gob.mx/",
        final_url="https://www.tienda-ofertas.com/",
        redirects=("https://ocuilan.gob.mx/", "https://www.tienda-ofertas.com/"),
    )
    assert proof.alarma == "redireccion_ajena" and proof.watch_failed


def test_old_domain_redirecting_to_the_new_official_one_is_fine(context: IdentityContext) -> None:
    html = wordpress("H. Ayuntamiento de Ocuilan", "", "Ocuilan, Estado de México. Administración 2025-2027")
    proof = prove(context, "Ocuilan", html, "http://ocuilan2022.gob.mx/", final_url="https://www.ocuilan.gob.mx/")
    assert proof.alarma is None and proof.veredicto == "probable"


# --- another municipality, directories, social presence ---------------------------------------------------------

NEIGHBOUR = wordpress(
    "H. Ayuntamiento de Metepec",
    "<p>Metepec, Pueblo Mágico.</p>",
    "Metepec, Estado de México 2025-2027. Colindamos con Toluca, San Mateo Atenco, Calimaya y Chapultepec.",
)


def test_neighbour_whose_footer_names_this_municipality_is_another_entity(context: IdentityContext) -> None:
    assert prove(context, "Metepec", NEIGHBOUR, "https://metepec.gob.mx/").veredicto == "probable"
    for nombre in ("Toluca", "San Mateo Atenco", "Calimaya", "Chapultepec"):
        proof = prove(context, nombre, NEIGHBOUR, "https://metepec.gob.mx/")
        assert proof.alarma == "otra_entidad" and proof.veredicto == "descartado", nombre
        assert any("Metepec" in e.texto for e in proof.evidencias if e.code == "other_municipality")


def test_untitled_page_mostly_about_a_neighbour_is_another_entity(context: IdentityContext) -> None:
    html = "<html><head><title>Inicio</title></head><body><p>Metepec crece. Metepec limpio. Feria de Metepec. Visita Toluca.</p></body></html>"
    assert prove(context, "Toluca", html, "https://portal.gob.mx/").alarma == "otra_entidad"


def test_state_directory_is_never_probable_for_any_listed_municipality(context: IdentityContext) -> None:
    listed = [
        "Acambay de Ruíz Castañeda",
        "Acolman",
        "Aculco",
        "Amanalco",
        "Amecameca",
        "Apaxco",
        "Atenco",
        "Atlautla",
        "Axapusco",
        "Toluca",
    ]
    items = "".join(
        f"<li><a href='#'>H. Ayuntamiento de {n}</a>, Estado de México, Administración 2025-2027</li>" for n in listed
    )
    html = f"<html><head><title>Directorio de municipios</title></head><body><h2>Ayuntamientos</h2><ul>{items}</ul></body></html>"
    for nombre in listed:
        for url in ("https://www.edomex.gob.mx/municipios", "https://directorio-municipal.mx/"):
            proof = prove(context, nombre, html, url)
            assert proof.veredicto != "probable" and proof.presencia == "directorio", (nombre, url)


def test_facebook_page_is_a_social_presence(context: IdentityContext) -> None:
    html = (
        "<html><head><title>H. Ayuntamiento de Tonanitla 2025-2027 | Facebook</title>"
        "<meta property='og:title' content='H. Ayuntamiento de Tonanitla 2025-2027'></head>"
        "<body><div>Tonanitla, Estado de México · Página de gobierno</div></body></html>"
    )
    proof = prove(context, "Tonanitla", html, "https://www.facebook.com/AyuntamientoTonanitla")
    assert proof.presencia == "red_social" and "names_municipality" in codes(proof) and proof.alarma is None


@pytest.mark.parametrize(
    ("status", "html", "failure"),
    [
        (None, "", "dns"),
        (None, "", None),
        (404, "<html><title>No encontrado</title></html>", None),
        (200, "", None),
        (200, "   ", None),
    ],
)
def test_empty_or_failed_fetch_is_discarded_without_answer(
    context: IdentityContext, status: int | None, html: str, failure: str | None
) -> None:
    proof = prove(context, "Toluca", html, "https://toluca.gob.mx/", status=status, failure=failure, final_url="")
    assert proof.veredicto == "descartado" and proof.alarma == "sin_respuesta" and proof.score == 0
    assert not proof.watch_failed and proof.evidencias[0].code == "no_response"


# --- names that contain other names -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "owner", "not_owner"),
    [
        ("Valle de Chalco Solidaridad", "Valle de Chalco Solidaridad", "Chalco"),
        ("Valle de Chalco", "Valle de Chalco Solidaridad", "Chalco"),
        ("Ecatepec de Morelos", "Ecatepec de Morelos", "Morelos"),
        ("Ecatepec", "Ecatepec de Morelos", "Morelos"),
        ("Cuautitlán Izcalli", "Cuautitlán Izcalli", "Cuautitlán"),
        ("San Martín de las Pirámides", "San Martín de las Pirámides", "Santo Tomás"),
        ("Acambay", "Acambay de Ruíz Castañeda", "Aculco"),
        ("Tlalnepantla", "Tlalnepantla de Baz", "Tlalmanalco"),
        ("Atizapán", "Atizapán", "Atizapán de Zaragoza"),
        ("Ixtapan de la Sal", "Ixtapan de la Sal", "Ixtapan del Oro"),
        ("Tenango del Aire", "Tenango del Aire", "Tenango del Valle"),
    ],
)
def test_names_inside_names_belong_to_the_longest(
    context: IdentityContext, written: str, owner: str, not_owner: str
) -> None:
    html = f"<html><head><title>H. Ayuntamiento de {written}</title></head><body>Estado de México, Administración 2025-2027</body></html>"
    assert prove(context, owner, html).veredicto == "probable"
    assert prove(context, not_owner, html).alarma == "otra_entidad"


def minimal(m: Municipality) -> str:
    text = f"H. Ayuntamiento de {m.nombre}, Estado de México, Administración 2025-2027"
    return f"<html><head><title>{text}</title></head><body><h1>{text}</h1></body></html>"


def test_every_municipality_minimal_page_is_probable_only_for_itself(context: IdentityContext) -> None:
    for m in REGISTRY:
        fetched = Fetched("https://sitio.example/", "https://sitio.example/", 200, minimal(m))
        verdicts = {other.cve_inegi: prove_identity(other, fetched, context, TODAY).veredicto for other in REGISTRY}
        assert verdicts.pop(m.cve_inegi) == "probable", m.nombre
        assert "probable" not in verdicts.values(), (m.nombre, [c for c, v in verdicts.items() if v == "probable"])


# --- the rules file --------------------------------------------------------------------------------------------


def test_shipped_rules_load() -> None:
    rules = load_rules(paths.IDENTITY)
    assert rules.probable > rules.doubtful > 0 and rules.weights["parked"] < 0


@pytest.mark.parametrize(
    ("change", "field", "line"),
    [
        (("  probable: 60", "  probable: sesenta"), "umbrales.probable", True),
        (("  parked: -100", "  parkd: -100"), "pesos.parkd", True),
        (("  probable: 60", "  probable: 10"), "umbrales.probable", True),
        (("minimo_distintas: 3", "minimo_distintas: 0"), "apuestas.minimo_distintas", True),
        (("estacionado:\n", "estacionado: []\nx:\n"), "estacionado", True),
    ],
)
def test_invalid_rules_name_file_line_and_field(
    tmp_path: Path, change: tuple[str, str], field: str, line: bool
) -> None:
    text = paths.IDENTITY.read_text(encoding="utf-8")
    assert change[0] in text
    bad = tmp_path / "identidad.yaml"
    bad.write_text(text.replace(change[0], change[1], 1), encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        load_rules(bad)
    assert raised.value.field == field and raised.value.path == str(bad)
    assert (raised.value.line is not None) == line


def test_missing_section_is_reported() -> None:
    with pytest.raises(ConfigError) as raised:
        parse_rules("pesos: {}\n", "x.yaml")
    assert raised.value.field is not None and raised.value.path == "x.yaml"


# --- classes found on real pages --------------------------------------------------------------------------------


def test_heroes_surnames_and_place_names_are_not_states(context: IdentityContext) -> None:
    for title in ("Escuela Vicente Guerrero de Villa Guerrero", "Villa Guerrero de Hidalgo y Costilla"):
        html = (
            f"<html><head><title>{title}</title></head><body>Villa Guerrero, Estado de México 2025-2027</body></html>"
        )
        assert prove(context, "Villa Guerrero", html).alarma is None, title
    html = "<html><head><title>Totoltepec de Guerrero</title></head><body>Presidencia Municipal</body></html>"
    assert prove(context, "Toluca", html).alarma is None


def test_a_page_that_never_names_the_municipality_is_discarded(context: IdentityContext) -> None:
    html = "<html><head><title>H. Ayuntamiento</title></head><body>Gobierno Municipal 2025-2027</body></html>"
    proof = prove(context, "Toluca", html, "https://portal-municipal.gob.mx/")
    assert proof.score > 0 and proof.veredicto == "descartado" and proof.alarma is None


def test_municipal_agency_site_is_at_most_doubtful(context: IdentityContext) -> None:
    html = wordpress("Sistema Municipal DIF Tecámac", "", "H. Ayuntamiento de Tecámac, Estado de México 2025-2027")
    proof = prove(context, "Tecámac", html, "https://diftecamac.gob.mx/")
    assert "municipal_agency" in codes(proof) and proof.veredicto != "probable"


CORPUS = paths.CORPUS


@pytest.mark.skipif(not CORPUS.is_dir(), reason="the labelled corpus of real sites is not beside the repository")
def test_real_home_pages_of_other_states_are_never_probable_for_an_edomex_municipality(
    context: IdentityContext,
) -> None:
    """Home pages of municipalities of Puebla, Sonora, Veracruz, Oaxaca, Morelos, Hidalgo… (and DIF sites)."""
    outside = [
        p
        for p in sorted(CORPUS.glob("*/index.html"))
        if not p.parent.name.startswith(("lapaz", "lerma", "nicolasromero"))
    ]
    assert len(outside) >= 5
    for path in outside:
        fetched = Fetched(
            "https://sitio.example/", "https://sitio.example/", 200, path.read_text(encoding="utf-8", errors="replace")
        )
        probable = [m.nombre for m in REGISTRY if prove_identity(m, fetched, context, TODAY).veredicto == "probable"]
        assert probable == [], (path.parent.name, probable)


@pytest.mark.skipif(not CORPUS.is_dir(), reason="the labelled corpus of real sites is not beside the repository")
def test_real_pages_of_past_edomex_administrations_are_doubtful(context: IdentityContext) -> None:
    for folder, nombre in (("lapaz-ayto", "La Paz"), ("nicolasromero-ayto", "Nicolás Romero")):
        html = (CORPUS / folder / "index.html").read_text(encoding="utf-8", errors="replace")
        proof = prove(context, nombre, html)
        assert proof.veredicto == "dudoso" and "old_administration" in codes(proof), folder


def test_a_street_named_after_a_state_is_not_the_page_s_state(context: IdentityContext) -> None:
    html = wordpress(
        "H. Ayuntamiento de Zinacantepec",
        "<p>Palacio Municipal: Zinacantepec, calle Hidalgo 5; Zinacantepec, Av. Guerrero s/n.</p>",
        "Administración 2025-2027",
    )
    assert prove(context, "Zinacantepec", html, "https://zinacantepec.gob.mx/").veredicto == "probable"


def test_directory_hosts_and_social_networks_say_what_they_are(context: IdentityContext) -> None:
    html = minimal(BY_NAME["Metepec"])
    ipomex = prove(context, "Metepec", html, "https://www.ipomex.org.mx/ipo3/lgt/indice/METEPEC.web")
    assert ipomex.presencia == "directorio" and ipomex.veredicto == "dudoso" and "directory" in codes(ipomex)
    social = prove(context, "Metepec", html, "https://m.facebook.com/metepec")
    assert social.presencia == "red_social" and "social_network" in codes(social)


@pytest.mark.parametrize(
    ("written", "nombre"),
    [
        ("AYUNTAMIENTO DE ACAMBAY DE RUIZ CASTANEDA", "Acambay de Ruíz Castañeda"),
        ("Gobierno Atizapán Zaragoza", "Atizapán de Zaragoza"),
        ("Municipio de Reyes Acaquilpan", "La Paz"),
        ("H. Ayuntamiento de San Antonio La Isla", "San Antonio la Isla"),
    ],
)
def test_names_without_accents_articles_or_de(context: IdentityContext, written: str, nombre: str) -> None:
    html = f"<html><head><title>{written}</title></head><body>Estado de México, Administración 2025-2027</body></html>"
    proof = prove(context, nombre, html)
    assert proof.veredicto == "probable" and proof.sobre == BY_NAME[nombre].cve_inegi


@pytest.mark.parametrize(
    ("short", "owners"),
    [("Tenango", ("Tenango del Aire", "Tenango del Valle")), ("Almoloya", ("Almoloya de Juárez", "Almoloya del Río"))],
)
def test_a_short_form_shared_by_two_municipalities_names_neither(
    context: IdentityContext, short: str, owners: tuple[str, ...]
) -> None:
    html = f"<html><head><title>H. Ayuntamiento de {short}</title></head><body>Estado de México, Administración 2025-2027</body></html>"
    for nombre in owners:
        assert prove(context, nombre, html).veredicto != "probable", nombre


def test_a_neighbour_named_in_the_header_does_not_make_the_page_its_own(context: IdentityContext) -> None:
    html = bootstrap(
        "H. Ayuntamiento de Metepec · Región Toluca", "H. Ayuntamiento de Metepec", "<p>Estado de México 2025-2027</p>"
    )
    assert prove(context, "Metepec", html, "https://metepec.gob.mx/").sobre == "15054"
    assert prove(context, "Toluca", html, "https://metepec.gob.mx/").alarma == "otra_entidad"


def test_xhtml_page_with_an_xml_declaration_is_read(context: IdentityContext) -> None:
    html = '<?xml version="1.0" encoding="UTF-8"?>\n' + minimal(BY_NAME["Ocuilan"])
    assert prove(context, "Ocuilan", html).veredicto == "probable"


def test_thresholds_come_from_the_rules() -> None:
    text = paths.IDENTITY.read_text(encoding="utf-8").replace("  probable: 60", "  probable: 500", 1)
    strict = IdentityContext.load(REGISTRY, rules=parse_rules(text, "identidad.yaml"))
    fetched = Fetched("https://sitio.example/", "https://sitio.example/", 200, minimal(BY_NAME["Toluca"]))
    assert prove_identity(BY_NAME["Toluca"], fetched, strict, TODAY).veredicto == "dudoso"


def test_a_colonia_in_an_address_is_not_colima() -> None:
    """«…, Col. Centro» is the colonia of a street address in every Mexican municipality, not the state of Colima."""
    m = BY_NAME_FOR_ADDRESS["Tlalnepantla de Baz"]
    html = (
        "<html><head><title>Gobierno Municipal de Tlalnepantla de Baz</title></head><body><h1>Tlalnepantla de Baz</h1>"
        "<p>Estado de México. Administración 2025-2027.</p><footer>Plaza Gustavo Baz s/n, Col. Centro, "
        "Tlalnepantla de Baz, Estado de México. Oficina DIF: Av. Hidalgo 5, Col. Valle Ceylán.</footer></body></html>"
    )
    fetched = Fetched("https://tlalnepantla.gob.mx/", "https://tlalnepantla.gob.mx/", 200, html)
    proof = prove_identity(m, fetched, IdentityContext.load(REGISTRY_FOR_ADDRESS), date(2026, 11, 24))
    assert proof.alarma is None and proof.veredicto == "probable", proof.evidencias


REGISTRY_FOR_ADDRESS = load_registry()
BY_NAME_FOR_ADDRESS = {m.nombre: m for m in REGISTRY_FOR_ADDRESS}
