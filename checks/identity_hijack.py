"""Signs that a page is not the municipality's site: another state, parked, casino, another municipality, directory."""

from __future__ import annotations

from checks.identity_signals import SELF_ZONES, ZONE_NAMES, Finding, Scan, has, muni_counts, munis, value_of
from checks.identity_text import Hit, Zone, clip

_STATE_KINDS = ("state", "state_explicit")


def _other_state(hit: Hit) -> str | None:
    """The other state a hit names, unless the same words are also an Edomex municipality's name (Morelos)."""
    if munis(hit):
        return None
    for kind in _STATE_KINDS:
        if has(hit, kind):
            return value_of(hit, kind)
    return None


def _in_self_zones(scan: Scan) -> tuple[Zone, Hit, str] | None:
    """Title, site name or h1 place the page in another state and never in the Estado de México."""
    zones = [(z, hits) for z, hits in scan.strong() if z.kind in SELF_ZONES]
    if any(has(hit, "own") for _, hits in zones for hit in hits):
        return None
    for zone, hits in zones:
        for hit in hits:
            state = _other_state(hit)
            # "Totoltepec de Guerrero", "Tejupilco de Hidalgo": a state's name inside a place name.
            if state and (
                has(hit, "state_explicit") or zone.tokens[hit.start - 1 : hit.start] not in (["de"], ["del"])
            ):
                return zone, hit, state
    return None


def _after_name(scan: Scan) -> tuple[Zone, Hit, str] | None:
    """Another state after m's name and a comma, before any mention of the Estado de México (La Paz, B.C.S.)."""
    window, cve = scan.context.rules.state_window, scan.m.cve_inegi
    for zone, hits in scan.zones:
        for index, hit in enumerate(hits):
            if not hit.munis or all(c != cve for c, _ in hit.munis):
                continue
            for following in hits[index + 1 :]:
                if following.start - hit.end > window or has(following, "own"):
                    break
                state = _other_state(following)
                # Only "<name>, <state>": in "Zinacantepec, calle Hidalgo" the state's name is a street's.
                if state and _after_comma(zone, following):
                    return zone, following, state
    return None


def _after_comma(zone: Zone, hit: Hit) -> bool:
    """Whether a hit starts with a comma (", S.L.P.") or follows one (", Baja California Sur")."""
    return zone.tokens[hit.start] == "," or zone.tokens[hit.start - 1 : hit.start] == [","]


def _dominant(scan: Scan) -> tuple[Zone, Hit, str] | None:
    """The body places itself in another state more often than in the Estado de México."""
    zone, hits = scan.body()
    explicit: list[tuple[Hit, str]] = []
    for hit in hits:
        state = _other_state(hit)
        if state and (has(hit, "state_explicit") or _after_comma(zone, hit)):
            explicit.append((hit, state))
    own = sum(1 for hit in hits if has(hit, "own"))
    if len(explicit) >= 2 and len(explicit) > own:
        return zone, explicit[0][0], explicit[0][1]
    return None


def _other_state_finding(scan: Scan) -> list[Finding]:
    """The page places itself in another state: in its title, after m's name, or mostly in its body."""
    found = _in_self_zones(scan) or _after_name(scan) or _dominant(scan)
    if found is None:
        return []
    zone, hit, state = found
    texto = f"{ZONE_NAMES[zone.kind]} ubica la página en {state}: «{scan.said(zone, hit)}»."
    return [Finding("other_state", texto, "otro_estado")]


def _vocabulary(scan: Scan) -> list[Finding]:
    """Parked or for-sale pages, casino and gambling spam, other spam of hijacked domains."""
    rules = scan.context.rules
    terms: dict[str, set[str]] = {"parked": set(), "gamble": set(), "spam": set()}
    in_title: set[str] = set()
    for zone, hits in scan.zones:
        for hit in hits:
            for kind, text in hit.labels:
                if kind in terms:
                    terms[kind].add(text)
                    if zone.kind in SELF_ZONES:
                        in_title.add(kind)
    found: list[Finding] = []
    if terms["parked"]:
        found.append(
            Finding(
                "parked",
                f"La página dice «{sorted(terms['parked'])[0]}»: dominio estacionado o en venta.",
                "estacionado",
            )
        )
    if len(terms["gamble"]) >= rules.gambling_min or "gamble" in in_title:
        listed = ", ".join(f"«{t}»" for t in sorted(terms["gamble"])[:4])
        found.append(Finding("gambling", f"La página habla de casinos o apuestas: {listed}.", "apuestas"))
    if len(terms["spam"]) >= rules.unrelated_min or "spam" in in_title:
        listed = ", ".join(f"«{t}»" for t in sorted(terms["spam"])[:4])
        found.append(Finding("unrelated_content", f"La página trae contenido ajeno a un gobierno: {listed}."))
    return found


def _other_municipality(scan: Scan) -> list[Finding]:
    """The page is about another Edomex municipality (its title or header), or the body names another far more."""
    by_cve, cve = scan.context.by_cve, scan.m.cve_inegi
    if scan.about and cve not in scan.about:
        zone, hit = next((z, h) for z, hits in scan.strong() for h in hits if scan.about & {c for c, _ in munis(h)})
        other = by_cve[munis(hit)[0][0]].nombre
        texto = f"{ZONE_NAMES[zone.kind]} es de {other}: «{clip(zone.text)}»."
        return [Finding("other_municipality", texto, "otra_entidad")]
    if scan.about:
        return []
    rules, counts = scan.context.rules, muni_counts(scan)
    mine = counts.get(cve, 0)
    for other, count in counts.most_common(1):
        if other != cve and count >= rules.other_body_min and count >= rules.other_body_ratio * max(mine, 1):
            texto = f"El cuerpo de la página nombra {count} veces a {by_cve[other].nombre} y {mine} a {scan.m.nombre}."
            return [Finding("other_municipality", texto, "otra_entidad")]
    return []


def _directory(scan: Scan) -> list[Finding]:
    """A page naming many municipalities is a directory unless its title or header is m's alone."""
    counts = muni_counts(scan)
    if len(counts) < scan.context.rules.directory_min or scan.about == {scan.m.cve_inegi}:
        return []
    return [
        Finding(
            "directory", f"La página nombra {len(counts)} municipios distintos: es un directorio, no el sitio de uno."
        )
    ]


def _agency(scan: Scan) -> list[Finding]:
    """The title or site name is a municipal agency's (DIF, water utility, sports institute), not the ayuntamiento's."""
    for zone, hits in scan.strong():
        if zone.kind in SELF_ZONES:
            hit = next((h for h in hits if has(h, "agency")), None)
            if hit is not None:
                texto = f"{ZONE_NAMES[zone.kind]} es de un organismo municipal («{scan.said(zone, hit)}»): «{clip(zone.text)}»."
                return [Finding("municipal_agency", texto)]
    return []


def hijack_findings(scan: Scan) -> list[Finding]:
    """Every evidence against the page being m's site."""
    found = [*_other_state_finding(scan), *_vocabulary(scan), *_other_municipality(scan), *_directory(scan)]
    return [*found, *_agency(scan)]
