"""Deliver the outbox: each pending digest is sent and marked in its own transaction, never sent twice."""

from __future__ import annotations

import hashlib
import logging
import os
import socket
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, make_msgid, parseaddr

from sqlalchemy import select, update

from alerts.smtp import MailError, MailTransport, PermanentMailError, TemporaryMailError
from storage.alerts_store import acquire_lease, release_lease
from storage.db import Database
from storage.models import OutboxRow
from storage.work import unit_of_work

logger = logging.getLogger("vigia.alerts")

SEND_LEASE = "outbox-send"
# A sender that dies keeps others away for this long at most.
SEND_LEASE_TTL = timedelta(minutes=30)
BACKOFF_SECONDS = 1.0
MAX_ERROR_CHARS = 1000


@dataclass(frozen=True)
class PendingMail:
    """A queued digest as shown by a dry run."""

    id: int
    run_id: int
    recipient: str
    recipient_name: str | None
    subject: str
    body_text: str
    body_html: str | None
    idempotency_key: str
    attempts: int
    last_error: str | None
    created_at: datetime


@dataclass
class SendReport:
    """What one send_pending call did."""

    sent: int = 0
    failed_permanent: int = 0
    # Still pending after a temporary failure of their own attempt.
    deferred: int = 0
    # Not attempted: the server was unreachable, or another sender held the outbox.
    skipped: int = 0
    busy: bool = False
    errors: list[str] = field(default_factory=list)

    @property
    def pending(self) -> int:
        """Digests still waiting for a later call (deferred or not attempted)."""
        return self.deferred + self.skipped

    @property
    def failed(self) -> int:
        """Digests refused for good."""
        return self.failed_permanent


def message_id_for(idempotency_key: str, sender: str) -> str:
    """A Message-ID derived from the idempotency key: a resend after a crash carries the same one."""
    digest = hashlib.sha256(idempotency_key.encode("utf-8")).hexdigest()[:40]
    return f"<vigia.{digest}@{_domain(sender)}>"


def build_message(mail: PendingMail, sender: str, date: datetime) -> EmailMessage:
    """The e-mail for a queued digest: plain text with an HTML alternative; ValueError if a header is unsafe."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = formataddr((mail.recipient_name, mail.recipient)) if mail.recipient_name else mail.recipient
    message["Subject"] = mail.subject
    message["Date"] = format_datetime(date if date.tzinfo else date.replace(tzinfo=UTC))
    message["Message-ID"] = message_id_for(mail.idempotency_key, sender)
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(mail.body_text)
    if mail.body_html:
        message.add_alternative(mail.body_html, subtype="html")
    return message


def preview_pending(db: Database) -> list[PendingMail]:
    """The pending digests, oldest first, without sending or changing anything (for --dry-run)."""
    with unit_of_work(db, "leer la bandeja de salida", read_only=True) as session:
        rows = session.scalars(select(OutboxRow).where(OutboxRow.status == "pending").order_by(OutboxRow.id))
        return [_pending(row) for row in rows]


def send_pending(db: Database, transport: MailTransport, sender: str, retries: int, now: Callable[[], datetime],
                 sleep: Callable[[float], None] = time.sleep) -> SendReport:
    """Send every pending digest (1 + retries immediate tries on temporary errors) and record each outcome."""
    report = SendReport()
    holder = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
    if not acquire_lease(db, SEND_LEASE, holder, SEND_LEASE_TTL, now()):
        logger.warning("Otro proceso está enviando la bandeja de salida; no se envía nada ahora.")
        report.busy = True
        return report
    try:
        pending = preview_pending(db)
        for index, mail in enumerate(pending):
            if not _deliver_one(db, transport, sender, retries, now, sleep, mail, report):
                report.skipped += len(pending) - index - 1
                break
    finally:
        release_lease(db, SEND_LEASE, holder)
    logger.info("Bandeja de salida: %d enviados, %d rechazados, %d pendientes, %d sin intentar.",
                report.sent, report.failed_permanent, report.deferred, report.skipped)
    return report


def _deliver_one(db: Database, transport: MailTransport, sender: str, retries: int, now: Callable[[], datetime],
                 sleep: Callable[[float], None], mail: PendingMail, report: SendReport) -> bool:
    """Send one digest and record the outcome; False when the server is down and the batch should stop."""
    try:
        message = build_message(mail, sender, now())
        _send_with_retries(transport, message, retries, sleep)
    except ValueError as exc:
        return _record_permanent(db, mail, PermanentMailError(f"El mensaje no se puede construir: {exc}"), report)
    except PermanentMailError as exc:
        return _record_permanent(db, mail, exc, report)
    except TemporaryMailError as exc:
        _finish(db, mail.id, {"last_error": _trim(exc)})
        report.deferred += 1
        report.errors.append(f"{mail.recipient}: {exc}")
        logger.warning("Correo %d a %s sigue pendiente: %s", mail.id, mail.recipient, exc)
        return not exc.server_wide
    _finish(db, mail.id, {"status": "sent", "sent_at": now(), "message_id": message["Message-ID"],
                          "last_error": None})
    report.sent += 1
    logger.info("Correo %d enviado a %s (%s).", mail.id, mail.recipient, message["Message-ID"])
    return True


def _record_permanent(db: Database, mail: PendingMail, exc: MailError, report: SendReport) -> bool:
    """Mark the digest failed for good; the batch goes on."""
    _finish(db, mail.id, {"status": "failed_permanent", "last_error": _trim(exc)})
    report.failed_permanent += 1
    report.errors.append(f"{mail.recipient}: {exc}")
    logger.error("Correo %d a %s rechazado definitivamente: %s", mail.id, mail.recipient, exc)
    return True


def _send_with_retries(transport: MailTransport, message: EmailMessage, retries: int,
                       sleep: Callable[[float], None]) -> None:
    """Send, retrying temporary failures up to `retries` times with a doubling pause."""
    for attempt in range(retries + 1):
        try:
            transport.send(message)
            return
        except TemporaryMailError:
            if attempt >= retries:
                raise
            sleep(BACKOFF_SECONDS * 2**attempt)


def _finish(db: Database, outbox_id: int, values: dict[str, object]) -> None:
    """Record one attempt's outcome in its own transaction; only a still-pending row is touched."""
    with unit_of_work(db, "registrar el envío de un correo") as session:
        session.execute(
            update(OutboxRow)
            .where(OutboxRow.id == outbox_id, OutboxRow.status == "pending")
            .values(attempts=OutboxRow.attempts + 1, **values)
            .execution_options(synchronize_session=False)
        )


def send_test(transport: MailTransport, sender: str, recipient: str,
              now: Callable[[], datetime] = lambda: datetime.now(UTC)) -> str:
    """Send a short test message to recipient (no outbox, no retry); return its Message-ID or raise MailError."""
    message = EmailMessage()
    message["From"], message["To"] = sender, recipient
    message["Subject"] = "Vigía: correo de prueba"
    message["Date"] = format_datetime(now())
    message["Message-ID"] = make_msgid("vigia.prueba", _domain(sender))
    message["Auto-Submitted"] = "auto-generated"
    message.set_content("Este es un correo de prueba de Vigía. Si lo recibió, el envío de alertas funciona.\n")
    transport.send(message)
    return str(message["Message-ID"])


def _pending(row: OutboxRow) -> PendingMail:
    return PendingMail(row.id, row.run_id, row.recipient, row.recipient_name, row.subject, row.body_text,
                       row.body_html, row.idempotency_key, row.attempts, row.last_error, row.created_at)


def _domain(sender: str) -> str:
    address = parseaddr(sender)[1]
    domain = address.rpartition("@")[2].strip()
    return domain if domain and all(ch.isalnum() or ch in ".-" for ch in domain) else "vigia.invalid"


def _trim(exc: BaseException) -> str:
    return str(exc)[:MAX_ERROR_CHARS]
