"""The crosswalk's config side (pure): what the operator's files say about each municipality's identifiers.

Facts per municipality, each with its source and date: the PNT's name (sujetos_pnt.csv; its id when known), the
IPOMEX 3 slug and IPOMEX 4 id and the official site (municipios.csv), and the legacy IPOMEX slug (municipios.csv, or a
candidate of tipo ipomex_legado in sitios_candidatos.csv). Config facts win over what discovery recorded in the
database (storage/sites.py merges both); slugs are data and are never derived from a name.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from config.references import Candidate, PntName, ipomex_slug, load_candidates, load_pnt_names
from config.registry import Municipality

CAMPOS = ("nombre_pnt", "id_pnt", "ipomex3_slug", "ipomex4_id", "ipomex_legado_slug", "sitio_oficial")
# config: an operator's file; descubrimiento: recorded by `vigia descubrir`; auditor: a site an auditor confirmed.
ORIGENES = ("config", "descubrimiento", "auditor")
REGISTRY_SOURCE = "config/municipios.csv"
PNT_SOURCE = "config/sujetos_pnt.csv (lista de la PNT, vía imco/sipot)"
CANDIDATES_SOURCE = "config/sitios_candidatos.csv"


@dataclass(frozen=True)
class CrosswalkFact:
    """One identifier of a municipality: campo (one of CAMPOS), its value, where it comes from and when it was seen
    (AAAA, AAAA-MM or AAAA-MM-DD; None when the source is undated)."""

    cve: str
    campo: str
    valor: str
    fuente: str
    fecha: str | None
    origen: str = "config"


def registry_facts(m: Municipality) -> list[CrosswalkFact]:
    """What config/municipios.csv says of one municipality: IPOMEX addresses and the confirmed official site."""
    facts: list[CrosswalkFact] = []
    slug3, legacy = ipomex_slug(m.ipomex_url), ipomex_slug(m.ipomex_url, legacy=True)
    if slug3:
        facts.append(CrosswalkFact(m.cve_inegi, "ipomex3_slug", slug3, f"{REGISTRY_SOURCE} (ipomex_url)", None))
    if legacy:
        facts.append(CrosswalkFact(m.cve_inegi, "ipomex_legado_slug", legacy, f"{REGISTRY_SOURCE} (ipomex_url)", None))
    if m.ipomex4_id is not None:
        facts.append(
            CrosswalkFact(m.cve_inegi, "ipomex4_id", str(m.ipomex4_id), f"{REGISTRY_SOURCE} (ipomex4_id)", None)
        )
    if m.sitio_estado == "confirmado" and m.sitio_web:
        facts.append(CrosswalkFact(m.cve_inegi, "sitio_oficial", m.sitio_web, f"{REGISTRY_SOURCE} (sitio_web)", None))
    return facts


def pnt_facts(name: PntName) -> list[CrosswalkFact]:
    """The PNT's name of an ayuntamiento and, when known, its id."""
    facts = [CrosswalkFact(name.cve_inegi, "nombre_pnt", name.nombre_pnt, PNT_SOURCE, None)]
    if name.id_pnt is not None:
        facts.append(CrosswalkFact(name.cve_inegi, "id_pnt", str(name.id_pnt), PNT_SOURCE, None))
    return facts


def candidate_facts(candidate: Candidate) -> list[CrosswalkFact]:
    """A legacy IPOMEX index seen in a public source names the municipality's legacy slug; other candidates are not
    facts (they wait for the identity proof and an auditor)."""
    slug = candidate.legacy_slug
    if slug is None:
        return []
    # The file's line holds the full provenance; the fact names it.
    source = f"{CANDIDATES_SOURCE}, línea {candidate.line}"
    return [CrosswalkFact(candidate.cve_inegi, "ipomex_legado_slug", slug, source, candidate.fecha_fuente)]


def config_crosswalk(
    registry: Sequence[Municipality], pnt: Mapping[str, PntName], candidates: Iterable[Candidate]
) -> dict[str, list[CrosswalkFact]]:
    """Per clave of the registry, its config facts in CAMPOS order (a campo the registry gives is not repeated from a
    candidate)."""
    by_cve: dict[str, list[CrosswalkFact]] = {m.cve_inegi: registry_facts(m) for m in registry}
    for name in pnt.values():
        if name.cve_inegi in by_cve:
            by_cve[name.cve_inegi].extend(pnt_facts(name))
    for candidate in candidates:
        facts = by_cve.get(candidate.cve_inegi)
        if facts is None:
            continue
        given = {f.campo for f in facts}
        facts.extend(f for f in candidate_facts(candidate) if f.campo not in given)
    return {cve: sorted(facts, key=lambda f: CAMPOS.index(f.campo)) for cve, facts in by_cve.items()}


def load_config_crosswalk(registry: Sequence[Municipality]) -> dict[str, list[CrosswalkFact]]:
    """The config crosswalk of registry's municipalities from the files in config/ (validated at load against the
    whole registry, so that a subset registry still reads them)."""
    return config_crosswalk(registry, load_pnt_names(), load_candidates())
