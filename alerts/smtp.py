"""Mail transports: real SMTP through smtplib, an in-memory fake, and the temporary/permanent error split."""

from __future__ import annotations

import logging
import os
import smtplib
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from email.message import EmailMessage
from typing import Literal, Protocol

from vigia.errors import VigiaError
from vigia.net import is_loopback

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


class SmtpTransport:
    """Deliver through an SMTP server with smtplib; TLS verified with the system's certificate authorities."""

    def __init__(self, host: str, port: int, security: Security, timeout: float,
                 user: str | None = None, password: str | None = None) -> None:
        if security not in SECURITY_CHOICES:
            raise ValueError(f"seguridad SMTP desconocida: {security!r} (use ninguna, starttls o ssl)")
        self.host, self.port, self.security, self.timeout = host, port, security, timeout
        self.user = user if user is not None else (os.environ.get(ENV_USER) or None)
        self.password = password if password is not None else (os.environ.get(ENV_PASSWORD) or None)

    def __repr__(self) -> str:
        return f"SmtpTransport({self.host}:{self.port}, seguridad={self.security}, usuario={self.user!r})"

    def send(self, message: EmailMessage) -> None:
        """Send one message; raise TemporaryMailError or PermanentMailError with a Spanish explanation."""
        try:
            with self._session() as client:
                refused = client.send_message(message)
        except smtplib.SMTPRecipientsRefused as exc:
            raise _refused(exc.recipients) from exc
        except smtplib.SMTPSenderRefused as exc:
            raise TemporaryMailError(f"El servidor de correo {self._where()} rechazó al remitente "
                                     f"{exc.sender} ({exc.smtp_code}); revise «remitente» en la configuración.",
                                     server_wide=True) from exc
        except smtplib.SMTPResponseException as exc:
            raise classify_reply(exc.smtp_code, exc.smtp_error, self._where()) from exc
        except (smtplib.SMTPException, OSError) as exc:
            raise TemporaryMailError(f"No se pudo conectar con el servidor de correo {self._where()} ({exc}); "
                                     "se reintentará más tarde.", server_wide=True) from exc
        if refused:
            raise _refused(refused)

    @contextmanager
    def _session(self) -> Iterator[smtplib.SMTP]:
        """An open, secured and (when configured) authenticated SMTP session."""
        context = ssl.create_default_context()
        client: smtplib.SMTP
        if self.security == "ssl":
            client = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=context)
        else:
            client = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
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
                "«starttls» o «ssl».", server_wide=True)
        try:
            client.login(self.user, self.password or "")
        except smtplib.SMTPAuthenticationError as exc:
            raise TemporaryMailError(
                f"El servidor de correo {self._where()} rechazó el usuario o la contraseña (código "
                f"{exc.smtp_code}); revise {ENV_USER} y {ENV_PASSWORD}.", server_wide=True) from exc

    def _where(self) -> str:
        return f"{self.host}:{self.port}"


def classify_reply(code: int, text: bytes | str, where: str) -> MailError:
    """Turn an SMTP reply into a temporary (4xx and anything unexpected) or permanent (5xx) error."""
    detail = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    if 500 <= code < 600:
        return PermanentMailError(f"El servidor de correo {where} rechazó el mensaje definitivamente "
                                  f"({code} {detail}); no se reintentará.")
    # 421 means the whole service is unavailable; other 4xx codes may concern only this message.
    return TemporaryMailError(f"El servidor de correo {where} no aceptó el mensaje por ahora ({code} {detail}); "
                              "se reintentará más tarde.", server_wide=code == 421)


def _refused(recipients: dict[str, tuple[int, bytes]]) -> MailError:
    """Classify refused recipients: permanent only when every refusal is a 5xx."""
    codes = [code for code, _ in recipients.values()]
    names = ", ".join(sorted(recipients))
    if codes and all(500 <= code < 600 for code in codes):
        return PermanentMailError(f"El servidor de correo rechazó al destinatario {names} "
                                  f"(código {', '.join(map(str, codes))}); no se reintentará.")
    return TemporaryMailError(f"El servidor de correo no aceptó por ahora al destinatario {names} "
                              f"(código {', '.join(map(str, codes))}); se reintentará más tarde.")
