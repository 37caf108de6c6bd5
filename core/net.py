"""Small network facts shared by the dashboard, the mailer and the simulated internet's transport seam."""

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


# The simulated internet's transport seam (crawler/simnet.py ↔ simulator/internet_server.py): which host, scheme and
# port a request to the one local server stands for, and the header with which that server answers "no such host"
# or "connection refused" (a port the host does not serve) instead of a page.
SIMNET_HOST = "X-Simnet-Host"
SIMNET_SCHEME = "X-Simnet-Scheme"
SIMNET_PORT = "X-Simnet-Port"
SIMNET_ERROR = "X-Simnet-Error"
SIMNET_REFUSED, SIMNET_NXDOMAIN = "refused", "nxdomain"
