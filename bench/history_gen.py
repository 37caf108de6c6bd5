"""Generate nightly runs through the real schema with the repository's own helpers, as fast as SQLite allows.

Each night: a run, a site outcome, a page log of ~30 pages and an IPOMEX capture per municipality, and one result
per site check of the catalogue and per obligation (87) of each municipality, of which ~2% change status and ~0.5%
refresh their evidence; the run is then closed as complete and its change rows and scores written, exactly as
storage.repository.finish_run does.
"""

from __future__ import annotations

import random
import sqlite3
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, event, insert, make_url, update

from checks.catalogue import load_catalogue
from checks.model import PageRecord
from checks.obligations import load_obligations
from config.registry import Municipality, load_registry
from storage.compact import DetailValues, detail_digest, encode_pages, record_changes, resolve_details, resolve_keys
from storage.db import create_database_engine, open_database
from storage.models import (
    CheckResultRow,
    IpomexCaptureRow,
    MunicipalityRow,
    PageLogRow,
    RunRow,
    SiteOutcomeRow,
)
from storage.scores import store_run_scores

# 08:00 UTC is 02:00 in Mexico City: every run finishes on the local day it started.
GENERATION_START = datetime(2025, 6, 2, 8, tzinfo=UTC)
IPOMEX_SOURCE, LAW = "ipomex3", "LTAIPEMyM:2016"
CHANGE_SHARE, REFRESH_SHARE, PAGES_PER_SITE, PAGE_CHURN = 0.02, 0.005, 30, 0.1
SITE_WEIGHTS = {"cumple": 50, "no_cumple": 35, "indeterminado": 15}
IPOMEX_WEIGHTS = {"cumple": 45, "no_cumple": 30, "indeterminado": 15, "no_aplica": 10}
WORDS = (
    "ayuntamiento",
    "transparencia",
    "cabildo",
    "presidencia",
    "municipal",
    "acta",
    "sesión",
    "ordinaria",
    "tesorería",
    "presupuesto",
    "egresos",
    "ingresos",
    "ejercicio",
    "fiscal",
    "informe",
    "trimestral",
    "obra",
    "pública",
    "licitación",
    "convocatoria",
    "contraloría",
    "ciudadana",
    "trámite",
    "servicio",
    "atención",
    "oficio",
    "reglamento",
    "bando",
    "gaceta",
    "publicación",
    "dirección",
    "desarrollo",
    "urbano",
    "agua",
)
SECTIONS = ("transparencia", "gaceta", "tramites", "cabildo", "tesoreria", "obras", "noticias", "contacto")


@dataclass
class Cell:
    """The current status and detail of one municipality's check."""

    status: str
    values: DetailValues
    digest: str


def municipalities(count: int) -> list[Municipality]:
    """The first `count` real municipalities; beyond 125, clones with claves from 20001 upward."""
    real = load_registry()
    extra = [
        replace(real[i % len(real)], cve_inegi=f"{20001 + i}", nombre=f"{real[i % len(real)].nombre} ({i + 1})")
        for i in range(max(0, count - len(real)))
    ]
    return (real + extra)[:count]


def stored_shape(path: Path) -> tuple[int, int, int] | None:
    """(municipalities, days, seed) of a finished generation in the file, or None."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        row = connection.execute("SELECT municipalities, days, seed FROM bench_meta").fetchone()
    except sqlite3.Error:
        return None
    finally:
        connection.close()
    return tuple(row) if row else None


def generated_size(path: Path) -> tuple[int, int]:
    """(bytes of every table and index page per dbstat, bytes of the database file) after a checkpoint."""
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        used = connection.execute("SELECT sum(pgsize) FROM dbstat").fetchone()[0]
    finally:
        connection.close()
    return int(used), path.stat().st_size


def generate(path: Path, count: int, days: int, seed: int) -> None:
    """Fill a new database file with `days` complete nightly runs of `count` municipalities."""
    url = f"sqlite:///{path}"
    open_database(url).dispose()  # Migrated by the real code path.
    engine = _fast_engine(url)
    try:
        night = _Nights(municipalities(count), random.Random(seed))
        with engine.begin() as conn:
            conn.execute(insert(MunicipalityRow), [_municipality(m) for m in night.registry])
        for day in range(days):
            with engine.begin() as conn:
                night.record(conn, day)
        with engine.begin() as conn:
            conn.exec_driver_sql("CREATE TABLE bench_meta (municipalities INTEGER, days INTEGER, seed INTEGER)")
            conn.exec_driver_sql(f"INSERT INTO bench_meta VALUES ({count}, {days}, {seed})")
    finally:
        engine.dispose()


def _fast_engine(url: str) -> Engine:
    engine = create_database_engine(make_url(url))

    @event.listens_for(engine, "connect")
    def _unsafe_but_fast(dbapi_connection: Any, _record: Any) -> None:
        # Generation only: a crash just means generating again.
        dbapi_connection.execute("PRAGMA synchronous = OFF")
        dbapi_connection.execute("PRAGMA cache_size = -262144")

    return engine


def _municipality(m: Municipality) -> dict[str, Any]:
    return {
        "cve_inegi": m.cve_inegi,
        "nombre": m.nombre,
        "cabecera": m.cabecera,
        "poblacion_2020": m.poblacion_2020,
        "conapo_im_2020": m.conapo_im_2020,
        "conapo_gm_2020": m.conapo_gm_2020,
        "region": m.region,
        "sitio_web": f"https://{_host(m.cve_inegi)}/",
        "sitio_estado": "confirmado",
        "updated_at": GENERATION_START,
    }


def _host(cve: str) -> str:
    return f"www.municipio{cve}.gob.mx"


class _Nights:
    """The evolving state of every municipality's checks and pages, recorded one night at a time."""

    def __init__(self, registry: list[Municipality], rng: random.Random) -> None:
        self.registry, self.rng = registry, rng
        self.checks = [(c.id, "sitio") for c in load_catalogue().site_checks()]
        self.checks += [(o.id, IPOMEX_SOURCE) for o in load_obligations().obligations]
        self.keys: dict[tuple[str, str], int] = {}
        self.digests: dict[str, int] = {}
        self.cells = {
            (m.cve_inegi, pair): self._cell(m.cve_inegi, pair, None) for m in registry for pair in self.checks
        }
        self.pages = {m.cve_inegi: self._pages(m.cve_inegi) for m in registry}
        self.fresh = list(self.cells)

    def _cell(self, cve: str, pair: tuple[str, str], old: str | None) -> Cell:
        weights = SITE_WEIGHTS if pair[1] == "sitio" else IPOMEX_WEIGHTS
        choices = [s for s in weights if s != old]
        status = self.rng.choices(choices, [weights[s] for s in choices])[0]
        values = self._values(cve, pair, status)
        return Cell(status, values, detail_digest(values))

    def _values(self, cve: str, pair: tuple[str, str], status: str) -> DetailValues:
        check_id, source = pair
        if source == "sitio":
            if status == "cumple":
                return (
                    None,
                    None,
                    f"https://{_host(cve)}/{self.rng.choice(SECTIONS)}/{self._slug()}.html",
                    self._snippet(),
                    None,
                    None,
                )
            if status == "indeterminado":
                reason = self.rng.choice(("timeout", "http_error", "js_required"))
                return reason, f"No se pudo revisar la página ({reason}).", None, None, None, None
            return None, None, None, None, None, None
        page = f"https://www.ipomex.org.mx/ipo3/lgt/indice/{cve}/{check_id.replace('.', '_')}.web"
        updated = date(2025, 1, 1) + timedelta(days=self.rng.randrange(500))
        return {
            "cumple": (None, None, page, None, LAW, updated),
            "no_cumple": ("outdated", "La última actualización supera el plazo de la ley.", page, None, LAW, updated),
            "indeterminado": (
                "not_listed",
                "La fracción no aparece entre las que se leyeron del índice.",
                None,
                None,
                LAW,
                None,
            ),
            "no_aplica": (None, "El municipio declaró que la fracción no le aplica.", page, None, LAW, None),
        }[status]

    def _slug(self) -> str:
        return "-".join(self.rng.choice(WORDS) for _ in range(3))

    def _snippet(self) -> str:
        target = self.rng.randrange(120, 201)
        words: list[str] = []
        while sum(len(w) + 1 for w in words) < target:
            words.append(self.rng.choice(WORDS))
        return " ".join(words)[:target].capitalize()

    def _pages(self, cve: str) -> list[PageRecord]:
        base = f"https://{_host(cve)}/"
        urls = [base] + [f"{base}{self.rng.choice(SECTIONS)}/{self._slug()}-{i}.html" for i in range(1, PAGES_PER_SITE)]
        return [
            PageRecord(
                url=url,
                final_url=url,
                status=200,
                content_hash=self.rng.randbytes(32).hex(),
                depth=min(i, 3),
                kind="pdf" if i % 7 == 6 else "html",
            )
            for i, url in enumerate(urls)
        ]

    def _mutate(self) -> None:
        """~2% of the results change status, ~0.5% refresh their evidence, ~10% of pages change content."""
        cells = list(self.cells)
        for index in self.rng.sample(range(len(cells)), k=int(len(cells) * CHANGE_SHARE)):
            cve, pair = cells[index]
            self.cells[cells[index]] = self._cell(cve, pair, self.cells[cells[index]].status)
            self.fresh.append(cells[index])
        for index in self.rng.sample(range(len(cells)), k=int(len(cells) * REFRESH_SHARE)):
            (cve, pair), cell = cells[index], self.cells[cells[index]]
            values = self._values(cve, pair, cell.status)
            self.cells[cells[index]] = Cell(cell.status, values, detail_digest(values))
            self.fresh.append(cells[index])
        for pages in self.pages.values():
            for i in self.rng.sample(range(len(pages)), k=int(len(pages) * PAGE_CHURN)):
                pages[i] = replace(pages[i], content_hash=self.rng.randbytes(32).hex())

    def record(self, conn: Connection, day: int) -> None:
        """One complete night, written as record_site, record_ipomex and finish_run would write it."""
        started = GENERATION_START + timedelta(days=day)
        if day:
            self._mutate()
        count = len(self.registry)
        run_id = conn.execute(
            insert(RunRow)
            .returning(RunRow.id)
            .values(
                kind="crawl",
                started_at=started,
                status="running",
                sites_planned=count,
                sites_done=count,
                pages_ok=count * PAGES_PER_SITE,
                pages_failed=0,
                hostname="bench",
                params="{}",
            )
        ).scalar_one()
        conn.execute(insert(SiteOutcomeRow), [_outcome(run_id, m.cve_inegi, started) for m in self.registry])
        conn.execute(
            insert(PageLogRow),
            [{"run_id": run_id, "cve_inegi": cve, "data": encode_pages(pages)} for cve, pages in self.pages.items()],
        )
        conn.execute(insert(IpomexCaptureRow), [_capture(run_id, m.cve_inegi, started) for m in self.registry])
        self._results(conn, run_id)
        finished = started + timedelta(hours=1)
        conn.execute(update(RunRow).where(RunRow.id == run_id).values(status="complete", finished_at=finished))
        record_changes(conn, run_id)
        store_run_scores(conn, run_id, load_catalogue(), finished)

    def _results(self, conn: Connection, run_id: int) -> None:
        self.keys = resolve_keys(conn, self.checks, self.keys)
        resolve_details(conn, [self.cells[key].values for key in self.fresh], self.digests)
        self.fresh = []
        # Per municipality in check order, as record_site inserts them.
        rows = [
            {
                "cve_inegi": cve,
                "check_key": self.keys[pair],
                "run_id": run_id,
                "status": cell.status,
                "detail_id": self.digests[cell.digest],
            }
            for (cve, pair), cell in self.cells.items()
        ]
        conn.execute(insert(CheckResultRow), rows)


def _outcome(run_id: int, cve: str, night: datetime) -> dict[str, Any]:
    home = f"https://{_host(cve)}/"
    return {
        "run_id": run_id,
        "cve_inegi": cve,
        "start_url": home,
        "home_url": home,
        "failure": None,
        "failure_detail": None,
        "pages_ok": PAGES_PER_SITE,
        "pages_failed": 0,
        "truncated": False,
        "seconds": 20.0,
        "https_valid": True,
        "https_error": None,
        "http_redirects_to_https": True,
        "network_suspect": False,
        "recorded_at": night + timedelta(minutes=30),
    }


def _capture(run_id: int, cve: str, night: datetime) -> dict[str, Any]:
    return {
        "run_id": run_id,
        "cve_inegi": cve,
        "source": IPOMEX_SOURCE,
        "index_url": f"https://www.ipomex.org.mx/ipo3/lgt/indice/m{cve}.web",
        "captured_at": night + timedelta(minutes=40),
        "failure": None,
        "failure_detail": None,
        "fractions_read": 87,
        "browser_pages": 0,
    }
