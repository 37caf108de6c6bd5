"""The IPOMEX gate holds at most N requests in flight for every page, keeps static files, and IPOMEX 4 asks only what
it must (the SPA's list reused, one call at a time, nothing the list says does not apply or has not changed)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import pytest
from playwright.async_api import TimeoutError as PlaywrightTimeout

from checks.ipomex_carry import CarryRule
from checks.ipomex_model import IpomexCapture
from checks.model import CheckResult, Evidence, PriorRead
from checks.obligations import load_obligations
from spiders.ipomex import ipomex4
from spiders.ipomex.base import Budget, IpomexTarget
from spiders.ipomex.polite import Answer, PoliteHost, Tap

LIST = "http://ipomex/ipomex/api/v1/sujetos/146/obligaciones"


@dataclass
class Server:
    """Answers fetches only when the test lets them go, counting what it holds at once."""

    release: asyncio.Event = field(default_factory=asyncio.Event)
    served: list[str] = field(default_factory=list)
    in_flight: int = 0
    peak: int = 0
    fail: Exception | None = None

    async def serve(self, url: str) -> FakeResponse:
        self.served.append(url)
        self.in_flight += 1
        self.peak = max(self.peak, self.in_flight)
        try:
            await self.release.wait()
            if self.fail is not None:
                raise self.fail
            return FakeResponse(200, {"content-type": "text/plain", "content-length": "2"}, url.encode())
        finally:
            self.in_flight -= 1


@dataclass
class FakeResponse:
    status: int
    headers: dict[str, str]
    content: bytes
    disposed: bool = False

    async def body(self) -> bytes:
        return self.content

    async def dispose(self) -> None:
        self.disposed = True


@dataclass
class FakeRequest:
    url: str
    resource_type: str = "fetch"


@dataclass
class FakeRoute:
    """A Playwright route: fetch goes to the server, the browser's side is what fulfill or abort got."""

    request: FakeRequest
    server: Server
    fulfilled: dict[str, Any] | None = None
    aborted: str | None = None
    timeouts: list[float] = field(default_factory=list)

    async def fetch(self, max_redirects: int, timeout: float) -> FakeResponse:
        assert max_redirects > 0  # followed inside the slot: the browser would not route a redirect's target
        self.timeouts.append(timeout)
        return await self.server.serve(self.request.url)

    async def fulfill(self, **kwargs: Any) -> None:
        self.fulfilled = kwargs

    async def abort(self, code: str = "failed") -> None:
        self.aborted = code


async def settle() -> None:
    """Let every ready task run until all of them wait on something (no wall-clock wait)."""
    for _ in range(20):
        await asyncio.sleep(0)


def run(scenario: Callable[[], Coroutine[Any, Any, None]]) -> None:
    asyncio.run(scenario())


def test_never_more_than_n_requests_in_flight_whatever_the_pages_ask() -> None:
    async def scenario() -> None:
        server, host = Server(), PoliteHost(2, 30_000)
        routes = [FakeRoute(FakeRequest(f"http://ipomex/{n}"), server) for n in range(7)]
        tasks = [asyncio.create_task(host.handle(route, Budget(60))) for route in routes]
        await settle()
        assert server.in_flight == 2 and host.in_flight == 2
        server.release.set()
        await asyncio.gather(*tasks)
        assert server.peak == host.peak == 2 and host.requests == 7
        assert all(route.fulfilled is not None and route.fulfilled["response"].disposed for route in routes)

    run(scenario)


def test_a_static_file_is_fetched_once_per_pass_even_when_two_pages_want_it_at_once() -> None:
    async def scenario() -> None:
        server, host = Server(), PoliteHost(2, 30_000)
        first, second = (FakeRoute(FakeRequest("http://ipomex/app.js", "script"), server) for _ in range(2))
        tasks = [asyncio.create_task(host.handle(route, Budget(60))) for route in (first, second)]
        await settle()
        server.release.set()
        await asyncio.gather(*tasks)
        later = FakeRoute(FakeRequest("http://ipomex/app.js", "script"), server)
        await host.handle(later, Budget(60))
        assert server.served == ["http://ipomex/app.js"] and host.reused == 2
        assert later.fulfilled == {
            "status": 200,
            "headers": {"content-type": "text/plain"},
            "body": b"http://ipomex/app.js",
        }

    run(scenario)


def test_a_failed_fetch_aborts_the_browser_request_frees_its_slot_and_respects_the_budget() -> None:
    async def scenario() -> None:
        server, host = Server(fail=PlaywrightTimeout("Timeout 2000ms exceeded")), PoliteHost(1, 30_000)
        now = [0.0]
        budget = Budget(10, clock=lambda: now[0])
        budget.start()
        now[0] = 8.0
        server.release.set()
        tap = Tap()
        failed = FakeRoute(FakeRequest("http://ipomex/api"), server)
        await host.handle(failed, budget, tap)
        assert failed.aborted == "timedout" and failed.timeouts == [pytest.approx(2000)]
        assert tap.answers == [Answer("http://ipomex/api", "fetch", 0)] and tap.answers[0].failed
        server.fail = None
        ok = FakeRoute(FakeRequest("http://ipomex/api"), server)
        await host.handle(ok, Budget(60))
        assert ok.fulfilled is not None and host.in_flight == 0

    run(scenario)


def test_media_is_never_fetched() -> None:
    async def scenario() -> None:
        server, host = Server(), PoliteHost(2, 30_000)
        image = FakeRoute(FakeRequest("http://ipomex/logo.png", "image"), server)
        await host.handle(image, Budget(60))
        assert image.aborted == "failed" and server.served == []

    run(scenario)


def test_a_tap_hands_over_an_answer_that_arrives_later() -> None:
    async def scenario() -> None:
        tap = Tap()
        tap.record(Answer("http://ipomex/ipomex/", "document", 200))
        waiting = asyncio.create_task(tap.first(lambda a: a.url.endswith("/obligaciones")))
        await settle()
        assert not waiting.done()
        tap.record(Answer(LIST, "fetch", 200, b"{}"))
        assert (await waiting).url == LIST

    run(scenario)


@dataclass
class FakePage:
    """The SPA's page: evaluate(FETCH_JSON, url) answers from the API table, one call at a time or not."""

    api: dict[str, dict[str, Any]]
    calls: list[str] = field(default_factory=list)
    active: int = 0
    peak: int = 0

    async def evaluate(self, script: str, url: str) -> dict[str, Any]:
        self.calls.append(url)
        self.active += 1
        self.peak = max(self.peak, self.active)
        await asyncio.sleep(0)
        self.active -= 1
        return self.api.get(url, {"status": 404, "body": None})


def item(oid: str, fraccion: str, aplica: bool = True, **extra: Any) -> dict[str, Any]:
    return {"id": oid, "articulo": "92", "fraccion": fraccion, "aplica": aplica, **extra}


LISTING = {
    "obligaciones": [
        item("a1", "I", fecha_actualizacion="2026-10-12"),
        item("a2", "II A", aplica=False, justificacion="No genera esa información."),
        item("a3", "II B", fecha_actualizacion="2026-10-20"),
        item("a4", "III"),
    ]
}
RECORDS = {"status": 200, "body": {"registros": [{"ejercicio": 2026, "fecha_actualizacion": "2026-10-20"}]}}
KEPT = CheckResult(
    "ipomex.92.i",
    "cumple",
    Evidence("http://old-host/ipomex/#/obligaciones/146/a1", "Última actualización 12/10/2026 (1 registro)"),
    None,
    "Cubre.",
    "ipomex4",
    "LTAIPEMyM:2016",
    date(2026, 10, 12),
)


def collected(reuse: ipomex4.Reuse | None, answer: Answer, lanes: int = 1) -> tuple[dict[str, Any], FakePage]:
    page = FakePage({f"{LIST}/{oid}/registros": RECORDS for oid in ("a1", "a3", "a4")})

    async def scenario() -> dict[str, Any]:
        tap = Tap()
        tap.record(Answer("http://ipomex/ipomex/", "document", 200))
        tap.record(answer)
        return await ipomex4.collect(page, tap, reuse, 30_000, Budget(60), lanes)

    return asyncio.run(scenario()), page


def spa_list(body: object, status: int = 200, url: str = LIST) -> Answer:
    return Answer(url, "fetch", status, json.dumps(body).encode())


def reuse(prior: PriorRead | None) -> ipomex4.Reuse:
    target = IpomexTarget("15054", "X", "ipomex4", "http://ipomex/ipomex/#/obligaciones/146", prior)
    return ipomex4.Reuse(CarryRule(30, date(2026, 11, 24), 3), load_obligations(), target)


@pytest.mark.parametrize("lanes", [1, 2])
def test_ipomex4_reuses_the_spa_list_reads_within_its_lanes_and_never_what_does_not_apply(lanes: int) -> None:
    data, page = collected(None, spa_list(LISTING), lanes)
    assert sorted(page.calls) == [f"{LIST}/{oid}/registros" for oid in ("a1", "a3", "a4")] and page.peak == lanes
    capture = IpomexCapture("15054", "ipomex4", "u", datetime.now(UTC))
    ipomex4.fill_capture(capture, data, "http://ipomex/ipomex/#/obligaciones/146")
    assert [(p.fraccion, p.state) for p in capture.fractions] == [
        ("I", "records"),
        ("II A", "no_aplica"),
        ("II B", "records"),
        ("III", "records"),
    ]


def test_ipomex4_does_not_ask_for_a_fraction_the_list_shows_unchanged_since_the_last_read() -> None:
    prior = PriorRead(5, date(2026, 11, 23), {KEPT.check_id: KEPT})
    data, page = collected(reuse(prior), spa_list(LISTING))
    assert page.calls == [f"{LIST}/{oid}/registros" for oid in ("a3", "a4")]
    capture = IpomexCapture("15054", "ipomex4", "u", datetime.now(UTC))
    ipomex4.fill_capture(capture, data, "http://ipomex/ipomex/#/obligaciones/146")
    kept = capture.carried["ipomex.92.i"]
    assert list(capture.carried) == ["ipomex.92.i"] and "Sin cambios desde la corrida 5" in str(kept.detail)
    assert kept.evidence == Evidence("http://ipomex/ipomex/#/obligaciones/146/a1", KEPT.evidence.text)  # type: ignore[union-attr]
    assert "I" not in {p.fraccion for p in capture.fractions}


def test_ipomex4_without_dates_in_the_list_reads_every_fraction_that_applies() -> None:
    undated = {
        "obligaciones": [{k: v for k, v in i.items() if k != "fecha_actualizacion"} for i in LISTING["obligaciones"]]
    }
    prior = PriorRead(5, date(2026, 11, 23), {KEPT.check_id: KEPT})
    data, page = collected(reuse(prior), spa_list(undated))
    assert len(page.calls) == 3 and data["carried"] == {}


@pytest.mark.parametrize(
    ("answer", "failure"),
    [
        (spa_list({"error": "captcha"}, 403), "captcha"),
        (Answer("http://ipomex/ipomex/api/v1/sujetos/146", "fetch", 504), "http_error"),
        (spa_list(None, 500), "http_error"),
    ],
)
def test_ipomex4_stops_at_the_spa_failing_call_instead_of_waiting(answer: Answer, failure: str) -> None:
    data, page = collected(None, answer)
    capture = IpomexCapture("15054", "ipomex4", "u", datetime.now(UTC))
    ipomex4.fill_capture(capture, data, "u")
    assert capture.failure == failure and page.calls == []


def test_a_tap_keeps_only_the_bodies_its_adapter_reuses() -> None:
    async def scenario() -> None:
        server, host, tap = Server(), PoliteHost(2, 30_000), Tap(bodies=ipomex4.LIST_CALL)
        server.release.set()
        for url in (LIST, f"{LIST}/a1/registros"):
            await host.handle(FakeRoute(FakeRequest(url), server), Budget(60), tap)
        assert [(a.url, a.status, a.body) for a in tap.answers] == [
            (LIST, 200, LIST.encode()),
            (f"{LIST}/a1/registros", 200, b""),
        ]

    run(scenario)


@dataclass
class FlakyPage(FakePage):
    """A page whose first answer for each URL came back unreadable (a body cut short)."""

    def __post_init__(self) -> None:
        self.seen: set[str] = set()

    async def evaluate(self, script: str, url: str) -> dict[str, Any]:
        if url not in self.seen:
            self.seen.add(url)
            self.calls.append(url)
            return {"status": 200, "body": None}
        return await super().evaluate(script, url)


def test_an_unreadable_api_answer_is_asked_once_more_and_the_second_answer_stands() -> None:
    good = f"{LIST}/a1/registros"
    page = FlakyPage({good: RECORDS})
    answers = asyncio.run(ipomex4._read_all(page, [good, f"{LIST}/a9/registros"], 1))
    assert answers[good] == RECORDS
    assert answers[f"{LIST}/a9/registros"] == {"status": 404, "body": None}
    assert page.calls == [good, good, f"{LIST}/a9/registros", f"{LIST}/a9/registros"]
