"""A verifying TLS handshake, because Scrapy itself does not verify certificates."""

from __future__ import annotations

import socket
import ssl


def verify_tls(host: str, port: int = 443, timeout: float = 10.0, cafile: str | None = None) -> tuple[bool, str | None]:
    """Return (True, None) if the certificate of host:port validates for host, else (False, Spanish reason)."""
    context = ssl.create_default_context(cafile=cafile)
    try:
        with socket.create_connection((host, port), timeout=timeout) as sock, \
                context.wrap_socket(sock, server_hostname=host):
            return True, None
    except ssl.SSLCertVerificationError as exc:
        return False, f"certificado inválido: {exc.verify_message}"
    except ssl.SSLError as exc:
        return False, f"error TLS: {exc.reason or exc}"
    except OSError as exc:
        return False, f"no se pudo abrir una conexión HTTPS ({exc.__class__.__name__})"
