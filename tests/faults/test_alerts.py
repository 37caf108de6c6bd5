"""Fault matrix, alerts: a real SMTP server on loopback (aiosmtpd) that is down, fails mid-digest, refuses a
recipient or loses the sender mid-send; no digest is ever lost or delivered twice unless resent on purpose."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import update
from typer.testing import CliRunner

from alerts.outbox_sender import (
    SEND_LEASE,
    SEND_LEASE_TTL,
    message_id_for,
    resend_uncertain,
    send_pending,
    uncertain_mails,
)
from alerts.smtp import SmtpTransport
from config.operation import OperationConfig, load_operation_config
from storage.alerts_store import acquire_lease
from storage.db import Database
from storage.models import OutboxRow
from tests.alerts.test_smtp import SmtpServer, queue, rows, serving, transport
from tests.conftest import REPO
from vigia.cli import app

SENDER = "Vigía <vigia@localhost>"
NOW = datetime(2026, 6, 8, 9, 0, tzinfo=UTC)
RECIPIENTS = ["a@example.org", "b@example.org", "c@example.org", "d@example.org"]


@dataclass
class Inbox:
    """An aiosmtpd handler: keeps what it accepted and fails as the test scripts it."""

    messages: list[EmailMessage] = field(default_factory=list)
    rcpt_attempts: list[str] = field(default_factory=list)
    reject: set[str] = field(default_factory=set)
    # After this many messages delivered normally: answer 451 to DATA, drop the connection at MAIL, or cut it
    # after DATA (the message arrives, its 250 never reaches the client).
    healthy: int | None = None
    failure: str = "451"

    async def handle_MAIL(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        if self._failing() and self.failure == "drop":
            server.transport.close()
        envelope.mail_from = address
        return "250 OK"

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        self.rcpt_attempts.append(address)
        if address in self.reject:
            return "550 5.1.1 Buzón inexistente"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self._failing() and self.failure == "451":
            return "451 4.3.0 Falla local, intente más tarde"
        self.messages.append(message_from_bytes(envelope.content, _class=EmailMessage, policy=default))
        if self.failure == "cut_after_data" and self._failing(len(self.messages) - 1):
            server.transport.close()  # The message is here, but the client never hears the 250.
        return "250 Mensaje aceptado"

    def _failing(self, delivered: int | None = None) -> bool:
        done = len(self.messages) if delivered is None else delivered
        return self.healthy is not None and done >= self.healthy

    def per_recipient(self) -> Counter[str]:
        """How many copies each recipient received."""
        return Counter(str(message["To"]).rpartition("<")[2].rstrip(">") for message in self.messages)


@pytest.fixture
def smtp(monkeypatch: pytest.MonkeyPatch) -> Iterator[SmtpServer]:
    with serving(Inbox(), monkeypatch) as server:
        yield server


def send(db: Database, server: SmtpServer, now: datetime = NOW, retries: int = 1) -> Any:
    return send_pending(db, transport(server), SENDER, retries, lambda: now, sleep=lambda _s: None)


def statuses(db: Database) -> dict[str, str]:
    return {row.recipient: row.status for row in rows(db).values()}


def test_smtp_down_for_a_whole_run(db: Database, smtp: SmtpServer) -> None:
    for recipient in RECIPIENTS:
        queue(db, recipient)
    smtp.stop()
    report = send(db, smtp)
    assert (report.sent, report.deferred, report.skipped) == (0, 1, 3)
    assert set(statuses(db).values()) == {"pending"}
    smtp.restart()
    assert send(db, smtp).sent == 4
    assert send(db, smtp).sent == 0
    assert smtp.handler.per_recipient() == Counter(RECIPIENTS)
    assert set(statuses(db).values()) == {"sent"}


@pytest.mark.parametrize("failure", ["451", "drop"])
def test_smtp_accepts_then_fails_mid_digest(db: Database, smtp: SmtpServer, failure: str) -> None:
    for recipient in RECIPIENTS:
        queue(db, recipient)
    smtp.handler.healthy, smtp.handler.failure = 2, failure
    report = send(db, smtp)
    assert report.sent == 2 and report.pending == 2 and report.uncertain == 0
    assert statuses(db) == dict(zip(RECIPIENTS, ["sent", "sent", "pending", "pending"], strict=True))
    smtp.handler.healthy = None
    assert send(db, smtp).sent == 2
    assert smtp.handler.per_recipient() == Counter(RECIPIENTS)
    assert len({m["Message-ID"] for m in smtp.handler.messages}) == 4


def test_connection_cut_after_data_is_uncertain_not_resent(db: Database, smtp: SmtpServer) -> None:
    for recipient in RECIPIENTS[:3]:
        queue(db, recipient)
    smtp.handler.healthy, smtp.handler.failure = 1, "cut_after_data"
    report = send(db, smtp)
    assert (report.sent, report.uncertain, report.skipped) == (1, 1, 1)
    assert statuses(db) == {"a@example.org": "sent", "b@example.org": "incierto", "c@example.org": "pending"}
    smtp.handler.healthy = None
    assert send(db, smtp).sent == 1
    assert smtp.handler.per_recipient() == Counter(RECIPIENTS[:3])


def test_rejected_recipient_is_failed_permanent_and_others_delivered(db: Database, smtp: SmtpServer) -> None:
    for recipient in RECIPIENTS[:3]:
        queue(db, recipient)
    smtp.handler.reject.add("b@example.org")
    report = send(db, smtp, retries=3)
    assert (report.sent, report.failed_permanent) == (2, 1)
    stored = statuses(db)
    assert stored == {"a@example.org": "sent", "b@example.org": "failed_permanent", "c@example.org": "sent"}
    send(db, smtp)
    assert smtp.handler.rcpt_attempts.count("b@example.org") == 1
    assert smtp.handler.per_recipient() == Counter(["a@example.org", "c@example.org"])


class CrashAfterSend:
    """The real SMTP send succeeds (the server answered 250), then the sender dies before marking the row."""

    def __init__(self, inner: SmtpTransport) -> None:
        self.inner = inner

    def send(self, message: EmailMessage) -> None:
        self.inner.send(message)
        raise SystemExit("caída simulada después del 250")


def operation(tmp_path: Path, port: int) -> OperationConfig:
    path = tmp_path / "operacion.yaml"
    path.write_text(
        f"""calendario: {{cron: "0 2 * * *", zona: America/Mexico_City, gracia_minutos: 60,
              candado_minutos: 60}}
alertas:
  confirmacion_corridas: 2
  sitio_caido_corridas: 2
  remitente: "{SENDER}"
  smtp: {{host: 127.0.0.1, port: {port}, seguridad: ninguna, timeout_segundos: 5, reintentos: 0}}
  destinatarios: [{{nombre: Auditores, correo: a@example.org, alcance: todo}}]
  unidades_transparencia: {{}}
""",
        encoding="utf-8",
    )
    return load_operation_config(path)


def alertas(db_url: str, *args: str) -> Any:
    return CliRunner().invoke(app, ["alertas", "--db", db_url, *args], env={"COLUMNS": "250"})


def test_crash_between_send_and_mark_is_uncertain_never_resent_automatically(
    db: Database, db_url: str, smtp: SmtpServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    outbox_id = queue(db, "a@example.org")
    with pytest.raises(SystemExit):
        send_pending(db, CrashAfterSend(transport(smtp)), SENDER, 0, lambda: NOW)
    assert rows(db)[outbox_id].status == "sending"
    report = send(db, smtp)
    assert (report.sent, report.uncertain) == (0, 1)
    assert send(db, smtp).sent == 0
    assert len(smtp.handler.messages) == 1  # The server received it exactly once.
    row = rows(db)[outbox_id]
    assert row.status == "incierto" and row.claimed_at == NOW

    monkeypatch.setattr("vigia.cli.alerting.load_operation_config", lambda: operation(tmp_path, smtp.port))
    listing = alertas(db_url)
    assert listing.exit_code == 0, listing.output
    assert "Correos inciertos" in listing.output and "a@example.org" in listing.output
    assert row.subject[:20] in listing.output and "--reenviar-inciertos" in listing.output
    assert len(smtp.handler.messages) == 1

    resent = alertas(db_url, "--reenviar-inciertos")
    assert resent.exit_code == 0 and "Reenviados: 1" in resent.output
    first, second = smtp.handler.messages
    assert first["Message-ID"] == second["Message-ID"] == message_id_for(row.idempotency_key, SENDER)
    assert rows(db)[outbox_id].status == "sent" and uncertain_mails(db) == []


CRASHING_SENDER = """
import os, sys
from datetime import UTC, datetime
from alerts.outbox_sender import send_pending
from alerts.smtp import SmtpTransport
from storage.db import open_database

class KilledAfterSend:
    def __init__(self, inner):
        self.inner = inner

    def send(self, message):
        self.inner.send(message)
        os._exit(9)  # like kill -9 right after the 250: no finally, no lease release

send_pending(open_database(sys.argv[1]), KilledAfterSend(SmtpTransport("127.0.0.1", int(sys.argv[2]), "ninguna", 5)),
             sys.argv[3], 0, lambda: datetime.now(UTC))
"""


def test_killed_sender_process_leaves_an_uncertain_row_and_its_lease_is_broken(
    db: Database, db_url: str, smtp: SmtpServer
) -> None:
    first, second = queue(db, "a@example.org"), queue(db, "b@example.org")
    killed = subprocess.run(
        [sys.executable, "-c", CRASHING_SENDER, db_url, str(smtp.port), SENDER],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert killed.returncode == 9, killed.stderr
    assert [rows(db)[first].status, rows(db)[second].status] == ["sending", "pending"]
    report = send_pending(db, transport(smtp), SENDER, 0, lambda: datetime.now(UTC))
    assert not report.busy and (report.sent, report.uncertain) == (1, 1)
    assert smtp.handler.per_recipient() == Counter(["a@example.org", "b@example.org"])
    assert [m.recipient for m in uncertain_mails(db)] == ["a@example.org"]
    resend_uncertain(db, transport(smtp), SENDER, 0, lambda: datetime.now(UTC))
    copies = [m["Message-ID"] for m in smtp.handler.messages if "a@example.org" in str(m["To"])]
    assert len(copies) == 2 and len(set(copies)) == 1


def test_live_claim_elsewhere_waits_for_its_lease_then_turns_uncertain(db: Database, smtp: SmtpServer) -> None:
    outbox_id = queue(db, "a@example.org")
    with db.Session.begin() as session:
        session.execute(
            update(OutboxRow)
            .where(OutboxRow.id == outbox_id)
            .values(status="sending", claimed_at=NOW, claimed_by="otra-maquina:4242:abcd")
        )
    assert (send(db, smtp, NOW + timedelta(minutes=10)).uncertain, rows(db)[outbox_id].status) == (0, "sending")
    assert send(db, smtp, NOW + timedelta(minutes=31)).uncertain == 1
    assert rows(db)[outbox_id].status == "incierto" and smtp.handler.messages == []


def test_a_lease_held_by_another_machine_is_respected(db: Database, smtp: SmtpServer) -> None:
    queue(db, "a@example.org")
    assert acquire_lease(db, SEND_LEASE, "otra-maquina:4242:abcd", SEND_LEASE_TTL, NOW)
    assert send(db, smtp).busy and smtp.handler.messages == []
    assert send(db, smtp, NOW + SEND_LEASE_TTL).sent == 1
