"""The UN Local Online Service Index (LOSI) as the catalogue uses it: criteria, published indicators and sources.

Only indicators whose wording is published (../shared/spec/losi.md) are listed; a catalogue entry may name one of
them only with the source that publishes it, so no indicator name is ever made up.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

# The five LOSI 2022 criteria (UN E-Government Survey 2022), with their Spanish names for reports and docs.
CRITERIA: dict[str, str] = {
    "institutional_framework": "Marco institucional",
    "content_provision": "Provisión de contenidos",
    "services_provision": "Provisión de servicios",
    "participation_engagement": "Participación e involucramiento",
    "technology": "Tecnología",
}

SURVEY_2018 = "UN E-Government Survey 2018, LOSI pilot, content provision (publicadministration.un.org/egovkb)"
SURVEY_2022 = (
    "UN E-Government Survey 2022, LOSI, participation and engagement figure (publicadministration.un.org/egovkb)"
)
SURVEY_2024_OSI = "UN E-Government Survey 2024, Online Service Index, technology (publicadministration.un.org/egovkb)"
SCANNER = "rinenweb/LOSI-scanner, LOSI 2024 indicator"


@dataclass(frozen=True)
class Indicator:
    """A published LOSI (or OSI) indicator: its wording, its criterion (None when the source does not say) and
    the public source that names it."""

    name: str
    criterion: str | None
    source: str


def _group(criterion: str | None, source: str, names: tuple[str, ...]) -> list[Indicator]:
    return [Indicator(name, criterion, source) for name in names]


def _scanner(number: int, name: str) -> Indicator:
    return Indicator(name, None, f"{SCANNER} {number}")


INDICATORS: tuple[Indicator, ...] = (
    *_group(
        "participation_engagement",
        SURVEY_2022,
        (
            "e-voting",
            "real-time communication",
            "reporting discrimination",
            "feedback about consultation processes",
            "participatory budgeting",
            "responsiveness to e-mails",
            "quality of e-mail answers",
            "participatory land-use plan",
            "announcement of upcoming e-participation activities",
            "open-data metadata",
            "open-data provision",
            "online deliberation",
            "reporting incidents in public spaces",
            "information on public council meetings",
            "budget-related information",
            "feedback or complaint submission",
            "social networking features",
        ),
    ),
    *_group(
        "content_provision",
        SURVEY_2018,
        (
            "names and contacts of heads of departments",
            "contact details",
            "information about the municipality",
            "information about services",
            "health, education, environment, sport and culture, social welfare",
            "organisational structure",
            "links to other government bodies",
            "budget-related information",
            "procurement announcements",
            "open data",
            "evidence of content update",
            "free internet access",
        ),
    ),
    *_group(
        "technology",
        SURVEY_2024_OSI,
        (
            "ease of finding the portal",
            "advanced search",
            "site map",
            "contact details",
            "responsive design",
            "evidence of an update in the past month",
            "HTTPS",
            "save-and-resume of forms",
            "transaction history",
            "chat assistant",
            "valid markup and CSS",
        ),
    ),
    _scanner(204, "mobile accessibility (viewport)"),
    _scanner(206, "internal search"),
    _scanner(214, "contact details"),
    _scanner(234, "privacy policy"),
    _scanner(273, "social networking"),
)


@dataclass(frozen=True)
class LosiRef:
    """A check's place in LOSI: its criterion and, when a published indicator describes the same thing, that
    indicator (with its source)."""

    criterion: str
    indicator: Indicator | None = None


def find_indicator(name: str, source: str) -> Indicator | None:
    """The published indicator with this exact wording and source, or None."""
    for indicator in INDICATORS:
        if indicator.name == name and indicator.source == source:
            return indicator
    return None


def parse_ref(raw: object) -> LosiRef:
    """Validate a catalogue entry's «losi» mapping; raise ValueError with a Spanish problem naming the sub-field."""
    if not isinstance(raw, Mapping):
        raise ValueError("losi: debe ser un diccionario con criterion (y, si aplica, indicator y source)")
    unknown = sorted(set(raw) - {"criterion", "indicator", "source"})
    if unknown:
        raise ValueError(f"losi.{unknown[0]}: campo desconocido (admitidos: criterion, indicator, source)")
    criterion = raw.get("criterion")
    if criterion not in CRITERIA:
        raise ValueError(f"losi.criterion: «{criterion}» no es un criterio de LOSI ({', '.join(CRITERIA)})")
    name, source = raw.get("indicator"), raw.get("source")
    if name is None and source is None:
        return LosiRef(str(criterion))
    if not isinstance(name, str) or not isinstance(source, str):
        raise ValueError("losi.indicator: un indicador necesita su nombre y su fuente pública (source)")
    indicator = find_indicator(name, source)
    if indicator is None:
        raise ValueError(f"losi.indicator: «{name}» no es un indicador publicado con la fuente «{source}»")
    if indicator.criterion not in (None, criterion):
        raise ValueError(f"losi.criterion: la fuente pone «{name}» en el criterio {indicator.criterion}")
    return LosiRef(str(criterion), indicator)
