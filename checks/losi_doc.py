"""Render docs/losi.md: every published LOSI indicator (checks/losi.py), the Vigía check that decides it, or why
none does. `python -m checks.losi_doc` prints it."""

from __future__ import annotations

from checks.catalogue import Catalogue, load_catalogue
from checks.losi import CRITERIA, INDICATORS, Indicator

# Indicators published under another wording that describe what a catalogue indicator already decides.
SAME_AS = {
    "responsive design": "mobile accessibility (viewport)",
    "chat assistant": "real-time communication",
    "social networking": "social networking features",
    "open data": "open-data provision",
}
# Why Vigía does not decide an indicator: it needs a person, an account or a submission, or its vocabulary is not
# yet validated against labelled municipal sites (a rule is never written for a class no real site was seen with).
NOT_DECIDED = {
    "e-voting": "Votar exige identidad del votante y una votación abierta; Vigía nunca envía formularios.",
    "reporting discrimination": (
        "Sería vocabulario («denuncia por discriminación»), pero el corpus etiquetado no tiene ningún caso municipal: "
        "pendiente hasta tener ejemplos reales."
    ),
    "feedback about consultation processes": (
        "Exige seguir una consulta en el tiempo (su convocatoria y después sus resultados); una visita no basta."
    ),
    "responsiveness to e-mails": "Exige escribir al municipio y medir su respuesta; Vigía nunca envía correos.",
    "quality of e-mail answers": "Exige que una persona juzgue una respuesta; Vigía nunca envía correos.",
    "participatory land-use plan": (
        "Distinguir un plan de desarrollo urbano participativo de uno que sólo se publica exige leer el documento."
    ),
    "announcement of upcoming e-participation activities": (
        "Exige saber que la actividad es futura y en línea; las fechas se leen, su carácter participativo no."
    ),
    "online deliberation": (
        "Foros con participación ciudadana: requieren cuenta, y un cuadro de comentarios no se distingue de forma "
        "fiable del de una noticia."
    ),
    "reporting incidents in public spaces": (
        "canal.reporte_ciudadano lo incluye (bache, luminaria, 072) junto con quejas y sugerencias; se cuenta una vez, "
        "como «feedback or complaint submission», porque es la misma evidencia."
    ),
    "names and contacts of heads of departments": (
        "Directorio con nombre y contacto de cada titular: el tipo keyword con require_contact podría decidirlo, pero "
        "su vocabulario no está validado con el corpus: pendiente."
    ),
    "information about the municipality": (
        "Casi todo sitio la tiene (historia, ubicación) y ningún vocabulario la distingue de cualquier texto."
    ),
    "health, education, environment, sport and culture, social welfare": (
        "Cinco temas en un solo indicador, sin definición pública de cuánto basta de cada uno."
    ),
    "links to other government bodies": (
        "Casi todos los sitios enlazan al gobierno estatal; sin la definición exacta del indicador no se decide."
    ),
    "free internet access": "Información sobre puntos de internet gratuito: vocabulario no validado, pendiente.",
    "ease of finding the portal": "Se mide en un buscador web externo; Vigía no consulta buscadores.",
    "advanced search": (
        "El formulario de búsqueda se ve (sitio.buscador), pero saber si tiene búsqueda avanzada exige usarlo."
    ),
    "save-and-resume of forms": "Exige llenar un formulario y volver a él; Vigía nunca envía formularios.",
    "transaction history": "Exige una cuenta de usuario en el portal.",
    "valid markup and CSS": "Exige un validador de HTML y CSS que Vigía no trae todavía.",
}


def deciding_checks(catalogue: Catalogue) -> dict[str, list[str]]:
    """Per indicator name, the ids of the catalogue checks that decide it (through SAME_AS for other wordings)."""
    found: dict[str, list[str]] = {}
    for spec in catalogue.checks:
        if spec.losi is not None and spec.losi.indicator is not None:
            found.setdefault(spec.losi.indicator.name, []).append(spec.id)
    return {name: found.get(SAME_AS.get(name, name), []) for name in {i.name for i in INDICATORS}}


def _row(indicator: Indicator, checks: list[str]) -> str:
    criterion = CRITERIA[indicator.criterion] if indicator.criterion else "(la fuente no lo dice)"
    decided = ", ".join(f"`{c}`" for c in checks) if checks else "—"
    why = "" if checks else NOT_DECIDED.get(indicator.name, "")
    return f"| {indicator.name} | {criterion} | {indicator.source} | {decided} | {why} |"


def render(catalogue: Catalogue | None = None) -> str:
    """The whole Markdown document."""
    catalogue = catalogue or load_catalogue()
    decided = deciding_checks(catalogue)
    rows = [_row(indicator, decided[indicator.name]) for indicator in INDICATORS]
    automatic = sum(1 for name, checks in decided.items() if checks)
    return "\n".join(
        [
            "# Vigía y el índice LOSI de la ONU",
            "",
            "Generado con `python -m checks.losi_doc > docs/losi.md` a partir de `checks/losi.py` y",
            "`config/checks.yaml`; una prueba exige que esté al día.",
            "",
            "El Local Online Service Index (LOSI) de la ONU (UN DESA con UNU-EGOV, publicado con la Encuesta de",
            "Gobierno Electrónico) califica a mano un portal por país con indicadores binarios: 1 si el portal tiene",
            "la característica, 0 si no. Su tabla completa de indicadores no es pública; aquí están los que se",
            "conocen por su nombre en fuentes públicas, con la fuente de cada uno.",
            "",
            "Cada verificación del catálogo dice a qué criterio de LOSI pertenece (`losi.criterion`) y, si un",
            "indicador publicado describe lo mismo, cuál es y su fuente (`losi.indicator`, `losi.source`).",
            "El puntaje **LOSI** de cada municipio (columna «LOSI» de `vigia reporte`, del tablero y de sus",
            "exportaciones) es el porcentaje de esos indicadores que se cumplen entre los que tienen veredicto",
            "definitivo: un indicador se cumple si alguna de sus verificaciones cumple, no se cumple sólo si todas",
            "las leídas dicen no_cumple, y queda fuera (indeterminado) si alguna no se pudo ver. Se calcula una vez",
            "por corrida, con los demás puntajes (`checks/scoring.py`).",
            "",
            "No es el LOSI de la ONU: la encuesta usa 86 indicadores (2022) o 95 (2024) calificados por personas, y",
            "este puntaje sólo los que un rastreador decide sin contactar a nadie. Sirve para comparar municipios",
            "entre sí con la vara de LOSI, no con las ciudades de la encuesta.",
            "",
            f"Vigía decide automáticamente {automatic} de los {len(decided)} indicadores con nombre publicado.",
            "",
            "| Indicador | Criterio | Fuente | Verificación de Vigía | Si no se decide, por qué |",
            "|---|---|---|---|---|",
            *rows,
            "",
        ]
    )


if __name__ == "__main__":
    print(render(), end="")
