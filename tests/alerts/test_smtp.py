"""The outbox against a real SMTP server on loopback (aiosmtpd): once, retry on 451, refused on 550, kept when down."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from alerts.digest import render_digest
from alerts.model import AlertEvent, Digest
from alerts.outbox_sender import message_id_for, preview_pending, send_pending, send_test
from alerts.smtp import (
    FakeTransport,
    PermanentMailError,
    SmtpTransport,
    TemporaryMailError,
    classify_reply,
)
from storage import repository
from storage.db import Database
from storage.models import OutboxRow

SENDER = "Vigía <vigia@localhost>"
NOW = datetime(2025, 3, 2, 9, 0, tzinfo=UTC)


@dataclass
class ScriptedHandler:
    """An SMTP handler that records messages and answers as scripted."""

    messages: list[EmailMessage] = field(default_factory=list)
    rcpt_attempts: list[str] = field(default_factory=list)
    reject: set[str] = field(default_factory=set)
    busy_once: int = 0

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        self.rcpt_attempts.append(address)
        if address in self.reject:
            return "550 5.1.1 Buzón inexistente"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.busy_once:
            self.busy_once -= 1
            return "451 4.3.0 Intente más tarde"
        self.messages.append(message_from_bytes(envelope.content, _class=EmailMessage, policy=default))
        return "250 Mensaje aceptado"


class EphemeralController(Controller):
    """A controller that may listen on port 0 and learns its port before the readiness probe."""

    def _trigger_server(self) -> None:
        if self.port == 0 and self.server is not None:
            self.port = self.server.sockets[0].getsockname()[1]  # type: ignore[attr-defined]
        super()._trigger_server()


@dataclass
class SmtpServer:
    """A real aiosmtpd server on 127.0.0.1 driven by a test's handler; stop() and restart() keep its port."""

    handler: Any
    controller: EphemeralController

    @property
    def port(self) -> int:
        return int(self.controller.port)

    def stop(self) -> None:
        self.controller.stop()

    def restart(self) -> None:
        self.controller = EphemeralController(self.handler, hostname="127.0.0.1", port=self.port)
        self.controller.start()


@contextlib.contextmanager
def serving(handler: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[SmtpServer]:
    """Serve handler on an ephemeral port without SMTP credentials in the environment; stop it afterwards."""
    monkeypatch.delenv("VIGIA_SMTP_USER", raising=False)
    monkeypatch.delenv("VIGIA_SMTP_PASSWORD", raising=False)
    controller = EphemeralController(handler, hostname="127.0.0.1", port=0)
    controller.start()
    server = SmtpServer(handler, controller)
    yield server
    with contextlib.suppress(AssertionError):  # Already stopped by the test.
        server.controller.stop()


@pytest.fixture
def smtp(monkeypatch: pytest.MonkeyPatch) -> Iterator[SmtpServer]:
    with serving(ScriptedHandler(), monkeypatch) as server:
        yield server


def transport(server: SmtpServer) -> SmtpTransport:
    return SmtpTransport("127.0.0.1", server.port, "ninguna", timeout=5)


def event(**changes: Any) -> AlertEvent:
    values: dict[str, Any] = dict(
        run_id=1,
        cve_inegi="15106",
        municipio="Toluca",
        check_id="sitio.aviso_privacidad",
        kind="regresion",
        evidence_url="https://www.toluca.gob.mx/aviso",
        evidence_text="Aviso de privacidad",
        last_cumple_at=datetime(2025, 3, 1, 8, tzinfo=UTC),
    )
    values.update(changes)
    return AlertEvent(**values)


def queue(db: Database, recipient: str, events: list[AlertEvent] | None = None) -> int:
    """Insert a pending outbox row rendered from a digest, as detection does; return its id."""
    run_id = repository.start_run(db, "crawl", [], {})
    mail = render_digest(Digest(run_id, recipient, "Enlace", events or [event(run_id=run_id)]))
    with db.Session.begin() as session:
        row = OutboxRow(
            run_id=run_id,
            recipient=recipient,
            recipient_name="Enlace",
            subject=mail.subject,
            body_text=mail.text,
            body_html=mail.html,
            idempotency_key=f"{run_id}:{recipient}",
            status="pending",
            attempts=0,
            created_at=NOW,
        )
        session.add(row)
        session.flush()
        return row.id


def rows(db: Database) -> dict[int, OutboxRow]:
    with db.ReadSession() as session:
        return {row.id: row for row in session.scalars(select(OutboxRow))}


def send(db: Database, server: SmtpServer, sleeps: list[float] | None = None, retries: int = 3) -> Any:
    pauses = sleeps if sleeps is not None else []
    return send_pending(db, transport(server), SENDER, retries, lambda: NOW, sleep=pauses.append)


def test_message_arrives_once_with_text_and_html(db: Database, smtp: SmtpServer) -> None:
    outbox_id = queue(db, "a@example.org")
    report = send(db, smtp)
    assert (report.sent, report.deferred, report.failed_permanent) == (1, 0, 0)
    [message] = smtp.handler.messages
    assert message["To"] == "Enlace <a@example.org>"
    assert message["Subject"].startswith("Vigía: 1 regresión en portales municipales")
    types = [part.get_content_type() for part in message.walk()]
    assert types == ["multipart/alternative", "text/plain", "text/html"]
    row = rows(db)[outbox_id]
    assert (row.status, row.attempts, row.sent_at) == ("sent", 1, NOW)
    assert row.message_id == message["Message-ID"] == message_id_for(row.idempotency_key, SENDER)
    assert send(db, smtp).sent == 0
    assert len(smtp.handler.messages) == 1
    assert preview_pending(db) == []


def test_451_then_ok_delivers_once_after_a_retry(db: Database, smtp: SmtpServer) -> None:
    outbox_id = queue(db, "a@example.org")
    smtp.handler.busy_once = 1
    sleeps: list[float] = []
    report = send(db, smtp, sleeps)
    assert report.sent == 1
    assert len(smtp.handler.messages) == 1
    assert sleeps == [1.0]
    assert rows(db)[outbox_id].status == "sent"


def test_550_is_permanent_and_never_retried(db: Database, smtp: SmtpServer) -> None:
    bad = queue(db, "nadie@example.org")
    good = queue(db, "a@example.org")
    smtp.handler.reject.add("nadie@example.org")
    sleeps: list[float] = []
    report = send(db, smtp, sleeps)
    assert (report.sent, report.failed_permanent) == (1, 1)
    assert smtp.handler.rcpt_attempts.count("nadie@example.org") == 1
    assert sleeps == []
    stored = rows(db)
    assert stored[bad].status == "failed_permanent"
    assert "550" in (stored[bad].last_error or "")
    assert stored[good].status == "sent"
    send(db, smtp)
    assert smtp.handler.rcpt_attempts.count("nadie@example.org") == 1


def test_server_down_keeps_the_outbox_and_delivers_later_without_duplicates(db: Database, smtp: SmtpServer) -> None:
    first, second = queue(db, "a@example.org"), queue(db, "b@example.org")
    smtp.stop()
    report = send(db, smtp, retries=1)
    assert (report.sent, report.deferred, report.skipped) == (0, 1, 1)
    stored = rows(db)
    assert {row.status for row in stored.values()} == {"pending"}
    assert stored[first].attempts == 1 and "conectar" in (stored[first].last_error or "")
    assert stored[second].attempts == 0
    smtp.restart()
    assert send(db, smtp).sent == 2
    assert send(db, smtp).sent == 0
    assert sorted(m["To"] for m in smtp.handler.messages) == ["Enlace <a@example.org>", "Enlace <b@example.org>"]
    assert {row.status for row in rows(db).values()} == {"sent"}


def test_html_escapes_scripts_and_javascript_links(db: Database, smtp: SmtpServer) -> None:
    hostile = event(
        evidence_url="javascript:alert(1)",
        evidence_text="<script>alert('x')</script>{{7*7}}",
        municipio="<b>Toluca</b>",
    )
    queue(db, "a@example.org", [hostile])
    send(db, smtp)
    [message] = smtp.handler.messages
    html_part = message.get_body(("html",))
    assert html_part is not None
    html = html_part.get_content()
    assert "<script" not in html and "<b>Toluca" not in html
    assert "&lt;script&gt;" in html and "{{7*7}}" in html
    assert 'href="javascript:' not in html.lower()


def test_send_test_reaches_the_server(smtp: SmtpServer) -> None:
    message_id = send_test(transport(smtp), SENDER, "operador@example.org")
    [message] = smtp.handler.messages
    assert message["Message-ID"] == message_id
    assert message["Subject"] == "Vigía: correo de prueba"


def test_starttls_unsupported_is_a_temporary_server_error(smtp: SmtpServer) -> None:
    tls = SmtpTransport("127.0.0.1", smtp.port, "starttls", timeout=5)
    with pytest.raises(TemporaryMailError) as caught:
        tls.send(EmailMessage())
    assert caught.value.server_wide


def test_reply_classification() -> None:
    assert isinstance(classify_reply(451, b"luego", "h:25"), TemporaryMailError)
    assert isinstance(classify_reply(550, b"no existe", "h:25"), PermanentMailError)
    assert classify_reply(421, "cerrando", "h:25").server_wide  # type: ignore[attr-defined]


def test_fake_transport_scripts_failures(db: Database) -> None:
    outbox_id = queue(db, "a@example.org")
    fake = FakeTransport([TemporaryMailError("ocupado"), TemporaryMailError("ocupado")])
    report = send_pending(db, fake, SENDER, 1, lambda: NOW, sleep=lambda _s: None)
    assert (report.sent, report.deferred) == (0, 1)
    assert rows(db)[outbox_id].status == "pending"
    report = send_pending(db, fake, SENDER, 1, lambda: NOW, sleep=lambda _s: None)
    assert report.sent == 1 and len(fake.sent) == 1
    assert rows(db)[outbox_id].attempts == 2
