"""Render docs/vocabulario.md: per site check, the forms of evidence it accepts, its vocabulary (from
config/checks.yaml) and its worked examples (config/ejemplos.yaml). `python -m checks.vocabulary` prints it."""

from __future__ import annotations

from collections.abc import Iterator

from checks.catalogue import Catalogue, load_catalogue
from checks.examples import Examples, load_examples
from checks.spec import CheckSpec

# What each kind accepts as evidence, in the auditors' words (the vocabulary itself comes from the params).
FORMS = {
    "availability": "La página de inicio responde con HTML propio del municipio (no estacionada, ni ajena).",
    "https": "HTTPS con certificado válido para el dominio; HTTP redirige a HTTPS.",
    "viewport": "Etiqueta viewport adaptable (width=device-width).",
    "search_form": "Un formulario de búsqueda del sitio (campo type=search, o acción o campo de búsqueda).",
    "recent_content": "Una noticia o publicación fechada dentro del plazo antes de la corrida.",
    "phone": (
        "Un número mexicano válido según el plan de numeración (libphonenumber): 10 dígitos con o sin +52 / 01, "
        "agrupados de cualquier forma; un enlace tel:; o un número local de 7 u 8 dígitos (8 sólo si existe en una "
        "zona metropolitana) junto a una palabra de teléfono, el nombre de un servicio (emergencias, bomberos, "
        "atención ciudadana…) o en una línea «Área: número». Los números de un solo dígito repetido no cuentan."
    ),
    "email": "Un correo: enlace mailto:, texto plano u ofuscado («arroba», «punto»), o protegido por Cloudflare.",
    "contact_form": (
        "Un formulario con mensaje libre y un dato de contacto (no búsquedas, accesos ni comentarios), o un formulario "
        "alojado en un servicio (Google Forms…) incrustado en la página o enlazado con palabras de contacto."
    ),
    "whatsapp": "Un enlace wa.me / api.whatsapp.com con número, o un número de 10 dígitos rotulado WhatsApp.",
    "chat_widget": "El script, iframe o elemento de un servicio de chat o asistente virtual.",
    "social_accounts": "Un enlace a una cuenta (no a compartir, ni al crédito del diseñador) en la página de inicio.",
    "phone_valid": (
        "Un teléfono publicado (como en «phone», y además cualquier número junto a «Tel.»/«Teléfono») que se puede "
        "marcar según el plan de numeración de México: 10 dígitos, lada existente, sin dígitos repetidos ni seguidos "
        "(555-5555, 123-4567). Si sólo hay números de relleno o imposibles, no cumple; si no hay teléfono, "
        "indeterminado (la ausencia la califica «phone»)."
    ),
    "email_deliverable": (
        "Un correo publicado cuyo dominio recibe correo: registros MX (o, en su defecto, A) en el DNS, consultados "
        "sin enviar nada y guardados entre noches. Un correo personal (Gmail, Hotmail, Yahoo, Outlook…) cumple con "
        "una nota. Sin respuesta del DNS, indeterminado."
    ),
    "whatsapp_valid": (
        "Un enlace de WhatsApp (wa.me, api.whatsapp.com/send?phone=) cuyo número es un número internacional válido; "
        "los enlaces de WhatsApp Business sin número requieren revisión."
    ),
    "social_profile": (
        "Una cuenta enlazada en la página de inicio que, pedida con GET, muestra un perfil (no la portada de la red "
        "ni un «no encontrado»). Las redes que piden iniciar sesión o bloquean lectores (Facebook, X, Instagram, "
        "TikTok) dan indeterminado, nunca no cumple."
    ),
    "keyword": (
        "El vocabulario de abajo en el texto de un enlace (o el alt de su imagen), un encabezado, el título o, si se "
        "indica, el texto visible; las palabras de la URL de un enlace, documento o iframe; un enlace a un dominio "
        "listado; o un archivo con una extensión listada."
    ),
    "form_probe": (
        "Un formulario de contacto cuyo destino (action) existe: responde a HEAD, OPTIONS o GET con éxito, redirección "
        "o 405 (la dirección existe y sólo acepta otro método); nunca se envía un POST. Un formulario con action «#», "
        "javascript: o un manejador que sólo muestra un aviso no cuenta; un 404/410 en los tres métodos es un destino "
        "muerto; sin respuesta o sin presupuesto, indeterminado. Sin formulario de contacto: indeterminado "
        "«sin_formulario» (la existencia la juzga canal.formulario)."
    ),
    "service_transparency": (
        "Una página de trámite (su título o un encabezado nombra un trámite y dice uno de los tres datos, o dice dos "
        "de ellos, como la ficha titulada sólo con el nombre del trámite) que indica requisitos, costo y tiempo de "
        "respuesta (EU eGovernment Benchmark, «transparency of service delivery»). Con páginas de trámite que no los "
        "indican, no cumple; sin ninguna página de trámite, indeterminado «sin_tramites»."
    ),
    "broken_links": (
        "Entre las páginas propias que la exploración pidió, a lo sumo el porcentaje indicado respondió 404 o 410; con "
        "menos páginas que el mínimo, indeterminado «muestra_pequena»."
    ),
    "accessibility": (
        "La página de inicio declara su idioma (lang), da texto alternativo (alt) a casi todas sus imágenes, tiene "
        "encabezados (h1–h6) y etiqueta sus campos de formulario (label, aria-label, title o placeholder). Se lee del "
        "HTML, con las reglas de axe-core del mismo nombre; no se ejecuta axe-core."
    ),
}
_PARAMS = {
    "patterns": "Enlaces, encabezados y título",
    "text_patterns": "También en el texto visible",
    "service_words": "Servicios en otro dominio (texto del enlace)",
    "service_urls": "…cuya URL coincide con",
    "form_words": "Formularios de contacto para",
    "exclude": "No cuenta si el contexto dice",
    "hosts": "Enlaces a los dominios",
    "host_patterns": "Enlaces a dominios que coinciden con",
    "services": "Servicios de formularios",
    "extensions": "Archivos con extensión",
    "pages": "Páginas de trámite (título o encabezado)",
    "requirements": "Requisitos",
    "cost": "Costo",
    "time": "Tiempo de respuesta",
}


def render(catalogue: Catalogue | None = None, examples: Examples | None = None) -> str:
    """The whole Markdown document."""
    catalogue = catalogue or load_catalogue()
    examples = examples or load_examples(catalogue=catalogue)
    lines = [
        "# Vocabulario y formas de evidencia de cada verificación",
        "",
        "Generado con `python -m checks.vocabulary > docs/vocabulario.md` a partir de `config/checks.yaml` y",
        "`config/ejemplos.yaml`; una prueba exige que esté al día. Las expresiones se comparan sin acentos ni",
        "mayúsculas; «municipal» acepta también «Mpal.» y «ayuntamiento» también «Ayto.». Las reglas comunes (casi",
        "evidencia → indeterminado «revisar», anuncios de «en proceso», menús escritos con JavaScript) están en la",
        "cabecera de `config/checks.yaml`.",
        "",
        "## Clases de variantes reales",
        "",
        *(f"- **{name}**: {text}" for name, text in examples.classes.items()),
    ]
    for spec in catalogue.site_checks():
        lines += ["", *_check_section(spec, examples)]
    return "\n".join(lines) + "\n"


def _check_section(spec: CheckSpec, examples: Examples) -> Iterator[str]:
    """One check: label, forms, vocabulary, examples."""
    yield f"## `{spec.id}` — {spec.label}"
    yield ""
    yield f"Área {spec.seed}, alcance `{spec.scope}`, tipo `{spec.kind}`. {FORMS[spec.kind]}"
    for key, title in _PARAMS.items():
        values = spec.params.get(key)
        if values:
            yield ""
            yield f"{title}: " + ", ".join(f"`{v}`" for v in values)
    own = [e for e in examples.items if e.check == spec.id]
    if own:
        yield ""
        yield "| clase | página de ejemplo | resultado |"
        yield "|---|---|---|"
        for example in own:
            fragment = " ".join(example.html.split()).replace("|", "\\|")
            yield f"| {example.kind} | `{fragment}` | {example.expected} |"


if __name__ == "__main__":
    print(render(), end="")
