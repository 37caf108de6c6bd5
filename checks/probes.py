"""Probes of a channel's endpoint: what to ask (never a POST) and how an answer reads.

A probe asks whether an address exists, with the methods that change nothing on a server (HEAD, then OPTIONS,
then GET, RFC 9110 «safe methods»). The crawler sends them; the checks only name the addresses and read the answers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from checks.page import Form, absolute, dead_href

# The only methods a probe may use, in the order they are tried (HEAD is the cheapest; some servers refuse it).
SAFE_METHODS: tuple[str, ...] = ("HEAD", "OPTIONS", "GET")
# A handler that only shows a message (alert/confirm/console) and sends nothing anywhere.
_ONLY_ALERT = re.compile(r"^(?:\s*(?:(?:window\.)?(?:alert|confirm)\s*\([^;]*\)|return\s+false|false)\s*;?)+\s*$", re.I)
_SENDS = re.compile(r"fetch|ajax|xmlhttp|submit|\.post|axios|send|\$\.|jquery|grecaptcha|enviar", re.IGNORECASE)

Target = Literal["endpoint", "nowhere", "script"]


@dataclass(frozen=True)
class FormTarget:
    """Where a form sends: an endpoint URL to probe, nowhere (#, javascript:, alert only), or a script we cannot see."""

    kind: Target
    url: str = ""


@dataclass(frozen=True)
class ProbeAnswer:
    """The answer to a probe: the final HTTP status, or the machine reason why none came (timeout, sin_tiempo...)."""

    status: int | None
    reason: str | None = None
    method: str = ""

    @property
    def exists(self) -> bool:
        """The endpoint exists: any success or redirect, or 405 (the server knows the address, only not that method:
        RFC 9110 §15.5.6 requires a 405 to list the methods the resource does allow)."""
        return self.status is not None and (self.status < 400 or self.status == 405)

    @property
    def missing(self) -> bool:
        """The address is definitively not there (404 Not Found, 410 Gone)."""
        return self.status in (404, 410)


def form_target(form: Form, page_url: str) -> FormTarget:
    """Where a form's submit leads, judged from its action and the scripts its submit runs."""
    handler = form.handler
    if handler and _ONLY_ALERT.match(handler):
        return FormTarget("nowhere")
    action = form.action
    if dead_href(action) and action.strip():
        # "#" or javascript: posts nowhere, unless a handler sends the data itself (we cannot see where).
        return FormTarget("script") if handler and _SENDS.search(handler) else FormTarget("nowhere")
    url = absolute(page_url, action) if action else page_url.split("#", 1)[0]
    return FormTarget("endpoint", url) if url else FormTarget("nowhere")
