"""Seeded IPOMEX plan: generation and behaviour per municipality, and what each of its 87 fractions shows."""

from __future__ import annotations

import base64
import hashlib
import random
import re
import uuid
from dataclasses import dataclass, replace
from datetime import date, timedelta

from config.registry import FIRST_CVE, LAST_CVE, Municipality
from core.text import fold
from simulator.ipomex_model import (
    CAPTCHA,
    COLUMNS,
    COMPLETE,
    EMPTY,
    ERROR,
    IPOMEX3,
    IPOMEX4,
    LEGACY,
    MISSING_FRACTIONS,
    NO_APLICA,
    NO_IPOMEX,
    NORMAL,
    STALE,
    TIMEOUT,
    Documento,
    IpomexFraction,
    IpomexRecord,
    IpomexSite,
    due_quarter_end,
    quarter_end_on_or_before,
    quarter_start,
)
from simulator.obligaciones import Fraccion, catalogue

NO_IPOMEX_COUNT, IPOMEX3_COUNT = 3, 20
# Legacy-generation municipalities: the slugs seen in the wild (../shared/data: sitios_candidatos.csv and the
# README's IPOMEX facts), plus LEGACY_SEEDED claves taken from the end of the seeded order.
KNOWN_LEGACY_SLUGS = {"15070": "lapaz", "15104": "tlalnepantla"}
LEGACY_SEEDED = 2
# Behaviours by position in each generation's seeded order; the rest are normal.
IPOMEX3_BEHAVIOURS = (CAPTCHA, CAPTCHA, TIMEOUT, MISSING_FRACTIONS, MISSING_FRACTIONS)
IPOMEX4_BEHAVIOURS = (
    CAPTCHA,
    CAPTCHA,
    CAPTCHA,
    TIMEOUT,
    TIMEOUT,
    MISSING_FRACTIONS,
    MISSING_FRACTIONS,
    MISSING_FRACTIONS,
)
# IPOMEX 3 quirks by position among the IPOMEX 3 municipalities (fixed, so every quirk is always present).
PERMUTED_COLUMNS = frozenset({4, 6, 9, 15})
IRREGULAR_SLUGS = frozenset({3, 7, 9, 12, 16})
LABEL_STYLES = {5: "upper", 10: "upper", 14: "upper", 6: "dash", 11: "dash", 17: "dash"}
ID_CASES = {3: "upper", 8: "upper", 13: "upper", 18: "upper", 6: "camel", 16: "camel"}
# Pages the source linked under another name (see the header of config/obligaciones.yaml).
IRREGULAR = {
    "ipomex.92.ii_a": "organigramas.web",
    "ipomex.92.xv": "art_92_ix_v.web",
    "ipomex.92.xlv": "art_92_xlv_a.web",
    "ipomex.92.l_a": "art_92_l.web",
}
LIKELY_NO_APLICA = frozenset(
    {
        "ipomex.92.li_a",
        "ipomex.92.li_b",
        "ipomex.92.li_c",
        "ipomex.92.l_a",
        "ipomex.92.l_b",
        "ipomex.92.xxxix_c",
        "ipomex.92.xlvi_a",
        "ipomex.92.xlvi_b",
        "ipomex.92.xx_b",
        "ipomex.92.xxvi",
    }
)
JUSTIFICATIONS = (
    "De conformidad con la Tabla de Aplicabilidad aprobada por el Pleno del INFOEM, esta fracción no es aplicable "
    "al sujeto obligado, toda vez que no cuenta con atribuciones en la materia.",
    "No aplica: durante el ejercicio que se informa no se actualizó el supuesto previsto en esta fracción, conforme "
    "a la Tabla de Aplicabilidad vigente.",
    "Esta obligación corresponde a otro sujeto obligado según la Tabla de Aplicabilidad autorizada.",
)
COMMUNICATIONS = (
    "El H. Ayuntamiento no tiene facultades para solicitar la intervención de comunicaciones privadas; "
    "por ello la información de esta fracción no le resulta aplicable."
)
COUNCIL = (
    "El sujeto obligado no cuenta con un consejo consultivo, por lo que no genera la información de esta fracción."
)
SPECIFIC_JUSTIFICATIONS = {
    "ipomex.92.li_a": COMMUNICATIONS,
    "ipomex.92.li_b": COMMUNICATIONS,
    "ipomex.92.li_c": COMMUNICATIONS,
    "ipomex.92.l_a": COUNCIL,
    "ipomex.92.l_b": COUNCIL,
}
AREAS = (
    "Tesorería Municipal",
    "Secretaría del Ayuntamiento",
    "Dirección de Administración",
    "Unidad de Transparencia",
    "Contraloría Interna Municipal",
    "Dirección de Obras Públicas",
    "Dirección de Desarrollo Social",
    "Dirección Jurídica y Consultiva",
    "Unidad de Información, Planeación, Programación y Evaluación",
)
NOTAS = (
    "",
    "Sin observaciones.",
    "La información se publica conforme a los Lineamientos Técnicos Generales.",
    "Información correspondiente al periodo que se informa.",
    "Los documentos se encuentran en formato PDF.",
)


@dataclass(frozen=True)
class Assignment:
    """What the seed decided for one clave: generation, behaviour, IPOMEX 3 position and IPOMEX 4 id."""

    generation: str
    behaviour: str
    position: int
    ipo4_id: int


def hash_order(seed: int, salt: str) -> list[str]:
    """All 125 claves in a seed-keyed hash order (never depends on which municipalities are built)."""
    claves = [str(c) for c in range(FIRST_CVE, LAST_CVE + 1)]
    return sorted(claves, key=lambda c: hashlib.sha256(f"vigia-sim:{seed}:{salt}:{c}".encode()).hexdigest())


def assign_ipomex(seed: int) -> dict[str, Assignment]:
    """Generation and behaviour of every clave: 3 without IPOMEX, 20 on IPOMEX 3, a few on the legacy generation,
    the rest on IPOMEX 4."""
    result = _assign_current(seed)
    seeded = [c for c in reversed(hash_order(seed, "ipomex")) if c not in KNOWN_LEGACY_SLUGS][:LEGACY_SEEDED]
    for position, cve in enumerate([*KNOWN_LEGACY_SLUGS, *seeded]):
        result[cve] = replace(result[cve], generation=LEGACY, behaviour=NORMAL, position=position)
    return result


def _assign_current(seed: int) -> dict[str, Assignment]:
    """Generation and behaviour of every clave on the current generations: 3 without IPOMEX, 20 on IPOMEX 3, the
    rest on IPOMEX 4."""
    order = hash_order(seed, "ipomex")
    claves = [str(c) for c in range(FIRST_CVE, LAST_CVE + 1)]
    ids = dict(
        zip(claves, random.Random(f"vigia-sim:{seed}:ipomex4-ids").sample(range(101, 400), len(claves)), strict=True)
    )
    result: dict[str, Assignment] = {}
    behaviours: tuple[str, ...]
    for position, cve in enumerate(order):
        if position < NO_IPOMEX_COUNT:
            generation, behaviours, index = NO_IPOMEX, (NO_IPOMEX,), position
        elif position < NO_IPOMEX_COUNT + IPOMEX3_COUNT:
            generation, behaviours, index = IPOMEX3, IPOMEX3_BEHAVIOURS, position - NO_IPOMEX_COUNT
        else:
            generation, behaviours, index = IPOMEX4, IPOMEX4_BEHAVIOURS, position - NO_IPOMEX_COUNT - IPOMEX3_COUNT
        behaviour = behaviours[index] if index < len(behaviours) else NORMAL
        result[cve] = Assignment(generation, NO_IPOMEX if generation == NO_IPOMEX else behaviour, index, ids[cve])
    return result


def assignment_for(portals: dict[str, Assignment], seed: int, cve: str) -> Assignment:
    """The clave's assignment; a clave outside the 125 (a synthetic scale municipality) copies the generation and
    quirks of a seed-chosen real one, always behaves normally, and takes its own clave as IPOMEX 4 id."""
    found = portals.get(cve)
    if found is not None:
        return found
    claves = sorted(portals)
    digest = hashlib.sha256(f"vigia-sim:{seed}:ipomex-clone:{cve}".encode()).digest()
    model = portals[claves[int.from_bytes(digest[:8], "big") % len(claves)]]
    # Captchas and hangs stay with the 125 real claves: at scale they would only slow every benchmark down.
    behaviour = NO_IPOMEX if model.generation == NO_IPOMEX else NORMAL
    return Assignment(model.generation, behaviour, model.position, int(cve))


def ipo3_id(nombre: str, case: str) -> str:
    """IPOMEX 3 index id: the name without spaces or accents, lower, upper or CamelCase."""
    words = re.sub(r"[^a-z0-9 ]", "", fold(nombre)).split()
    if case == "camel":
        return "".join(w.capitalize() for w in words)
    joined = "".join(words)
    return joined.upper() if case == "upper" else joined


def legacy_slug(nombre: str) -> str:
    """A legacy slug as the real ones look: the name up to its first "de", without spaces or accents
    ("Tlalnepantla de Baz" → "tlalnepantla"); the adapters never derive it, they take it from the registry."""
    words = re.sub(r"[^a-z0-9 ]", "", fold(nombre)).split()
    head = words[: words.index("de")] if "de" in words[1:] else words
    return "".join(head)


def link_label(f: Fraccion, style: str) -> str:
    """Link text of a fraction in the IPOMEX 3 index ("Fracción II A. …", "FRACCIÓN II A. …", "Fraccion II-A. …")."""
    if style == "upper":
        return f"FRACCIÓN {f.fraccion}. {f.titulo.upper()}"
    if style == "dash":
        return f"Fraccion {f.roman}{'-' + f.letter if f.letter else ''}. {f.titulo}"
    return f"Fracción {f.fraccion}. {f.titulo}"


def justification(rng: random.Random, fraction_id: str) -> str:
    """Why a fraction does not apply: the specific reason where there is one, else a generic one."""
    generic = rng.choice(JUSTIFICATIONS)
    return SPECIFIC_JUSTIFICATIONS.get(fraction_id, generic)


def choose_state(rng: random.Random, fraction_id: str, diligence: float) -> str:
    """What one fraction shows: no aplica, a failing data request, or complete, stale or empty records."""
    if rng.random() < (0.45 if fraction_id in LIKELY_NO_APLICA else 0.025):
        return NO_APLICA
    roll = rng.random()
    if roll < 0.012:
        return ERROR
    if roll < 0.012 + diligence:
        return COMPLETE
    return STALE if rng.random() < 0.6 else EMPTY


class RecordMaker:
    """Records of one municipality's fractions, dated against the run date."""

    def __init__(self, rng: random.Random, run_date: date, cve: str, sujeto: int) -> None:
        self.rng, self.run_date, self.cve, self.sujeto = rng, run_date, cve, sujeto
        self.due = due_quarter_end(run_date, catalogue().gracia_dias)

    def for_state(self, f: Fraccion, state: str) -> tuple[IpomexRecord, ...]:
        """Complete: newest update 5–20 days after the due quarter closed; stale: newest ≥ 200 days old."""
        if state == COMPLETE:
            return self.series(f, self.due, self.rng.randint(1, 4))
        if state == STALE:
            target = self.run_date - timedelta(days=self.rng.randint(200, 520))
            return self.series(f, quarter_end_on_or_before(target - timedelta(days=20)), self.rng.randint(1, 3))
        return ()

    def series(self, f: Fraccion, newest_end: date, count: int) -> tuple[IpomexRecord, ...]:
        """count quarterly records, newest first, the newest covering the quarter ending on newest_end."""
        records, end = [], newest_end
        for _ in range(count):
            updated = end + timedelta(days=self.rng.randint(5, 20))
            validated = updated + timedelta(days=self.rng.randint(0, 3))
            start = quarter_start(end)
            records.append(
                IpomexRecord(
                    start.year,
                    start,
                    end,
                    updated,
                    validated,
                    self.rng.choice(AREAS),
                    self.rng.choice(NOTAS),
                    self.documents(f, end, updated),
                )
            )
            end = start - timedelta(days=1)
        return tuple(records)

    def documents(self, f: Fraccion, end: date, updated: date) -> tuple[Documento, ...]:
        """0–2 attached files under /recursos/ipo/files_ipo/<year>/<sujeto>/<month>/<hash>.pdf."""
        result = []
        for n in range(self.rng.choice((0, 1, 1, 2))):
            digest = hashlib.md5(f"{self.cve}:{f.id}:{end}:{n}".encode()).hexdigest()
            suffix = "_anexo" if n else ""
            name = f"Formato_{f.fraccion.replace(' ', '_')}_{(end.month + 2) // 3}T_{end.year}{suffix}.pdf"
            result.append(
                Documento(name, f"/recursos/ipo/files_ipo/{updated.year}/{self.sujeto}/{updated.month}/{digest}.pdf")
            )
        return tuple(result)


def opaque_id(seed: int, cve: str, fraction_id: str) -> str:
    """IPOMEX 4 obligation id: a UUID derived from the seed, the clave and the fraction."""
    return str(uuid.UUID(bytes=hashlib.sha256(f"{seed}:{cve}:{fraction_id}".encode()).digest()[:16]))


def sitekey(seed: int, cve: str) -> str:
    """A reCAPTCHA-looking site key."""
    digest = base64.urlsafe_b64encode(hashlib.sha256(f"sitekey:{seed}:{cve}".encode()).digest()).decode()
    return "6Lc" + digest[:37]


def build_fractions(
    rng: random.Random, seed: int, m: Municipality, a: Assignment, maker: RecordMaker
) -> tuple[IpomexFraction, ...]:
    """Every fraction of one municipality, in catalogue order."""
    fracciones = catalogue().fracciones
    diligence = rng.uniform(0.2, 0.95)
    missing = (
        set(rng.sample([f.id for f in fracciones], rng.randint(2, 5))) if a.behaviour == MISSING_FRACTIONS else set()
    )
    irregular = a.generation in (IPOMEX3, LEGACY) and a.position in IRREGULAR_SLUGS
    style = LABEL_STYLES.get(a.position, "plain") if a.generation == IPOMEX3 else "plain"
    result = []
    for f in fracciones:
        state = choose_state(rng, f.id, diligence)
        link_style = style if rng.random() < 0.9 else rng.choice(("plain", "upper", "dash"))
        result.append(
            IpomexFraction(
                f.id,
                f.fraccion,
                f.titulo,
                state,
                f.id not in missing,
                maker.for_state(f, state),
                justification(rng, f.id) if state == NO_APLICA else None,
                IRREGULAR.get(f.id, f.page) if irregular else f.page,
                link_label(f, link_style),
                rng.choices(("root", "relative", "absolute"), (6, 3, 2))[0],
                opaque_id(seed, m.cve_inegi, f.id),
            )
        )
    return tuple(result)


def build_ipomex(m: Municipality, seed: int, run_date: date, a: Assignment) -> IpomexSite:
    """How one municipality appears on the simulated IPOMEX, fully determined by (seed, clave, run_date)."""
    nombre = f"H. Ayuntamiento de {m.nombre}"
    if a.generation == NO_IPOMEX:
        return IpomexSite(NO_IPOMEX, NO_IPOMEX, nombre)
    rng = random.Random(f"vigia-sim:{seed}:ipomex:{m.cve_inegi}")
    maker = RecordMaker(rng, run_date, m.cve_inegi, a.ipo4_id)
    fractions = build_fractions(rng, seed, m, a, maker)
    if rng.random() < 0.3:  # some portals list the oldest record first
        fractions = tuple(_oldest_first(f) for f in fractions)
    if a.generation == IPOMEX4:
        return IpomexSite(IPOMEX4, a.behaviour, nombre, None, a.ipo4_id, fractions, sitekey=sitekey(seed, m.cve_inegi))
    if a.generation == LEGACY:
        slug = KNOWN_LEGACY_SLUGS.get(m.cve_inegi) or legacy_slug(m.nombre)
        if int(m.cve_inegi) > LAST_CVE:  # a synthetic clone: its truncated name would be its model's slug
            slug += m.cve_inegi
        return IpomexSite(
            LEGACY, a.behaviour, nombre, fractions=fractions, legacy_id=slug, excel_date_cells=a.position % 2 == 1
        )
    columns = COLUMNS
    if a.position in PERMUTED_COLUMNS:
        columns = tuple(rng.sample(COLUMNS, len(COLUMNS)))
        columns = columns if columns != COLUMNS else (*COLUMNS[1:], COLUMNS[0])
    return IpomexSite(
        IPOMEX3,
        a.behaviour,
        nombre,
        ipo3_id(m.nombre, ID_CASES.get(a.position, "lower")),
        None,
        fractions,
        columns,
        rng.random() < 0.4,
        sitekey(seed, m.cve_inegi),
    )


def _oldest_first(f: IpomexFraction) -> IpomexFraction:
    """The same fraction with its records in ascending order."""
    return replace(f, records=tuple(reversed(f.records)))
