"""Alert detection: confirmation, flapping, indeterminado skipped, site outages, routing and idempotency."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import func, select

from alerts.detect import detect_changes, render_plain
from alerts.model import AlertError, DetectionResult
from checks.catalogue import load_catalogue
from checks.model import Status
from config.operation import AlertsConfig, Recipient, SmtpConfig
from config.registry import Municipality
from storage.db import Database
from storage.models import AlertEventRow, OutboxRow
from storage.repository import finish_run, record_site, start_run
from tests.storage.factories import municipality, report

CHECK = "transparencia.aviso"
TODO = Recipient("Auditoría", "auditoria@example.org", "todo")
SMTP = SmtpConfig("127.0.0.1", 25, "ninguna", 30, 3)
# One site in a run: its check statuses and, when down, the crawl failure.
Site = tuple[dict[str, Status], str | None]


def config(k: int = 2, n: int = 3, *recipients: Recipient, units: dict[str, str] | None = None) -> AlertsConfig:
    return AlertsConfig(k, n, "Vigía <vigia@example.org>", SMTP, recipients or (TODO,), units or {})


def crawl(
    db: Database, registry: list[Municipality], sites: dict[str, Site], cfg: AlertsConfig, status: str = "complete"
) -> DetectionResult | None:
    run_id = start_run(db, "crawl", registry, {})
    for cve, (statuses, failure) in sites.items():
        record_site(db, run_id, report(cve, statuses, failure=failure))
    finish_run(db, run_id, status, catalogue=load_catalogue())
    return detect_changes(db, run_id, cfg, registry) if status == "complete" else None


def up(status: Status) -> Site:
    return {"sitio.disponible": "cumple", CHECK: status}, None


def down(status: Status = "no_cumple") -> Site:
    return {"sitio.disponible": "no_cumple", CHECK: status}, "connect"


def kinds(result: DetectionResult | None) -> list[str]:
    return [e.kind for e in result.events] if result else []


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        (["cumple", "no_cumple"], [[], []]),
        (["cumple", "no_cumple", "no_cumple", "no_cumple", "cumple"], [[], [], ["regresion"], [], ["recuperacion"]]),
        (["cumple", "indeterminado", "no_cumple", "indeterminado", "no_cumple"], [[], [], [], [], ["regresion"]]),
        (["cumple", "no_aplica", "no_cumple", "no_cumple"], [[], [], [], ["regresion"]]),
        (["no_cumple", "cumple", "no_cumple", "cumple", "no_cumple", "cumple"], [[]] * 6),
        (["no_cumple", "no_cumple", "no_cumple"], [[], [], []]),
    ],
)
def test_check_sequences(db: Database, statuses: list[Status], expected: list[list[str]]) -> None:
    registry = [municipality("15001")]
    got = [kinds(crawl(db, registry, {"15001": up(s)}, config())) for s in statuses]
    assert got == expected


def test_regression_carries_last_cumple_evidence_and_date(db: Database) -> None:
    registry = [municipality("15001", "Acambay")]
    for status in ("cumple", "no_cumple"):
        crawl(db, registry, {"15001": up(status)}, config())
    result = crawl(db, registry, {"15001": up("no_cumple")}, config())
    assert result is not None
    (event,) = result.events
    assert (event.municipio, event.check_id, event.kind) == ("Acambay", CHECK, "regresion")
    assert event.evidence_url == "https://15001.example.gob.mx/"
    assert event.last_cumple_at is not None and event.last_cumple_at.tzinfo is not None
    with db.Session() as session:
        outbox = session.scalars(select(OutboxRow)).all()
    assert [(o.recipient, o.status, o.attempts, o.idempotency_key) for o in outbox] == [
        ("auditoria@example.org", "pending", 0, f"{result.run_id}:auditoria@example.org")
    ]
    assert "Acambay (15001)" in outbox[0].body_text and "cumplió por última vez: " in outbox[0].body_text


def test_flapping_then_sustained_failure_then_recovery(db: Database) -> None:
    # Reliability row 24: fail / pass / fail → nothing; sustained fail → one; recovery → one.
    registry = [municipality("15001")]
    sequence: list[Status] = ["cumple", "no_cumple", "cumple", "no_cumple", "no_cumple", "no_cumple", "cumple"]
    got = [kinds(crawl(db, registry, {"15001": up(s)}, config())) for s in sequence]
    assert got == [[], [], [], [], ["regresion"], [], ["recuperacion"]]


def with_healthy_neighbours(site: Site) -> dict[str, Site]:
    """The site under test plus two that stay up, so that the run is not «most sites down»."""
    return {"15001": site, "15002": up("cumple"), "15003": up("cumple")}


NEIGHBOURS = [municipality(cve) for cve in ("15001", "15002", "15003")]


def test_site_down_alerts_once_without_check_regressions_and_recovers(db: Database) -> None:
    runs = [up("cumple"), down(), down(), down(), down(), up("cumple")]
    got = [kinds(crawl(db, NEIGHBOURS, with_healthy_neighbours(site), config(k=1, n=3))) for site in runs]
    assert got == [[], [], [], ["sitio_caido"], [], ["sitio_recuperado"]]


def test_site_down_without_availability_result_counts_the_outcome_failure(db: Database) -> None:
    runs: list[Site] = [({CHECK: "cumple"}, None), ({CHECK: "indeterminado"}, "dns"), ({CHECK: "indeterminado"}, "dns")]
    got = [kinds(crawl(db, NEIGHBOURS, with_healthy_neighbours(site), config(n=2))) for site in runs]
    assert got == [[], [], ["sitio_caido"]]


def test_most_sites_down_holds_back_site_alerts(db: Database) -> None:
    registry = [municipality(cve) for cve in ("15001", "15002", "15003")]
    crawl(db, registry, {m.cve_inegi: up("cumple") for m in registry}, config(n=1))
    result = crawl(db, registry, {"15001": down(), "15002": down(), "15003": up("cumple")}, config(n=1))
    assert result is not None and result.events == [] and result.sites_down_held
    result = crawl(db, registry, {"15001": down(), "15002": up("cumple"), "15003": up("cumple")}, config(n=1))
    assert kinds(result) == ["sitio_caido"]


def test_routing_todo_region_and_transparency_units(db: Database) -> None:
    registry = [
        replace(municipality("15001", "Acambay"), region="Atlacomulco"),
        replace(municipality("15002", "Acolman"), region="Texcoco"),
        replace(municipality("15003", "Aculco"), region="Atlacomulco"),
    ]
    cfg = config(
        2,
        3,
        TODO,
        Recipient("Enlace", "enlace@example.org", "region", "atlacomulco"),
        Recipient(None, None, "unidad_transparencia"),
        units={"15001": "ut@acambay.gob.mx", "15002": "ut@acolman.gob.mx"},
    )
    for status in ("cumple", "no_cumple", "no_cumple"):
        result = crawl(db, registry, {m.cve_inegi: up(status) for m in registry}, cfg)
    assert result is not None and result.mails == 4
    with db.Session() as session:
        rows = {o.recipient: o for o in session.scalars(select(OutboxRow))}
    lines = {
        address: [line for line in row.body_text.splitlines() if line.startswith("- ")] for address, row in rows.items()
    }
    assert {address: len(found) for address, found in lines.items()} == {
        "auditoria@example.org": 3,
        "enlace@example.org": 2,
        "ut@acambay.gob.mx": 1,
        "ut@acolman.gob.mx": 1,
    }
    assert "Aculco" in lines["enlace@example.org"][1] and "Acolman" not in rows["enlace@example.org"].body_text
    assert rows["ut@acolman.gob.mx"].recipient_name == "Unidad de Transparencia de Acolman"


def test_calling_twice_inserts_nothing_the_second_time(db: Database) -> None:
    registry = [municipality("15001")]
    for status in ("cumple", "no_cumple"):
        crawl(db, registry, {"15001": up(status)}, config())
    result = crawl(db, registry, {"15001": up("no_cumple")}, config())
    assert result is not None and result.mails == 1
    again = detect_changes(db, result.run_id, config(), registry, render_plain)
    assert again.already_processed and again.events == [] and again.mails == 0
    with db.Session() as session:
        assert session.scalar(select(func.count()).select_from(OutboxRow)) == 1
        assert session.scalar(select(func.count()).select_from(AlertEventRow)) == 1


def test_only_complete_runs_are_processed(db: Database) -> None:
    registry = [municipality("15001")]
    run_id = start_run(db, "crawl", registry, {})
    finish_run(db, run_id, "partial", catalogue=load_catalogue())
    with pytest.raises(AlertError, match="completa"):
        detect_changes(db, run_id, config(), registry)
    with pytest.raises(AlertError, match="no existe"):
        detect_changes(db, 999, config(), registry)


def test_incomplete_runs_do_not_count_in_the_history(db: Database) -> None:
    registry = [municipality("15001")]
    crawl(db, registry, {"15001": up("cumple")}, config())
    crawl(db, registry, {"15001": up("no_cumple")}, config(), status="partial")
    assert kinds(crawl(db, registry, {"15001": up("no_cumple")}, config())) == []
    assert kinds(crawl(db, registry, {"15001": up("no_cumple")}, config())) == ["regresion"]


def test_custom_renderer_fills_the_outbox(db: Database) -> None:
    from alerts.model import Digest, RenderedMail

    def render(digest: Digest) -> RenderedMail:
        return RenderedMail(f"{len(digest.events)} alertas", "texto", "<p>html</p>")

    registry = [municipality("15001")]
    for status in ("cumple", "no_cumple"):
        crawl(db, registry, {"15001": up(status)}, config())
    run_id = start_run(db, "crawl", registry, {})
    record_site(db, run_id, report("15001", {"sitio.disponible": "cumple", CHECK: "no_cumple"}))
    finish_run(db, run_id, "complete", catalogue=load_catalogue())
    detect_changes(db, run_id, config(), registry, render)
    with db.Session() as session:
        row = session.scalars(select(OutboxRow)).one()
    assert (row.subject, row.body_text, row.body_html) == ("1 alertas", "texto", "<p>html</p>")
