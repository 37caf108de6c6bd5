"""Four nightly runs over mutated simulated portals, a real SMTP server: exactly the expected e-mails arrive."""

from __future__ import annotations

import email
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, timedelta
from email.message import Message
from email.utils import parseaddr
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
pytest.importorskip("aiosmtpd.controller")

from alerts.smtp import SmtpTransport  # noqa: E402
from checks.catalogue import load_catalogue  # noqa: E402
from config.operation import load_operation_config  # noqa: E402
from crawler.settings import CrawlSettings  # noqa: E402
from simulator import FarmServer, build_world  # noqa: E402
from simulator.model import Resource  # noqa: E402
from simulator.truth import crawl_depths  # noqa: E402
from tests.alerts.test_smtp import EphemeralController  # noqa: E402
from vigia.nightly import run_nightly  # noqa: E402

RUN_DATE = date(2026, 11, 24)
AUDITOR = "auditores@contraloria.test"
CFG = CrawlSettings(timeout=4, retries=0, ipomex=False, render_js=False)
DISALLOW_ALL = Resource(200, "text/plain", b"User-agent: *\nDisallow: /\n")


class Inbox:
    """aiosmtpd handler that keeps every message and can refuse service."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.down = False

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
        if self.down:
            return "421 servicio no disponible"
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 OK"


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    controller = EphemeralController(inbox, hostname="127.0.0.1", port=0)
    controller.start()
    yield inbox, controller.port
    controller.stop()


def operation_config(tmp_path: Path, port: int):  # type: ignore[no-untyped-def]
    path = tmp_path / "operacion.yaml"
    path.write_text(
        f"""calendario: {{cron: "0 2 * * *", zona: America/Mexico_City, gracia_minutos: 60,
              candado_minutos: 60}}
alertas:
  confirmacion_corridas: 2
  sitio_caido_corridas: 2
  remitente: "Vigía <vigia@localhost>"
  smtp: {{host: 127.0.0.1, port: {port}, seguridad: ninguna, timeout_segundos: 5, reintentos: 1}}
  destinatarios: [{{nombre: Auditores, correo: {AUDITOR}, alcance: todo}}]
  unidades_transparencia: {{}}
""",
        encoding="utf-8",
    )
    return load_operation_config(path)


def removable_page(site, truth: dict[str, str]) -> tuple[str, str] | None:  # type: ignore[no-untyped-def]
    """A non-home page that alone proves some site check that is cumple, and through which no other page is
    reached or embedded (removing it loses that one proof and nothing else)."""
    reachable = set(crawl_depths(site))
    for path, evidence in site.evidence.items():
        if path == site.home_path:
            continue
        without = replace(site, resources={p: r for p, r in site.resources.items() if p != path})
        if set(crawl_depths(without)) != reachable - {path} or b"<iframe" in site.dom(path):
            continue
        for check_id in sorted(evidence.tags):
            proofs = [p for p, e in site.evidence.items() if check_id in e.tags]
            if truth.get(check_id) == "cumple" and proofs == [path] and not check_id.startswith("sitio."):
                return path, check_id
    return None


def mutate(world, changes):  # type: ignore[no-untyped-def]
    return replace(world, sites=[changes.get(s.cve_inegi, lambda x: x)(s) for s in world.sites])


def test_four_runs_send_exactly_the_expected_digests(tmp_path: Path, db_url: str, smtp) -> None:  # type: ignore[no-untyped-def]
    inbox, port = smtp
    operation = operation_config(tmp_path, port)
    base = build_world(seed=2026, run_date=RUN_DATE)
    normal = [s for s in base.sites if s.behaviour == "normal"]
    a = next(s for s in normal if removable_page(s, base.ground_truth[s.cve_inegi]) is not None)
    b, c = [s for s in normal if s is not a][:2]
    path, lost_check = removable_page(a, base.ground_truth[a.cve_inegi]) or ("", "")
    lose = lambda s: replace(s, resources={p: r for p, r in s.resources.items() if p != path})  # noqa: E731
    down = lambda s: replace(s, behaviour="down")  # noqa: E731
    blind = lambda s: replace(s, robots=DISALLOW_ALL)  # noqa: E731
    plan = [
        ({}, False),
        ({a.cve_inegi: lose, c.cve_inegi: blind}, False),
        ({a.cve_inegi: lose, b.cve_inegi: down}, False),
        ({a.cve_inegi: lose, b.cve_inegi: down}, True),
        ({a.cve_inegi: lose}, False),
    ]
    delivered: list[int] = []
    for night, (changes, smtp_down) in enumerate(plan):
        inbox.down = smtp_down
        with FarmServer(mutate(base, changes)) as farm:
            registry = [m for m in farm.registry() if m.cve_inegi in {a.cve_inegi, b.cve_inegi, c.cve_inegi}]
            summary, _ = run_nightly(
                db_url,
                SmtpTransport("127.0.0.1", port, "ninguna", 5),
                CFG,
                registry,
                RUN_DATE + timedelta(days=night),
                operation,
            )
        assert summary.status == "complete"
        delivered.append(len(inbox.messages))
    subjects = [m["Subject"] for m in inbox.messages]
    # night 3: A's regression confirmed (K=2); night 4: B down twice but SMTP down; night 5: both digests go out.
    assert delivered == [0, 0, 1, 1, 3], subjects
    assert len({m["Message-ID"] for m in inbox.messages}) == 3
    bodies = [
        part.get_payload(decode=True).decode()
        for m in inbox.messages
        for part in m.walk()
        if part.get_content_type() == "text/plain"
    ]
    assert load_catalogue().get(lost_check).label in bodies[0] and a.nombre in bodies[0]
    assert "1 regresión" in bodies[0], bodies[0]
    assert b.nombre in bodies[1] and c.nombre not in "".join(bodies)
    assert all(parseaddr(m["To"])[1] == AUDITOR for m in inbox.messages)
