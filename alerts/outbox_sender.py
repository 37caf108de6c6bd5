"""Deliver the outbox with a two-phase claim: a row is committed as `sending` before SMTP and `sent` after the 250.

A sender that dies between the two leaves the row `sending`; the next call turns it `incierto` (the server may have
it) instead of resending it, since a duplicate accusation is worse than a held one. Exactly-once over SMTP is
impossible: an uncertain row is resent only on purpose (resend_uncertain), with the same Message-ID.
"""

from __future__ import annotations

import hashlib
import logging
import os
import socket
import time
import uuid
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, make_msgid, parseaddr

from alerts.smtp import MailError, MailTransport, PermanentMailError, TemporaryMailError, UncertainMailError
from core.clock import people_datetime
from storage.alerts_store import (
    acquire_lease,
    claim_outbox,
    lease_holder,
    mark_uncertain,
    outbox_rows,
    release_lease,
    settle_outbox,
)
from storage.db import Database
from storage.models import OutboxRow

logger = logging.getLogger("vigia.alerts")

SEND_LEASE = "outbox-send"
# A sender that dies keeps others away for this long at most (less when it ran on this machine: see claimer_dead).
SEND_LEASE_TTL = timedelta(minutes=30)
# A claim this old is no longer in flight (SMTP timeouts are seconds), even if its claimer seems alive.
CLAIM_LEASE = timedelta(minutes=30)
BACKOFF_SECONDS = 1.0
MAX_ERROR_CHARS = 1000
# Holders of the send calls running in this process: a claim by this pid with another holder is an ended call's.
_ACTIVE_HOLDERS: set[str] = set()


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


@dataclass(frozen=True)
class UncertainMail:
    """A digest whose sender died after handing it to SMTP: the server may or may not have it."""

    id: int
    run_id: int
    recipient: str
    subject: str
    since: datetime | None
    claimed_by: str | None
    reason: str | None


@dataclass
class SendReport:
    """What one send_pending (or resend_uncertain) call did."""

    sent: int = 0
    failed_permanent: int = 0
    # Still pending after a temporary failure of their own attempt.
    deferred: int = 0
    # Not attempted: the server was unreachable, or another sender held the outbox.
    skipped: int = 0
    # Digests turned incierto by this call (a dead sender's claim, a cut after DATA): never resent automatically.
    uncertain: int = 0
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


@dataclass(frozen=True)
class _Batch:
    """One send call's settings and its claim holder ("host:pid:token")."""

    transport: MailTransport
    sender: str
    retries: int
    now: Callable[[], datetime]
    sleep: Callable[[float], None]
    holder: str
    # The status claimed rows come from: pending (normal run) or incierto (deliberate resend).
    source: str


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
    return [_pending(row) for row in outbox_rows(db, ("pending",))]


def uncertain_mails(db: Database) -> list[UncertainMail]:
    """The digests left incierto, oldest first, without changing anything."""
    return [
        UncertainMail(row.id, row.run_id, row.recipient, row.subject, row.claimed_at, row.claimed_by, row.last_error)
        for row in outbox_rows(db, ("incierto",))
    ]


def send_pending(
    db: Database,
    transport: MailTransport,
    sender: str,
    retries: int,
    now: Callable[[], datetime],
    sleep: Callable[[float], None] = time.sleep,
) -> SendReport:
    """Settle dead senders' claims as incierto, then send every pending digest (1 + retries tries each)."""
    batch = _Batch(transport, sender, retries, now, sleep, _new_holder(), "pending")
    return _send_batch(db, batch, None)


def resend_uncertain(
    db: Database,
    transport: MailTransport,
    sender: str,
    retries: int,
    now: Callable[[], datetime],
    sleep: Callable[[float], None] = time.sleep,
    ids: Collection[int] | None = None,
) -> SendReport:
    """Deliberately resend the incierto digests (or those of ids) with their original Message-ID."""
    batch = _Batch(transport, sender, retries, now, sleep, _new_holder(), "incierto")
    return _send_batch(db, batch, ids)


def _send_batch(db: Database, batch: _Batch, ids: Collection[int] | None) -> SendReport:
    """Under the outbox lease: recover stale claims, then deliver the batch's rows until the server goes away."""
    report = SendReport()
    if not _acquire(db, batch.holder, batch.now()):
        logger.warning("Otro proceso está enviando la bandeja de salida; no se envía nada ahora.")
        report.busy = True
        return report
    _ACTIVE_HOLDERS.add(batch.holder)
    try:
        report.uncertain = recover_claims(db, batch.now())
        mails = [_pending(row) for row in outbox_rows(db, (batch.source,)) if ids is None or row.id in ids]
        for index, mail in enumerate(mails):
            if not _deliver_one(db, batch, mail, report):
                report.skipped += len(mails) - index - 1
                break
    finally:
        _ACTIVE_HOLDERS.discard(batch.holder)
        release_lease(db, SEND_LEASE, batch.holder)
    logger.info(
        "Bandeja de salida: %d enviados, %d rechazados, %d pendientes, %d sin intentar, %d inciertos.",
        report.sent,
        report.failed_permanent,
        report.deferred,
        report.skipped,
        report.uncertain,
    )
    return report


def _acquire(db: Database, holder: str, now: datetime) -> bool:
    """Take the outbox lease, breaking one left behind by a dead sender of this machine."""
    if acquire_lease(db, SEND_LEASE, holder, SEND_LEASE_TTL, now):
        return True
    other = lease_holder(db, SEND_LEASE)
    # A killed sender (kill -9, OOM) never releases its lease; waiting for it to expire would delay every digest.
    if other is not None and claimer_dead(other):
        release_lease(db, SEND_LEASE, other)
        return acquire_lease(db, SEND_LEASE, holder, SEND_LEASE_TTL, now)
    return False


def recover_claims(db: Database, now: datetime, lease: timedelta = CLAIM_LEASE) -> int:
    """Turn `sending` rows whose claimer is dead, or whose claim outlived the lease, into incierto."""
    recovered = 0
    for row in outbox_rows(db, ("sending",)):
        reason = _stale_reason(row.claimed_by, row.claimed_at, now, lease)
        if reason and mark_uncertain(db, row.id, row.claimed_by, reason):
            recovered += 1
            logger.warning("Correo %d a %s queda incierto: %s", row.id, row.recipient, reason)
    return recovered


def _stale_reason(claimed_by: str | None, claimed_at: datetime | None, now: datetime, lease: timedelta) -> str | None:
    """Why a claim is no longer in flight (Spanish, stored as last_error), or None while it may be."""
    since = people_datetime(claimed_at)
    if claimed_by is None or claimer_dead(claimed_by):
        return (
            f"El proceso que lo enviaba ({claimed_by or 'desconocido'}) terminó el {since} sin registrar la "
            "respuesta del servidor: pudo haberse entregado. Reenvíelo con «vigia alertas "
            "--reenviar-inciertos» sólo si no llegó."
        )
    if claimed_at is None or claimed_at <= now - lease:
        return (
            f"El envío empezó el {since} y no terminó dentro del plazo: pudo haberse entregado. Reenvíelo con "
            "«vigia alertas --reenviar-inciertos» sólo si no llegó."
        )
    return None


def claimer_dead(holder: str) -> bool:
    """Whether holder ("host:pid:token") was a process of this machine that no longer runs, or an ended call of
    this process; a claimer on another machine is never presumed dead (only its lease can expire)."""
    host, pid, token = [*holder.rsplit(":", 2), "", ""][:3]
    if host != socket.gethostname() or not pid.isdigit() or not token or int(pid) <= 0:
        return False
    if int(pid) == os.getpid():
        return holder not in _ACTIVE_HOLDERS
    return not _pid_alive(int(pid))


def _pid_alive(pid: int) -> bool:
    """Whether a process with this id exists (a recycled id reads as alive: the claim then waits for its lease)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _new_holder() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:12]}"


def _deliver_one(db: Database, batch: _Batch, mail: PendingMail, report: SendReport) -> bool:
    """Claim, send and settle one digest; False when the server is down and the batch should stop."""
    if not claim_outbox(db, mail.id, batch.source, batch.holder, batch.now()):
        return True  # Another sender settled or claimed it meanwhile: nothing to do here.
    try:
        message = build_message(mail, batch.sender, batch.now())
        _send_with_retries(batch.transport, message, batch.retries, batch.sleep)
    except ValueError as exc:
        return _record_permanent(
            db, batch, mail, PermanentMailError(f"El mensaje no se puede construir: {exc}"), report
        )
    except PermanentMailError as exc:
        return _record_permanent(db, batch, mail, exc, report)
    except TemporaryMailError as exc:
        return _record_temporary(db, batch, mail, exc, report)
    except UncertainMailError as exc:
        return _record_uncertain(db, batch, mail, exc, report)
    settle_outbox(
        db,
        mail.id,
        batch.holder,
        {"status": "sent", "sent_at": batch.now(), "message_id": message["Message-ID"], "last_error": None},
    )
    report.sent += 1
    logger.info("Correo %d enviado a %s (%s).", mail.id, mail.recipient, message["Message-ID"])
    return True


def _record_permanent(db: Database, batch: _Batch, mail: PendingMail, exc: MailError, report: SendReport) -> bool:
    """Mark the digest failed for good; the batch goes on."""
    settle_outbox(db, mail.id, batch.holder, {"status": "failed_permanent", "last_error": _trim(exc)})
    report.failed_permanent += 1
    report.errors.append(f"{mail.recipient}: {exc}")
    logger.error("Correo %d a %s rechazado definitivamente: %s", mail.id, mail.recipient, exc)
    return True


def _record_temporary(
    db: Database, batch: _Batch, mail: PendingMail, exc: TemporaryMailError, report: SendReport
) -> bool:
    """Give the row back to its source status (the server refused this attempt, so it did not deliver it)."""
    settle_outbox(db, mail.id, batch.holder, {"status": batch.source, "last_error": _trim(exc)})
    report.deferred += 1
    report.errors.append(f"{mail.recipient}: {exc}")
    logger.warning(
        "Correo %d a %s sigue %s: %s",
        mail.id,
        mail.recipient,
        "pendiente" if batch.source == "pending" else "incierto",
        exc,
    )
    return not exc.server_wide


def _record_uncertain(
    db: Database, batch: _Batch, mail: PendingMail, exc: UncertainMailError, report: SendReport
) -> bool:
    """Hold a digest the server may have received (no automatic resend); the connection broke, so stop the batch."""
    settle_outbox(db, mail.id, batch.holder, {"status": "incierto", "last_error": _trim(exc)})
    report.uncertain += 1
    report.errors.append(f"{mail.recipient}: {exc}")
    logger.warning("Correo %d a %s queda incierto: %s", mail.id, mail.recipient, exc)
    return False


def _send_with_retries(
    transport: MailTransport, message: EmailMessage, retries: int, sleep: Callable[[float], None]
) -> None:
    """Send, retrying temporary failures up to `retries` times with a doubling pause."""
    for attempt in range(retries + 1):
        try:
            transport.send(message)
            return
        except TemporaryMailError:
            if attempt >= retries:
                raise
            sleep(BACKOFF_SECONDS * 2**attempt)


def send_test(
    transport: MailTransport, sender: str, recipient: str, now: Callable[[], datetime] = lambda: datetime.now(UTC)
) -> str:
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
    return PendingMail(
        row.id,
        row.run_id,
        row.recipient,
        row.recipient_name,
        row.subject,
        row.body_text,
        row.body_html,
        row.idempotency_key,
        row.attempts,
        row.last_error,
        row.created_at,
    )


def _domain(sender: str) -> str:
    address = parseaddr(sender)[1]
    domain = address.rpartition("@")[2].strip()
    return domain if domain and all(ch.isalnum() or ch in ".-" for ch in domain) else "vigia.invalid"


def _trim(exc: BaseException) -> str:
    return str(exc)[:MAX_ERROR_CHARS]
