"""The «Confiabilidad» page and the measured precision shown next to every verdict (from config/confiabilidad.yaml)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from checks.catalogue import Catalogue
from checks.precision import CheckFigures
from checks.reliability import Reliability
from storage.page_rows import CheckResponse, MunicipalityResponse
from web.exports import Cell, Table

EXPLANATION = (
    "Vigía revisa también sitios municipales reales que los auditores etiquetaron a mano (cumple o no cumple, "
    "verificación por verificación) y compara sus resultados con esas etiquetas. «Acuerdo» es la parte de las "
    "etiquetas en que Vigía dio el mismo resultado que el auditor. Una «acusación falsa» es un «no cumple» de Vigía "
    "donde el auditor vio que sí cumple: el error más grave, porque un «no cumple» señala públicamente a un "
    "municipio. Un «crédito falso» es un «cumple» de Vigía donde el auditor vio que no cumple. «Cobertura» es la "
    "parte de las etiquetas en que Vigía se pronunció (cumple o no cumple) en vez de quedar «indeterminado». Una "
    "verificación con acusaciones falsas en más del 1 % de sus etiquetas queda «en revisión»: sus resultados se "
    "muestran marcados y su «no cumple» nunca genera una alerta. Las etiquetas «ambiguo» y las que dependen del "
    "servidor en vivo (HTTPS, disponibilidad, fecha de actualización) no se cuentan. Cautela: estos sitios sirvieron "
    "también para desarrollar las verificaciones, así que en sitios nuevos el acuerdo puede ser menor; con pocas "
    "etiquetas por verificación, una sola diferencia mueve mucho el porcentaje."
)


class ReliabilityItem(BaseModel):
    """Cifras medidas de una verificación frente a las etiquetas de los auditores."""

    verificacion: str
    etiqueta: str = Field(description="Nombre de la verificación")
    etiquetas: int = Field(description="Etiquetas de los auditores que cuentan (cumple o no cumple)")
    acuerdo: float | None = Field(description="Parte (0–1) de las etiquetas en que coincidimos; null sin etiquetas")
    acusaciones_falsas: int = Field(description="Veces que dijimos no cumple y el auditor, cumple")
    credito_falso: int = Field(description="Veces que dijimos cumple y el auditor, no cumple")
    cobertura: float | None = Field(description="Parte (0–1) de las etiquetas en que no quedamos indeterminado")
    en_revision: bool


class ReliabilityResponse(BaseModel):
    """Confiabilidad medida de las verificaciones del sitio; sin medición, medido es falso y la lista está vacía."""

    medido: bool
    fecha: str | None = Field(description="Fecha de la medición (AAAA-MM-DD)")
    sitios: int
    etiquetas: int
    version_catalogo: str | None = Field(description="Versión del catálogo medida")
    version_actual: str = Field(description="Versión del catálogo en uso")
    medicion_anterior: bool = Field(description="La medición es de una versión anterior del catálogo")
    explicacion: str
    verificaciones: list[ReliabilityItem]
    totales: ReliabilityItem | None


def _item(figures: CheckFigures, label: str) -> ReliabilityItem:
    return ReliabilityItem(
        verificacion=figures.check_id,
        etiqueta=label,
        etiquetas=figures.scored,
        acuerdo=figures.agreement,
        acusaciones_falsas=figures.false_accusations,
        credito_falso=figures.false_credit,
        cobertura=figures.coverage,
        en_revision=figures.under_review,
    )


def reliability_page(reliability: Reliability, catalogue: Catalogue) -> ReliabilityResponse:
    """The measured figures of every check, with the date, the corpus size and what they mean."""
    m = reliability.measurement
    labels = {spec.id: spec.label for spec in catalogue.checks}
    return ReliabilityResponse(
        medido=m is not None,
        fecha=m.measured_on.isoformat() if m else None,
        sitios=m.sites if m else 0,
        etiquetas=m.scored if m else 0,
        version_catalogo=m.catalogue_version if m else None,
        version_actual=reliability.catalogue_version,
        medicion_anterior=reliability.stale,
        explicacion=EXPLANATION,
        verificaciones=[_item(f, labels.get(f.check_id, f.check_id)) for f in m.checks] if m else [],
        totales=_item(m.totals, "Todas las verificaciones") if m else None,
    )


def reliability_table(page: ReliabilityResponse) -> Table:
    """Export table of the Confiabilidad page."""
    columns = [
        ("verificacion", "Verificación"),
        ("etiqueta", "Descripción"),
        ("etiquetas", "Etiquetas"),
        ("acuerdo", "Acuerdo"),
        ("acusaciones_falsas", "Acusaciones falsas"),
        ("credito_falso", "Crédito falso"),
        ("cobertura", "Cobertura"),
        ("en_revision", "En revisión"),
    ]
    rows: list[dict[str, Cell]] = [item.model_dump() for item in page.verificaciones]
    return Table("confiabilidad", columns, rows)


def annotate_municipality(page: MunicipalityResponse, reliability: Reliability) -> MunicipalityResponse:
    """The municipality page with each site verdict's measured precision and «en revisión» mark."""
    review = reliability.under_review()
    checklist = tuple(
        item.model_copy(update={"precision": reliability.note(item.check_id), "under_review": item.check_id in review})
        for item in page.checklist
    )
    return page.model_copy(update={"checklist": checklist})


def annotate_check(page: CheckResponse, reliability: Reliability) -> CheckResponse:
    """The check page with the check's measured precision and «en revisión» mark."""
    update = {"precision": reliability.note(page.check_id), "under_review": page.check_id in reliability.under_review()}
    return page.model_copy(update=update)
