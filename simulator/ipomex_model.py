"""Data of the simulated IPOMEX: generation and behaviour per municipality, fractions, records and their truth."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from simulator.catalogue import CUMPLE, INDETERMINADO, NO_CUMPLE
from simulator.obligaciones import fraction_ids

NO_APLICA = "no_aplica"
# Generation of the portal a municipality publishes on; "none": the registry knows no IPOMEX address for it.
# ipomex_legado: the legacy generation (/ipo/lgt/indice/<slug>.web) some municipalities still link.
IPOMEX3, IPOMEX4, LEGACY, NO_IPOMEX = "ipomex3", "ipomex4", "ipomex_legado", "none"
# Behaviour of the portal for that municipality.
NORMAL, CAPTCHA, TIMEOUT, MISSING_FRACTIONS = "normal", "captcha", "timeout", "missing_fractions"
UNREADABLE = frozenset({CAPTCHA, TIMEOUT, NO_IPOMEX})
# What one fraction shows.
COMPLETE, STALE, EMPTY, ERROR = "complete", "stale", "empty", "error"
FRACTION_TRUTH = {COMPLETE: CUMPLE, STALE: NO_CUMPLE, EMPTY: NO_CUMPLE, NO_APLICA: NO_APLICA, ERROR: INDETERMINADO}
# Columns of a records table, keyed as the data carries them; the header text is what the adapter must map.
HEADERS: dict[str, str] = {
    "ejercicio": "Ejercicio",
    "fecha_inicio": "Fecha de inicio del periodo que se informa",
    "fecha_termino": "Fecha de término del periodo que se informa",
    "fecha_actualizacion": "Fecha de actualización",
    "fecha_validacion": "Fecha de validación",
    "area": "Área(s) responsable(s)",
    "nota": "Nota",
    "documentos": "Documentos",
}
COLUMNS: tuple[str, ...] = tuple(HEADERS)


@dataclass(frozen=True)
class Documento:
    """A file attached to a record; path is on the IPOMEX host (/recursos/ipo/files_ipo/...)."""

    nombre: str
    path: str


@dataclass(frozen=True)
class IpomexRecord:
    """One published row of a fraction's format."""

    ejercicio: int
    inicio: date
    termino: date
    actualizacion: date
    validacion: date
    area: str
    nota: str
    documentos: tuple[Documento, ...] = ()


@dataclass(frozen=True)
class IpomexFraction:
    """One fraction of one municipality: what it shows and how the portal names and links it."""

    id: str
    fraccion: str
    titulo: str
    state: str
    listed: bool
    records: tuple[IpomexRecord, ...]
    justificacion: str | None
    slug: str  # IPOMEX 3 page name, e.g. art_92_ii_a.web (or an irregular one such as organigramas.web)
    label: str  # IPOMEX 3 link text, e.g. "FRACCIÓN II A. ESTRUCTURA ORGÁNICA"
    href_style: str  # IPOMEX 3 href form in the index: "root", "relative" or "absolute"
    obl_id: str  # IPOMEX 4 opaque obligation id

    @property
    def newest_update(self) -> date | None:
        """The newest fecha de actualización among the records."""
        return max((r.actualizacion for r in self.records), default=None)


@dataclass(frozen=True)
class IpomexSite:
    """How one municipality appears on the simulated IPOMEX (every generation shares this shape)."""

    generation: str
    behaviour: str
    nombre: str  # "H. Ayuntamiento de <Nombre>"
    ipo3_id: str | None = None  # IPOMEX 3 index id, e.g. "zinacantepec" or "SANMATEOATENCO"
    ipo4_id: int | None = None  # IPOMEX 4 numeric sujeto id
    fractions: tuple[IpomexFraction, ...] = ()
    columns: tuple[str, ...] = COLUMNS  # IPOMEX 3 column order
    data_on_div: bool = False  # IPOMEX 3 shell: data-fuente on #registros instead of on the <script>
    sitekey: str = ""
    legacy_id: str | None = None  # legacy index slug, e.g. "lapaz" or "tlalnepantla"
    excel_date_cells: bool = False  # legacy Excel export: dates as Excel date cells instead of text

    @property
    def slug(self) -> str | None:
        """The index id of the generation it publishes on (IPOMEX 3 or legacy), None on IPOMEX 4."""
        return self.legacy_id if self.generation == LEGACY else self.ipo3_id

    def fraction(self, fraction_id: str) -> IpomexFraction:
        """A fraction by its check id."""
        return next(f for f in self.fractions if f.id == fraction_id)

    def truth(self) -> dict[str, str]:
        """Expected status of each of the 87 obligations."""
        if self.generation == NO_IPOMEX or self.behaviour in UNREADABLE:
            return dict.fromkeys(fraction_ids(), INDETERMINADO)
        shown = {f.id: FRACTION_TRUTH[f.state] if f.listed else INDETERMINADO for f in self.fractions}
        return {fid: shown[fid] for fid in fraction_ids()}


def quarter_end_on_or_before(day: date) -> date:
    """Last day of the latest calendar quarter that ends on or before day."""
    after = day + timedelta(days=1)
    first_month = (after.month - 1) // 3 * 3 + 1
    return date(after.year, first_month, 1) - timedelta(days=1)


def quarter_start(end: date) -> date:
    """First day of the quarter that ends on end."""
    return date(end.year, end.month - 2, 1)


def due_quarter_end(run_date: date, grace_days: int = 30) -> date:
    """End of the latest quarter whose end + grace_days ≤ run_date: the period that must be published."""
    return quarter_end_on_or_before(run_date - timedelta(days=grace_days))
