"""Small network facts shared by the dashboard and the mailer."""

from __future__ import annotations

import ipaddress


def is_loopback(host: str) -> bool:
    """Tell whether host names this machine only (localhost, 127.0.0.0/8, ::1)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False
