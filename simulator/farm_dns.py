"""The farm's DNS for the channel probes, installed in the environment while a farm serves (crawl workers inherit it).

The crawl resolves the farm's sites by address (127.0.0.1), so this table only answers the probes: the mail domains
of the simulated addresses (World.dns_table) and the social platforms, which it makes unresolvable so that no
probe of a demo or a test ever reaches the real networks. A table already set (the simulated internet's) keeps its
own answers.
"""

from __future__ import annotations

import json
import os

from config.settings import load_settings, variable
from simulator.world import World

VARIABLE = variable("dns_overrides")


def install_dns(world: World) -> str | None:
    """Merge the farm's table under any table already set; return the variable's previous value to restore."""
    previous = os.environ.get(VARIABLE)
    current = dict(load_settings().dns_overrides or {})
    os.environ[VARIABLE] = json.dumps({**world.dns_table(), **current}, sort_keys=True)
    return previous


def restore_dns(previous: str | None) -> None:
    """Put the variable back as it was before install_dns."""
    if previous is None:
        os.environ.pop(VARIABLE, None)
    else:
        os.environ[VARIABLE] = previous
