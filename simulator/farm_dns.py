"""The farm's DNS for the channel probes, installed in the environment while a farm serves (crawl workers inherit it).

The crawl resolves the farm's sites by address (127.0.0.1), so this table only answers the probes: the mail domains
of the simulated addresses (World.dns_table) and the social platforms. The simulated platforms (simulator.platforms)
resolve to the farm and VIGIA_INTERNET_SIMULADO points at the farm's platform port, so a profile GET is delivered
there (crawler.simnet); every other social host is unresolvable, so that no probe of a demo or a test ever reaches
the real networks. A table already set keeps its own answers, and a simulated internet the user set stays (another
farm's platforms, e.g. a farm serving the whole test session, give way to the newest farm's).
"""

from __future__ import annotations

import json
import os

from config.settings import load_settings, variable
from simulator.world import World

VARIABLE = variable("dns_overrides")
SIMULATED = variable("internet_simulado")
# The platform addresses farms of this process installed as the simulated internet.
_FARMS: set[str] = set()


def install_dns(world: World, platforms: str | None = None) -> dict[str, str | None]:
    """Merge the farm's table under any table already set and, unless one is set, name the farm's platforms as the
    simulated internet; return the variables' previous values to restore."""
    previous = {name: os.environ.get(name) for name in (VARIABLE, SIMULATED)}
    settings = load_settings()
    current = dict(settings.dns_overrides or {})
    os.environ[VARIABLE] = json.dumps({**world.dns_table(), **current}, sort_keys=True)
    # Another farm's platforms (a farm serving the whole test session) give way to this one's; a simulated internet
    # the user set does not.
    if platforms is not None and (not settings.internet_simulado or settings.internet_simulado in _FARMS):
        os.environ[SIMULATED] = platforms
        _FARMS.add(platforms)
    return previous


def restore_dns(previous: dict[str, str | None]) -> None:
    """Put the variables back as they were before install_dns."""
    for name, value in previous.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
