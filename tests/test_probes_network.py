"""The probes' network side: DNS answers and their cache, the per-site budget, and only GET ever sent."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest

from checks.engine import evaluate_pages
from checks.probes import ProfileAnswer, judge_profile
from core.net import SIMNET_HOST
from crawler.dnscache import DnsCache
from crawler.probes import NameMissing, NetworkProber, ProbeBudget, Unanswered, mail_answer
from tests.checks.conftest import HOME, RUN_DATE, html, outcome


def fake_dns(records: dict[tuple[str, str], int | Exception]):
    """A DnsQuery answering from a table (gmail.com's MX is always there: the resolver is trusted)."""
    asked: list[tuple[str, str]] = []

    def query(name: str, rdtype: str, timeout: float) -> int:
        asked.append((name, rdtype))
        answer = {("gmail.com", "MX"): 5, **records}.get((name, rdtype), 0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    return query, asked


def test_mail_answers_from_table_and_resolver() -> None:
    query, _ = fake_dns(
        {
            ("mx.gob.mx", "MX"): 2,
            ("solo-a.gob.mx", "A"): 1,
            ("nada.gob.mx", "MX"): NameMissing("nada.gob.mx"),
            ("lento.gob.mx", "MX"): Unanswered("lento.gob.mx"),
        }
    )
    table = {"sim.gob.mx": "127.0.0.1", "roto.gob.mx": None}
    assert mail_answer("sim.gob.mx", table, query, 1) == "ok"
    assert mail_answer("roto.gob.mx", table, query, 1) == "none"
    assert mail_answer("mx.gob.mx", table, query, 1) == "ok"
    assert mail_answer("solo-a.gob.mx", table, query, 1) == "ok"
    assert mail_answer("vacio.gob.mx", table, query, 1) == "none"
    assert mail_answer("nada.gob.mx", table, query, 1) == "none"
    assert mail_answer("lento.gob.mx", table, query, 1) == "unknown"


def test_a_resolver_that_denies_everything_accuses_nobody() -> None:
    def offline(name: str, rdtype: str, timeout: float) -> int:
        raise NameMissing(name)  # an offline sandbox answering NXDOMAIN to every name

    assert mail_answer("toluca.gob.mx", {}, offline, 1) == "unknown"


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 12, 6, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def test_dns_cache_keeps_answers_until_they_expire(tmp_path: Path) -> None:
    clock = Clock()
    path = tmp_path / "sondas_dns.json"
    cache = DnsCache(path, clock)
    cache.put("bien.gob.mx", "ok")
    cache.put("mal.gob.mx", "none")
    cache.put("quien.gob.mx", "unknown")
    later = DnsCache(path, clock)  # the next night reads the file
    assert (later.get("bien.gob.mx"), later.get("mal.gob.mx"), later.get("quien.gob.mx")) == ("ok", "none", None)
    clock.now += timedelta(days=2)
    assert (DnsCache(path, clock).get("bien.gob.mx"), DnsCache(path, clock).get("mal.gob.mx")) == ("ok", None)
    clock.now += timedelta(days=6)
    assert DnsCache(path, clock).get("bien.gob.mx") is None
    path.write_text("{roto", encoding="utf-8")
    assert DnsCache(path, clock).get("bien.gob.mx") is None


def test_cached_answers_cost_no_query_and_the_budget_is_per_site(tmp_path: Path) -> None:
    query, asked = fake_dns({("a.gob.mx", "MX"): 1, ("b.gob.mx", "MX"): 1})
    cache = DnsCache(tmp_path / "c.json", Clock())
    prober = NetworkProber(ProbeBudget(1, 60), {}, cache, query=query)
    assert prober.mail_domain("a.gob.mx") == "ok"
    assert prober.mail_domain("b.gob.mx") == "budget"
    assert prober.mail_domain("a.gob.mx") == "ok"  # from the cache, no budget needed
    assert [a for a in asked if a[0] != "gmail.com"] == [("a.gob.mx", "MX")]
    now = [0.0]
    slow = NetworkProber(ProbeBudget(10, 30, clock=lambda: now[0]), {}, None, query=query)
    assert slow.mail_domain("a.gob.mx") == "ok"
    now[0] = 100.0
    assert slow.mail_domain("b.gob.mx") == "budget"  # 100 s after the first query: out of time


class Recorder(BaseHTTPRequestHandler):
    """Answers every method; records (method, simulated host, path)."""

    seen: ClassVar[list[tuple[str, str, str]]] = []

    def _answer(self) -> None:
        Recorder.seen.append((self.command, self.headers.get(SIMNET_HOST, ""), self.path))
        body = b""
        if self.path == "/@ToluCaGob":
            self.send_response(301)
            self.send_header("Location", "/@ToluCaGob/featured")
        elif self.path == "/muro":  # a log-in wall at the profile's own address
            self.send_response(200)
            body = b"<form method='post'><input name='pass' type='password'></form>"
        else:
            self.send_response(200 if self.path.startswith("/@ToluCaGob") else 404)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_HEAD = do_PUT = do_OPTIONS = _answer

    def log_message(self, format: str, *args: object) -> None:
        return None


@pytest.fixture
def recorder() -> Iterator[str]:
    Recorder.seen = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_probes_only_ever_send_get(recorder: str) -> None:
    table = {"www.youtube.com": "127.0.0.1", "toluca.gob.mx": "127.0.0.1", "sinmx.gob.mx": None}
    query, _ = fake_dns({})
    prober = NetworkProber(ProbeBudget(20, 60), table, None, simulated=recorder, query=query)
    body = (
        '<a href="mailto:contacto@toluca.gob.mx">Correo</a> <a href="mailto:a@sinmx.gob.mx">Otro</a>'
        '<form method="post" action="/enviar"><textarea name="m"></textarea><input type="email" name="c"></form>'
        '<a href="https://wa.me/527221234590">WhatsApp</a> <a href="https://www.youtube.com/@ToluCaGob">YouTube</a>'
        '<a href="https://www.youtube.com/@Nadie">Otro canal</a>'
    )
    found = evaluate_pages([(HOME, html(body), 0)], RUN_DATE, outcome=outcome(), prober=prober)
    statuses = {r.check_id: r.status for r in found}
    assert statuses["canal.correo_entregable"] == statuses["canal.redes_sociales_perfil"] == "cumple"
    assert {method for method, _, _ in Recorder.seen} == {"GET"}
    assert ("GET", "www.youtube.com", "/@ToluCaGob/featured") in Recorder.seen
    wall = prober.profile("https://www.youtube.com/muro")
    assert wall.login_form and judge_profile("https://www.youtube.com/muro", wall) == "blocked"


def test_probes_never_reach_internal_addresses(recorder: str) -> None:
    prober = NetworkProber(ProbeBudget(5, 60), {}, None)
    assert prober.profile(f"{recorder}/@ToluCaGob") == ProfileAnswer("unknown")
    assert Recorder.seen == []


def test_table_answers_are_free_and_never_cached(tmp_path: Path) -> None:
    query, asked = fake_dns({})
    cache = DnsCache(tmp_path / "c.json", Clock())
    prober = NetworkProber(ProbeBudget(0, 60), {"sim.gob.mx": "127.0.0.1", "roto.gob.mx": None}, cache, query=query)
    assert (prober.mail_domain("sim.gob.mx"), prober.mail_domain("roto.gob.mx")) == ("ok", "none")
    assert asked == [] and not (tmp_path / "c.json").exists()
