"""The home- and site-scope check ids of the catalogue, for each of which the farm states a ground truth."""

from __future__ import annotations

# LOSI indicators (issue 17) whose content simulator.content_losi decides and writes from a stream of its own, not
# the site's plan (simulator.plan).
LOSI_CHECKS: tuple[str, ...] = (
    "sitio.mapa_sitio",
    "transparencia.licitaciones",
    "transparencia.datos_abiertos_metadatos",
    "transparencia.organigrama",
)
CHECK_IDS: tuple[str, ...] = (
    "sitio.disponible",
    "sitio.https",
    "sitio.movil",
    "sitio.aviso_privacidad",
    "sitio.buscador",
    "sitio.actualizacion_reciente",
    "canal.telefono",
    "canal.telefono_valido",
    "canal.correo",
    "canal.correo_entregable",
    "canal.formulario",
    "canal.whatsapp",
    "canal.whatsapp_valido",
    "canal.chat",
    "canal.redes_sociales",
    "canal.redes_sociales_perfil",
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
    "canal.formulario_funcional",
    "tramites.transparencia",
    "sitio.enlaces_rotos",
    "sitio.accesibilidad_basica",
    # LOSI indicators (issue 17) whose content the farm already writes: dated news and the CONAC budget statement.
    "sitio.actualizacion_mes",
    "transparencia.presupuesto",
    *LOSI_CHECKS,
)

# Decided from the pages themselves (links, markup) and the form probes: simulator.truth_quality.
QUALITY_CHECKS: tuple[str, ...] = (
    "canal.formulario_funcional",
    "tramites.transparencia",
    "sitio.enlaces_rotos",
    "sitio.accesibilidad_basica",
)

HOME_CHECKS: frozenset[str] = frozenset(
    {
        "sitio.disponible",
        "sitio.https",
        "sitio.movil",
        "sitio.buscador",
        "canal.redes_sociales",
        "canal.redes_sociales_perfil",
        "transparencia.enlace_portal",
        "sitio.accesibilidad_basica",
        "sitio.mapa_sitio",
    }
)

# Working-channel probes and the existence check each one judges (decided by simulator.truth.probe_truth).
PROBE_CHECKS: dict[str, str] = {
    "canal.telefono_valido": "canal.telefono",
    "canal.correo_entregable": "canal.correo",
    "canal.whatsapp_valido": "canal.whatsapp",
    "canal.redes_sociales_perfil": "canal.redes_sociales",
}
# Checks decided by the site's dates: the window in days before the run date in which a date counts as recent.
RECENCY_DAYS: dict[str, int] = {"sitio.actualizacion_reciente": 90, "sitio.actualizacion_mes": 30}
# Checks decided by what the pages show (tags on blocks); the others follow from how the site is served and its
# dates, and the probes and quality checks have truths of their own.
FEATURE_CHECKS: tuple[str, ...] = tuple(
    c
    for c in CHECK_IDS
    if c not in ("sitio.disponible", "sitio.https", *RECENCY_DAYS) and c not in PROBE_CHECKS and c not in QUALITY_CHECKS
)

CUMPLE, NO_CUMPLE, INDETERMINADO = "cumple", "no_cumple", "indeterminado"
