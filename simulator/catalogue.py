"""The home- and site-scope check ids of the catalogue for which the farm states a ground truth (and those it
cannot: no generator writes their content)."""

from __future__ import annotations

CHECK_IDS: tuple[str, ...] = (
    "sitio.disponible",
    "sitio.https",
    "sitio.movil",
    "sitio.aviso_privacidad",
    "sitio.buscador",
    "sitio.actualizacion_reciente",
    "canal.telefono",
    "canal.correo",
    "canal.formulario",
    "canal.whatsapp",
    "canal.chat",
    "canal.redes_sociales",
    "canal.tramites_en_linea",
    "canal.pagos_en_linea",
    "canal.reporte_ciudadano",
    "participacion.copaci",
    "participacion.cocicovi",
    "participacion.presupuesto_participativo",
    "participacion.denuncia_ciudadana",
    "participacion.cabildo_abierto",
    "normatividad.bando_municipal",
    "normatividad.gaceta_municipal",
    "normatividad.plan_desarrollo",
    "transparencia.enlace_portal",
    "transparencia.enlace_ipomex",
    "transparencia.solicitudes",
    "transparencia.unidad_transparencia",
    "transparencia.conac",
    "transparencia.datos_abiertos",
    # LOSI indicators (issue 17) whose content the farm already writes: dated news and the CONAC budget statement.
    "sitio.actualizacion_mes",
    "transparencia.presupuesto",
)

# Catalogue checks the farm has no generator for: no ground truth, so the demo's agreement does not count them
# (their vocabulary is tested by the examples in config/ejemplos.yaml).
UNSIMULATED: frozenset[str] = frozenset(
    {
        "sitio.mapa_sitio",
        "transparencia.licitaciones",
        "transparencia.datos_abiertos_metadatos",
        "transparencia.organigrama",
    }
)

HOME_CHECKS: frozenset[str] = frozenset(
    {
        "sitio.disponible",
        "sitio.https",
        "sitio.movil",
        "sitio.buscador",
        "canal.redes_sociales",
        "transparencia.enlace_portal",
    }
)

# Checks decided by the site's dates: the window in days before the run date in which a date counts as recent.
RECENCY_DAYS: dict[str, int] = {"sitio.actualizacion_reciente": 90, "sitio.actualizacion_mes": 30}
# Checks decided by what the pages show (tags on blocks); the others follow from how the site is served and its dates.
FEATURE_CHECKS: tuple[str, ...] = tuple(
    c for c in CHECK_IDS if c not in ("sitio.disponible", "sitio.https", *RECENCY_DAYS)
)

CUMPLE, NO_CUMPLE, INDETERMINADO = "cumple", "no_cumple", "indeterminado"
