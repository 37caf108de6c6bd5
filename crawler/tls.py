"""A verifying TLS handshake, because Scrapy itself does not verify certificates."""

from __future__ import annotations

import socket
import ssl

# OpenSSL verify codes → the plain Spanish fault an auditor reads in sitio.https.
_CERT_FAULTS = {
    9: "el certificado todavía no es válido (su fecha de inicio es futura)",
    10: "el certificado está caducado (venció su fecha de validez)",
    18: "el certificado es autofirmado (no lo emitió una autoridad reconocida)",
    19: "el certificado es autofirmado (su cadena termina en una autoridad no reconocida)",
    20: "el certificado no lo emitió una autoridad reconocida o falta el certificado intermedio",
    21: "el certificado no lo emitió una autoridad reconocida o falta el certificado intermedio",
    62: "el certificado no corresponde al nombre del sitio",
    64: "el certificado no corresponde a la dirección del sitio",
}


def describe_cert_error(exc: ssl.SSLCertVerificationError) -> str:
    """Spanish description of a certificate fault: caducado, autofirmado, no corresponde al nombre, …"""
    fault = _CERT_FAULTS.get(exc.verify_code)
    if fault is None and "mismatch" in str(exc.verify_message).lower():
        fault = _CERT_FAULTS[62]
    return fault or f"certificado inválido ({exc.verify_message})"


def verify_tls(host: str, port: int = 443, timeout: float = 10.0, cafile: str | None = None) -> tuple[bool, str | None]:
    """Return (True, None) if the certificate of host:port validates for host, else (False, Spanish reason)."""
    context = ssl.create_default_context(cafile=cafile)
    try:
        with (
            socket.create_connection((host, port), timeout=timeout) as sock,
            context.wrap_socket(sock, server_hostname=host),
        ):
            return True, None
    except ssl.SSLCertVerificationError as exc:
        return False, describe_cert_error(exc)
    except ssl.SSLError as exc:
        return False, f"error TLS: {exc.reason or exc}"
    except OSError as exc:
        return False, f"no se pudo abrir una conexión HTTPS ({exc.__class__.__name__})"
