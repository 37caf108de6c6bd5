"""Mail transports: real SMTP through smtplib, an in-memory fake, and the temporary/permanent error split."""

from __future__ import annotations

import logging
import smtplib
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email.message import EmailMessage
from typing import TYPE_CHECKING, Literal, Protocol

if TYPE_CHECKING:
    from _typeshed import ReadableBuffer

from config.settings import load_settings, secret
from core.errors import VigiaError
from core.net import is_loopback

logger = logging.getLogger("vigia.alerts")

Security = Literal["ninguna", "starttls", "ssl"]
SECURITY_CHOICES: tuple[Security, ...] = ("ninguna", "starttls", "ssl")
ENV_USER = "VIGIA_SMTP_USER"
ENV_PASSWORD = "VIGIA_SMTP_PASSWORD"


class MailError(VigiaError):
    """A message could not be handed to the mail server (message in Spanish)."""

    exit_code = 5


class TemporaryMailError(MailError):
    """The server or the network failed for now (4xx, connection): the message stays queued and is retried."""

    def __init__(self, message: str, *, server_wide: bool = False) -> None:
        super().__init__(message)
        # True when the failure is the server's or the configuration's, not this message's: stop the batch.
        self.server_wide = server_wide


class PermanentMailError(MailError):
    """The server rejected this message for good (5xx, e.g. 550 unknown recipient): never retried."""


class UncertainMailError(MailError):
    """The connection broke after the whole message went out and before the server answered: it may have it."""


class MailTransport(Protocol):
    """Something that delivers one e-mail message or raises TemporaryMailError / PermanentMailError."""

    def send(self, message: EmailMessage) -> None: ...


class FakeTransport:
    """In-memory transport for dry runs and tests; `failures` are raised, in order, before delivering."""

    def __init__(self, failures: list[MailError] | None = None) -> None:
        self.sent: list[EmailMessage] = []
        self.failures: list[MailError] = list(failures or [])

    def send(self, message: EmailMessage) -> None:
        """Record the message (or raise the next scripted failure)."""
        if self.failures:
            raise self.failures.pop(0)
        self.sent.append(message)


class _TrackedSMTP(smtplib.SMTP):
    """An SMTP client that knows when a message's final dot went out and its reply has not come back yet."""

    data_unanswered = False

    def send(self, s: ReadableBuffer | str) -> None:
        """Send raw data, noting the end of a message's DATA."""
        super().send(s)
        if isinstance(s, bytes) and s.endswith(b"\r\n.\r\n"):
            self.data_unanswered = True

    def getreply(self) -> tuple[int, bytes]:
        """Read a reply; once it arrives the outcome of the DATA is known."""
        reply = super().getreply()
        self.data_unanswered = False
        return reply


class _TrackedSMTPSSL(_TrackedSMTP, smtplib.SMTP_SSL):
    """The tracked client over implicit TLS."""


@dataclass
class _Attempt:
    """What one send got to: the open client, and whether the server accepted the message (250 to DATA)."""

    client: _TrackedSMTP | None = None
    accepted: bool = False
    refused: dict[str, tuple[int, bytes]] | None = None

    def data_unanswered(self) -> bool:
        """Whether the message went out whole and no reply came back (so the server may have it)."""
        return self.client is not None and self.client.data_unanswered


class SmtpTransport:
    """Deliver through an SMTP server with smtplib; TLS verified with the system's certificate authorities."""

    def __init__(
        self,
        host: str,
        port: int,
        security: Security,
        timeout: float,
        user: str | None = None,
        password: str | None = None,
    ) -> None:
        if security not in SECURITY_CHOICES:
            raise ValueError(f"seguridad SMTP desconocida: {security!r} (use ninguna, starttls o ssl)")
        self.host, self.port, self.security, self.timeout = host, port, security, timeout
        settings = load_settings()
        self.user = user if user is not None else (settings.smtp_user or None)
        self.password = password if password is not None else (secret(settings.smtp_password) or None)

    def __repr__(self) -> str:
        return f"SmtpTransport({self.host}:{self.port}, seguridad={self.security}, usuario={self.user!r})"

    def send(self, message: EmailMessage) -> None:
        """Send one message; raise TemporaryMailError, PermanentMailError or UncertainMailError in Spanish."""
        attempt = _Attempt()
        try:
            with self._session(attempt) as client:
                attempt.refused = client.send_message(message)
                attempt.accepted = True
        except (smtplib.SMTPException, OSError) as exc:
            if not attempt.accepted:
                raise self._classify(exc, attempt) from exc
            # The 250 already came: a failed QUIT does not undo the delivery.
            logger.warning("El servidor de correo %s aceptó el mensaje y falló al cerrar: %s", self._where(), exc)
        if attempt.refused:
            raise _refused(attempt.refused)

    def _classify(self, exc: smtplib.SMTPException | OSError, attempt: _Attempt) -> MailError:
        """The Spanish mail error for an smtplib failure before the server accepted the message."""
        if isinstance(exc, smtplib.SMTPRecipientsRefused):
            return _refused(exc.recipients)
        if isinstance(exc, smtplib.SMTPSenderRefused):
            return TemporaryMailError(
                f"El servidor de correo {self._where()} rechazó al remitente {exc.sender!r} "
                f"({exc.smtp_code}); revise «remitente» en la configuración.",
                server_wide=True,
            )
        if isinstance(exc, smtplib.SMTPResponseException):
            return classify_reply(exc.smtp_code, exc.smtp_error, self._where())
        if attempt.data_unanswered():
            return UncertainMailError(
                f"La conexión con el servidor de correo {self._where()} se cortó después de "
                f"entregar el mensaje completo y antes de su respuesta ({exc}): pudo haberlo "
                "recibido."
            )
        return TemporaryMailError(
            f"No se pudo conectar con el servidor de correo {self._where()} ({exc}); se reintentará más tarde.",
            server_wide=True,
        )

    @contextmanager
    def _session(self, attempt: _Attempt) -> Iterator[smtplib.SMTP]:
        """An open, secured and (when configured) authenticated SMTP session, recorded in attempt."""
        context = ssl.create_default_context()
        client: _TrackedSMTP
        if self.security == "ssl":
            client = _TrackedSMTPSSL(self.host, self.port, timeout=self.timeout, context=context)
        else:
            client = _TrackedSMTP(self.host, self.port, timeout=self.timeout)
        attempt.client = client
        with client:
            client.ehlo()
            if self.security == "starttls":
                client.starttls(context=context)
                client.ehlo()
            self._login(client)
            yield client

    def _login(self, client: smtplib.SMTP) -> None:
        """Authenticate when credentials exist; refuse to send them in clear text to another machine."""
        if not self.user:
            return
        if self.security == "ninguna" and not is_loopback(self.host):
            raise TemporaryMailError(
                f"No se envían las credenciales SMTP sin cifrar a {self._where()}: configure seguridad "
                "«starttls» o «ssl».",
                server_wide=True,
            )
        try:
            client.login(self.user, self.password or "")
        except smtplib.SMTPAuthenticationError as exc:
            raise TemporaryMailError(
                f"El servidor de correo {self._where()} rechazó el usuario o la contraseña (código "
                f"{exc.smtp_code}); revise {ENV_USER} y {ENV_PASSWORD}.",
                server_wide=True,
            ) from exc

    def _where(self) -> str:
        return f"{self.host}:{self.port}"


def classify_reply(code: int, text: bytes | str, where: str) -> MailError:
    """Turn an SMTP reply into a temporary (4xx and anything unexpected) or permanent (5xx) error."""
    detail = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    if 500 <= code < 600:
        return PermanentMailError(
            f"El servidor de correo {where} rechazó el mensaje definitivamente ({code} {detail}); no se reintentará."
        )
    # 421 means the whole service is unavailable; other 4xx codes may concern only this message.
    return TemporaryMailError(
        f"El servidor de correo {where} no aceptó el mensaje por ahora ({code} {detail}); se reintentará más tarde.",
        server_wide=code == 421,
    )


def _refused(recipients: dict[str, tuple[int, bytes]]) -> MailError:
    """Classify refused recipients: permanent only when every refusal is a 5xx."""
    codes = [code for code, _ in recipients.values()]
    names = ", ".join(sorted(recipients))
    if codes and all(500 <= code < 600 for code in codes):
        return PermanentMailError(
            f"El servidor de correo rechazó al destinatario {names} "
            f"(código {', '.join(map(str, codes))}); no se reintentará."
        )
    return TemporaryMailError(
        f"El servidor de correo no aceptó por ahora al destinatario {names} "
        f"(código {', '.join(map(str, codes))}); se reintentará más tarde."
    )
