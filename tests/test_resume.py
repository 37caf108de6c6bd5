"""`vigia rastrear --reanudar`: only the missed municipality × stage pairs are planned and crawled; the new run closes
complete when every pair is now read (crawler.resume, vigia.cli.crawl)."""

from __future__ import annotations

import json
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from checks.catalogue import load_catalogue
from checks.model import Unread
from config.registry import Municipality, load_registry
from crawler import pipeline
from crawler.resume import Resume, resume_and_store
from crawler.settings import CrawlSettings
from crawler.source import SourcePlan
from spiders.sitio.source import source_report
from storage.db import Database
from storage.repository import finish_run, get_run, record_ipomex, record_site, run_results, start_run
from tests.storage.factories import capture, report
from tests.test_crash import write_registry
from tests.test_pipeline import FakeStore, ipomex_report, municipalities
from vigia.cli import app

RUN_DATE = date(2026, 11, 24)


class FakeResumeStore(FakeStore):
    """The pipeline's fake store, able to open a resuming run."""

    def __init__(self) -> None:
        super().__init__()
        self.resumed: tuple[int, dict[str, object], dict[str, Collection[str]]] | None = None

    def resume(
        self,
        run_id: int,
        municipalities: Sequence[Municipality],
        params: dict[str, object],
        stages: Mapping[str, Collection[str]],
    ) -> tuple[int, dict[str, int]]:
        self.resumed = (run_id, params, dict(stages))
        return 8, {"sitio": 2, "ipomex": 1}


class Planned:
    """Stands in for the crawl: remembers what each source planned and reads every target successfully."""

    def __init__(self) -> None:
        self.targets: dict[str, list[str]] = {}

    def __call__(
        self, plans: Mapping[str, SourcePlan], _cfg: Any, _date: Any, _spool: str | None = None
    ) -> Iterator[object]:
        self.targets = {module: [t.cve_inegi for t in plan.targets] for module, plan in plans.items()}
        for target in plans["spiders.sitio"].targets:
            yield source_report(report(target.cve_inegi, {"sitio.disponible": "cumple"}))
        for target in plans["spiders.ipomex"].targets:
            yield ipomex_report(target.cve_inegi, None)


def missed(town: Municipality, stage: str, reason: str = "ipomex_sin_tiempo") -> Unread:
    return Unread(town.cve_inegi, town.nombre, stage, reason, "sin leer")


def with_ipomex(towns: list[Municipality]) -> list[Municipality]:
    return [replace(m, ipomex_url=f"https://ipomex.example/{m.cve_inegi}") for m in towns]


def test_only_the_missed_pairs_are_crawled_and_the_night_completes(monkeypatch: pytest.MonkeyPatch) -> None:
    towns = with_ipomex(municipalities(3))
    crawl = Planned()
    monkeypatch.setattr(pipeline, "crawl", crawl)
    store = FakeResumeStore()
    resume = Resume(5, [missed(towns[0], "ipomex"), missed(towns[1], "sitio", "sitio_sin_tiempo")])
    summary = resume_and_store(store, resume, towns, CrawlSettings(), RUN_DATE)
    assert crawl.targets == {"spiders.sitio": [towns[1].cve_inegi], "spiders.ipomex": [towns[0].cve_inegi]}
    assert summary.status == "complete" and store.finished == ("complete", None) and store.unread == []
    assert (summary.run_id, summary.resumed_run_id, summary.carried) == (8, 5, {"sitio": 2, "ipomex": 1})
    assert store.resumed is not None and store.resumed[0] == 5 and store.resumed[1]["reanuda"] == 5
    assert store.resumed[2] == {"sitio": {"sitio"}, "ipomex": {"ipomex", "ipomex3", "ipomex4", "ipomex_legado"}}
    assert [s.cve_inegi for s in store.sites] == [towns[1].cve_inegi]


def test_a_pair_no_source_can_plan_stays_unread(monkeypatch: pytest.MonkeyPatch) -> None:
    towns = with_ipomex(municipalities(2))
    monkeypatch.setattr(pipeline, "crawl", Planned())
    store = FakeResumeStore()
    gone = Municipality(**{**towns[1].__dict__, "cve_inegi": "15999", "nombre": "Fuera del registro"})
    lost = [missed(towns[0], "ipomex"), missed(gone, "sitio", "sitio_sin_tiempo")]
    # IPOMEX switched off tonight, and a municipality no longer in the registry: neither can be read.
    summary = resume_and_store(store, Resume(5, lost), towns, CrawlSettings(ipomex=False), RUN_DATE)
    assert summary.status == "partial" and store.unread == lost
    assert summary.error is not None and "Fuera del registro (15999)" in summary.error


# The CLI, on a database with a partial night of three municipalities of a registry file with their sites.
TOWNS = [m.with_site(f"https://{m.cve_inegi}.example.gob.mx/") for m in load_registry()[:3]]


def partial_night(db: Database) -> int:
    run_id = start_run(db, "crawl", TOWNS, {"run_date": RUN_DATE.isoformat()})
    for town in TOWNS:
        failure = "sitio_sin_tiempo" if town.cve_inegi == "15003" else None
        record_site(db, run_id, report(town.cve_inegi, {"sitio.disponible": "cumple"}, failure=failure))
        record_ipomex(db, run_id, capture(town.cve_inegi, "ipomex4"), [])
    lost = [Unread("15003", TOWNS[2].nombre, "sitio", "sitio_sin_tiempo", "se agotó el tiempo")]
    finish_run(db, run_id, "partial", "Corrida parcial", catalogue=load_catalogue(), unread=lost)
    return run_id


def invoke(*args: str) -> Any:
    return CliRunner().invoke(app, list(args), env={"COLUMNS": "200"})


@pytest.fixture
def registry_file(tmp_path: Path) -> str:
    path = tmp_path / "municipios.csv"
    write_registry(path, TOWNS)
    return str(path)


def test_vigia_crawl_reanudar_completes_the_newest_partial_run(
    db: Database, db_url: str, vigia_home: Path, registry_file: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    partial = partial_night(db)
    report_json = invoke("report", "--db", db_url, "--format", "json", "-m", "15003")
    (row,) = json.loads(report_json.stdout)
    assert row["sin_leer"] == [
        {"corrida": partial, "etapa": "sitio", "motivo": "sitio_sin_tiempo", "detalle": "se agotó el tiempo"}
    ]
    shown = invoke("report", "--db", db_url, "-m", "15003")
    assert (
        f"Corrida {partial} parcial: 1 etapa sin leer" in shown.output and "vigia rastrear --reanudar" in shown.output
    )

    crawl = Planned()
    monkeypatch.setattr(pipeline, "crawl", crawl)
    result = invoke("crawl", "--reanudar", "--db", db_url, "--registro", registry_file)
    assert result.exit_code == 0, result.output
    assert crawl.targets == {"spiders.sitio": ["15003"], "spiders.ipomex": []}
    assert f"Reanuda la corrida {partial}" in result.output and "2 sitios, 3 municipios en IPOMEX" in result.output
    resumed = partial + 1
    run = get_run(db, resumed)
    assert run is not None and (run.status, run.resumes_run_id, run.params["run_date"]) == (
        "complete",
        partial,
        RUN_DATE.isoformat(),
    )
    assert [item.cve_inegi for item in run_results(db, resumed)] == ["15001", "15002", "15003"]
    again = invoke("crawl", "--reanudar", str(partial), "--db", db_url)
    assert again.exit_code == 1 and f"ya fue reanudada por la corrida {resumed}" in " ".join(again.output.split())
    assert "sin_leer" in invoke("report", "--db", db_url, "--format", "json").output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["crawl", "--reanudar"], "No hay ninguna corrida parcial"),
        (["crawl", "7"], "sólo se indica con --reanudar"),
        (["crawl", "--reanudar", "-m", "Toluca"], "no se combina con --municipio"),
    ],
)
def test_what_reanudar_refuses(db_url: str, vigia_home: Path, args: list[str], message: str) -> None:
    result = invoke(*args, "--db", db_url)
    assert result.exit_code == 1 and message in " ".join(result.output.split())
