"""Operator notices and the electoral blackout, delivered to a real SMTP server on loopback with an injected clock."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from email.utils import parseaddr
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

pytest.importorskip("aiosmtpd.controller")

from alerts.blackout import reason as blackout_reason
from alerts.detect import detect_changes
from alerts.digest import render_digest
from alerts.operator import run_notices, watch
from alerts.outbox_sender import send_pending
from checks.catalogue import load_catalogue
from checks.model import Status, Unread
from config import paths
from config.operation import (
    AlertsConfig,
    Blackout,
    OperatorConfig,
    Recipient,
    SmtpConfig,
    load_operation_config,
    parse_operation_config,
)
from core.errors import ConfigError
from storage.db import Database
from storage.models import AlertEventRow, AlertStateRow
from storage.operator_store import last_complete_run
from storage.repository import finish_run, record_site, start_run
from tests.alerts.test_smtp import ScriptedHandler, SmtpServer, serving, transport
from tests.storage.factories import municipality, report

OPERATOR = "operador@example.org"
AUDITOR = "auditoria@example.org"
CHECK = "transparencia.aviso"
OTHER = "canal.telefono"
SENDER = "Vigía <vigia@localhost>"
VEDA = Blackout("Elección de prueba", date(2027, 4, 4), date(2027, 6, 6), (CHECK,), 7)
TOWNS = [municipality(f"150{n:02d}", f"Pueblo {n}") for n in range(1, 7)]


def config(operator: str | None = OPERATOR, vedas: tuple[Blackout, ...] = ()) -> AlertsConfig:
    smtp = SmtpConfig("127.0.0.1", 25, "ninguna", 5, 0)
    return AlertsConfig(
        2, 3, SENDER, smtp, (Recipient("Auditoría", AUDITOR, "todo"),), {}, OperatorConfig(operator), vedas
    )


@pytest.fixture
def smtp(monkeypatch: pytest.MonkeyPatch) -> Iterator[SmtpServer]:
    with serving(ScriptedHandler(), monkeypatch) as server:
        yield server


def deliver(db: Database, server: SmtpServer, now: datetime) -> list[tuple[str, str, str]]:
    """Send the outbox to the real server; return (to, subject, body) of what it received in this call."""
    handler: ScriptedHandler = server.handler
    before = len(handler.messages)
    send_pending(db, transport(server), SENDER, 0, lambda: now)
    got = handler.messages[before:]
    return [(parseaddr(str(m["To"]))[1], str(m["Subject"]), m.get_body(("plain",)).get_content()) for m in got]  # type: ignore[union-attr]


def run(
    db: Database, sites: dict[str, tuple[dict[str, Status], str | None]], status: str = "complete", towns=TOWNS
) -> int:  # type: ignore[no-untyped-def]
    run_id = start_run(db, "crawl", towns, {})
    for cve, (statuses, failure) in sites.items():
        record_site(db, run_id, report(cve, statuses, failure=failure))
    finish_run(
        db,
        run_id,
        status,
        catalogue=load_catalogue(),
        error="sólo 4 de 6 sitios terminaron" if status == "partial" else None,
    )
    return run_id


def healthy(n: int = 6) -> dict[str, tuple[dict[str, Status], str | None]]:
    return {m.cve_inegi: ({"sitio.disponible": "cumple", CHECK: "cumple"}, None) for m in TOWNS[:n]}


def finished(db: Database) -> datetime:
    last = last_complete_run(db, "crawl")
    assert last is not None and last.finished_at is not None
    return last.finished_at


def test_dead_mans_switch_fires_after_26_hours_at_most_daily_and_clears(db: Database, smtp: SmtpServer) -> None:
    cfg = config()
    run(db, healthy())
    end = finished(db)
    assert not watch(db, cfg, end + timedelta(hours=25, minutes=59))
    assert watch(db, cfg, end + timedelta(hours=26, minutes=1))
    (mail,) = deliver(db, smtp, end + timedelta(hours=26, minutes=2))
    assert mail[0] == OPERATOR and mail[1] == "Vigía: ninguna corrida completa en 26 horas"
    assert "se repite cada 24 horas" in mail[2]
    # Within the same day: nothing more, however often the watchdog looks.
    assert not any(watch(db, cfg, end + timedelta(hours=h)) for h in (27, 35, 49))
    assert deliver(db, smtp, end + timedelta(hours=49)) == []
    assert watch(db, cfg, end + timedelta(hours=50, minutes=1))
    (again,) = deliver(db, smtp, end + timedelta(hours=50, minutes=2))
    assert again[1] == "Vigía: ninguna corrida completa en 50 horas"
    run(db, healthy(), status="partial")
    assert not watch(db, cfg, end + timedelta(hours=51))  # A partial run does not clear it, nor repeat it early.
    run(db, healthy())
    fresh = finished(db)
    assert not watch(db, cfg, fresh + timedelta(hours=25))
    assert deliver(db, smtp, fresh + timedelta(hours=25)) == []
    assert watch(db, cfg, fresh + timedelta(hours=26, minutes=1))


def test_dead_mans_switch_names_the_last_run_in_mexico_city_time(db: Database, smtp: SmtpServer) -> None:
    run(db, healthy())
    end = finished(db)
    assert watch(db, config(), end + timedelta(hours=27))
    (mail,) = deliver(db, smtp, end + timedelta(hours=27))
    local = (end if end.tzinfo else end.replace(tzinfo=UTC)).astimezone(ZoneInfo("America/Mexico_City"))
    assert f"la última terminó el {local:%d/%m/%Y %H:%M} (hora del centro de México)" in mail[2]


def test_dead_mans_switch_counts_from_the_first_run_when_none_completed(db: Database, smtp: SmtpServer) -> None:
    run(db, healthy(), status="failed")
    start = datetime.now().astimezone() - timedelta(minutes=1)
    assert not watch(db, config(), start + timedelta(hours=20))
    assert watch(db, config(), start + timedelta(hours=30))
    (mail,) = deliver(db, smtp, start + timedelta(hours=30))
    assert "ninguna ha terminado completa" in mail[2] and "quedó «failed»" in mail[2]


def test_no_operator_address_means_no_notice(db: Database) -> None:
    run(db, healthy())
    assert not watch(db, config(operator=None), finished(db) + timedelta(days=3))


def test_partial_run_notice_lists_what_was_not_read(db: Database, smtp: SmtpServer) -> None:
    sites = healthy(4)
    sites[TOWNS[3].cve_inegi] = ({CHECK: "indeterminado"}, "crawl_incomplete")
    run_id = run(db, sites, status="partial")
    assert run_notices(db, config(), run_id, TOWNS) == ["parcial"]
    assert run_notices(db, config(), run_id, TOWNS) == []  # Queued once per run.
    (mail,) = deliver(db, smtp, datetime.now().astimezone())
    assert mail[0] == OPERATOR and mail[1] == f"Vigía: corrida {run_id} parcial, 3 municipios sin leer"
    body = mail[2]
    assert "sólo 4 de 6 sitios terminaron" in body
    assert "- Pueblo 4 (15004): Conexión rechazada" in body
    assert "- Pueblo 5 (15005): el rastreo no llegó a leer su sitio" in body
    assert "- Pueblo 6 (15006): el rastreo no llegó a leer su sitio" in body
    assert "Pueblo 1 (15001)" not in body


def test_partial_run_notice_lists_the_stored_unread_stages_ipomex_included(db: Database, smtp: SmtpServer) -> None:
    run_id = start_run(db, "crawl", TOWNS, {})
    for cve in [m.cve_inegi for m in TOWNS[:5]]:
        record_site(db, run_id, report(cve, {"sitio.disponible": "cumple"}))
    lost = [
        Unread(TOWNS[1].cve_inegi, TOWNS[1].nombre, "ipomex", "ipomex_sin_tiempo", "Se agotó el tiempo en IPOMEX."),
        Unread(TOWNS[5].cve_inegi, TOWNS[5].nombre, "sitio", "sin_reporte", "el rastreo no entregó la etapa"),
    ]
    finish_run(db, run_id, "partial", "Corrida parcial", catalogue=load_catalogue(), unread=lost)
    assert run_notices(db, config(), run_id, TOWNS) == ["parcial"]
    (mail,) = deliver(db, smtp, datetime.now().astimezone())
    assert mail[1] == f"Vigía: corrida {run_id} parcial, 2 etapas sin leer"
    assert "- Pueblo 2 (15002), IPOMEX: Se agotó el tiempo en IPOMEX. (ipomex_sin_tiempo)" in mail[2]
    assert "- Pueblo 6 (15006), sitio: el rastreo no entregó la etapa (sin_reporte)" in mail[2]
    assert "vigia rastrear --reanudar" in mail[2]


def test_most_portals_down_at_once_tells_the_operator(db: Database, smtp: SmtpServer) -> None:
    sites = healthy()
    for town in TOWNS[:4]:
        sites[town.cve_inegi] = ({"sitio.disponible": "indeterminado"}, "connect")
    run_id = run(db, sites, status="failed")
    assert run_notices(db, config(), run_id, TOWNS) == ["caida_masiva"]
    (mail,) = deliver(db, smtp, datetime.now().astimezone())
    assert mail[1] == f"Vigía: 4 de 6 portales inalcanzables a la vez (corrida {run_id})"
    assert "nuestra red" in mail[2]
    healthy_run = run(db, healthy())
    assert run_notices(db, config(), healthy_run, TOWNS) == []


def night(db: Database, cfg: AlertsConfig, status: Status, day: date, other: Status = "cumple") -> list[str]:
    """One complete run of one town on `day`; return the kinds of the events told."""
    towns = TOWNS[:1]
    run_id = run(
        db, {towns[0].cve_inegi: ({"sitio.disponible": "cumple", CHECK: status, OTHER: other}, None)}, towns=towns
    )
    result = detect_changes(db, run_id, cfg, towns, render_digest, under_review=(), day=day)
    return [f"{e.kind}:{e.check_id}" for e in result.events]


def test_blackout_records_regressions_without_accusing_and_says_why(db: Database, smtp: SmtpServer) -> None:
    cfg = config(vedas=(VEDA,))
    assert night(db, cfg, "cumple", date(2027, 3, 30)) == []
    assert night(db, cfg, "no_cumple", date(2027, 4, 20), other="no_cumple") == []
    assert night(db, cfg, "no_cumple", date(2027, 4, 21), other="no_cumple") == [f"regresion:{OTHER}"]
    (mail,) = deliver(db, smtp, datetime.now().astimezone())
    assert mail[0] == AUDITOR and "1 regresión" in mail[1]
    assert "1 regresión se registró y no se notifica" in mail[2] and "Veda electoral «Elección de prueba»" in mail[2]
    assert "después del 13/06/2027" in mail[2] and CHECK not in mail[2]
    with db.Session() as session:
        rows = session.scalars(select(AlertEventRow).where(AlertEventRow.check_id == CHECK)).all()
        assert [(r.kind, r.detail) for r in rows] == [
            ("regresion", "Retenida por la veda electoral «Elección de prueba»")
        ]
        assert session.get(AlertStateRow, (TOWNS[0].cve_inegi, CHECK)) is None
    # Seven days after the veda it is still held; the day after, a content still missing is an accusation again.
    assert night(db, cfg, "no_cumple", date(2027, 6, 13), other="no_cumple") == []
    assert night(db, cfg, "no_cumple", date(2027, 6, 14), other="no_cumple") == [f"regresion:{CHECK}"]


def test_blackout_config_loads_and_rejects_reversed_dates() -> None:
    alerts = load_operation_config().alerts
    assert alerts.vedas and alerts.vedas[0].gracia_dias == 7 and alerts.operador.sin_corrida_horas == 26
    assert alerts.vedas[0].covers("participacion.copaci") and not alerts.vedas[0].covers("participacionx")
    text = paths.OPERATION.read_text(encoding="utf-8")
    with pytest.raises(ConfigError, match="antes de empezar"):
        parse_operation_config(text.replace("fin: 2027-06-06", "fin: 2027-03-01"))
    with pytest.raises(ConfigError, match="no parece una dirección"):
        parse_operation_config(text.replace("correo: null", "correo: operador"))


def test_estimated_blackout_dates_are_said_to_be_estimated() -> None:
    shipped = load_operation_config().alerts.vedas[0]
    assert not shipped.fechas_confirmadas
    assert "fechas estimadas, sin confirmar" in blackout_reason(shipped)
    confirmed = Blackout("Elección", date(2027, 4, 4), date(2027, 6, 6), (CHECK,), 7, True)
    assert "estimadas" not in blackout_reason(confirmed)
    text = paths.OPERATION.read_text(encoding="utf-8")
    with pytest.raises(ConfigError, match="true o false"):
        parse_operation_config(text.replace("fechas_confirmadas: false", "fechas_confirmadas: quizá"))
