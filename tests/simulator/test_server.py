"""The farm server: every behaviour served as specified, latency, ports, registry and clean shutdown."""

from __future__ import annotations

import os
import random
import socket
import threading
import time

import httpx
import pytest

from config.registry import load_registry
from simulator import FarmServer, World, build_world
from simulator.model import EVALUATED
from tests.simulator.conftest import RUN_DATE

SPECIAL = {
    "redirect_loop": "15050",
    "down": "15063",
    "robots_disallow": "15070",
    "parked": "15083",
    "maintenance": "15089",
    "slow": "15106",
    "cp1252": "15115",
    "http_503": "15123",
}


def get(url: str, follow: bool = False) -> httpx.Response:
    """One GET with a bounded timeout."""
    return httpx.get(url, timeout=10, follow_redirects=follow)


def refuses(port: int) -> bool:
    """Whether a TCP connection to 127.0.0.1:port is refused."""
    try:
        socket.create_connection(("127.0.0.1", port), timeout=3).close()
    except ConnectionRefusedError:
        return True
    return False


def test_registry_points_at_the_farm(world: World, farm: FarmServer) -> None:
    rows = farm.registry()
    assert [m.cve_inegi for m in rows] == [m.cve_inegi for m in load_registry()]
    assert all(m.sitio_web == farm.url_for(m.cve_inegi) and m.sitio_estado == "confirmado" for m in rows)
    assert len(set(farm.ports.values())) == 125
    assert farm.url_for("15001").startswith("http://127.0.0.1:") and farm.url_for("15001").endswith("/")


def test_normal_sites_serve_their_home_and_real_404s(world: World, farm: FarmServer) -> None:
    for site in world.sites[:40]:
        if site.behaviour != "normal":
            continue
        home = get(farm.url_for(site.cve_inegi), follow=True)
        assert home.status_code == 200 and home.headers["content-type"].startswith("text/html")
        assert home.content == site.resources[site.home_path].body
        assert get(farm.url_for(site.cve_inegi) + "no-existe-esta-pagina").status_code == 404


def test_query_string_pages_and_documents(world: World, farm: FarmServer) -> None:
    joomla = next(s for s in world.sites if s.template == "joomla" and s.behaviour == "normal")
    path = next(p for p in joomla.resources if "?" in p)
    base = farm.url_for(joomla.cve_inegi).rstrip("/")
    assert get(base + path).content == joomla.resources[path].body
    shuffled = path.split("?")[0] + "?" + "&".join(reversed(path.split("?")[1].split("&")))
    assert get(base + shuffled).status_code == 200
    site, pdf = next((s, p) for s in world.sites if s.behaviour == "normal" for p in s.resources if p.endswith(".pdf"))
    response = get(farm.url_for(site.cve_inegi).rstrip("/") + pdf)
    assert response.headers["content-type"] == "application/pdf" and response.content.startswith(b"%PDF-1.4")


def test_windows_1252_site_without_charset(world: World, farm: FarmServer) -> None:
    response = get(farm.url_for(SPECIAL["cp1252"]))
    assert response.status_code == 200 and response.headers["content-type"] == "text/html"
    body = response.content
    assert b"charset" not in body.lower()
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    assert "información" in body.decode("cp1252").lower()
    site = world.site(SPECIAL["cp1252"])
    text = b"".join(r.body for r in site.resources.values() if r.content_type == "text/html").decode("cp1252")
    assert "Teléfono" in text and "Atención Ciudadana" in text


def test_redirect_loop(farm: FarmServer) -> None:
    base = farm.url_for(SPECIAL["redirect_loop"])
    first = get(base)
    assert first.status_code == 302 and first.headers["location"] == "/inicio"
    assert get(base + "inicio").headers["location"] == "/"
    with pytest.raises(httpx.TooManyRedirects):
        get(base, follow=True)


def test_robots_disallow_all(world: World, farm: FarmServer) -> None:
    base = farm.url_for(SPECIAL["robots_disallow"])
    robots = get(base + "robots.txt")
    assert robots.status_code == 200 and "User-agent: *\nDisallow: /" in robots.text
    assert get(base, follow=True).status_code == 200


def test_down_site_refuses_connections(farm: FarmServer) -> None:
    assert refuses(farm.ports[SPECIAL["down"]])
    with pytest.raises(httpx.ConnectError):
        get(farm.url_for(SPECIAL["down"]))


def test_error_site_answers_503_everywhere_but_robots(farm: FarmServer) -> None:
    base = farm.url_for(SPECIAL["http_503"])
    assert get(base).status_code == 503 and get(base + "transparencia/").status_code == 503
    assert get(base + "robots.txt").status_code == 404


def test_parked_and_maintenance_answer_200_at_every_path(farm: FarmServer) -> None:
    parked = get(farm.url_for(SPECIAL["parked"]) + "transparencia/")
    assert parked.status_code == 200 and ("a la venta" in parked.text or "for sale" in parked.text)
    for path in ("", "cualquier/ruta.html", "robots.txt"):
        page = get(farm.url_for(SPECIAL["maintenance"]) + path)
        assert page.status_code == 200 and "Sitio en mantenimiento" in page.text


def test_robots_txt_of_ordinary_sites(world: World, farm: FarmServer) -> None:
    wordpress = next(s for s in world.sites if s.template == "wordpress" and s.behaviour == "normal")
    assert "Disallow: /wp-admin/" in get(farm.url_for(wordpress.cve_inegi) + "robots.txt").text
    table = next(s for s in world.sites if s.template == "table" and s.behaviour == "normal")
    assert get(farm.url_for(table.cve_inegi) + "robots.txt").status_code == 404


def test_slow_site_is_slow_but_answers(farm: FarmServer) -> None:
    started = time.monotonic()
    response = get(farm.url_for(SPECIAL["slow"]), follow=True)
    assert response.status_code == 200
    assert 1.5 <= time.monotonic() - started < 8


def small_world(count: int = 3) -> World:
    """A few ordinary sites (no special behaviour among them is guaranteed, so use evaluated ones only)."""
    registry = [m for m in load_registry() if m.cve_inegi not in SPECIAL.values()][:count]
    return build_world(seed=2026, run_date=RUN_DATE, municipalities=registry)


def test_latency_is_added_to_every_response() -> None:
    world = small_world()
    target = next(s for s in world.sites if s.behaviour in EVALUATED and s.delay == 0)
    with FarmServer(world, latency=0.3) as farm:
        started = time.monotonic()
        assert get(farm.url_for(target.cve_inegi) + "robots.txt").status_code in (200, 404)
        assert time.monotonic() - started >= 0.3


def test_shutdown_releases_every_port_and_thread() -> None:
    world = small_world(4)
    threads = set(threading.enumerate())
    with FarmServer(world) as farm:
        ports = list(farm.ports.values())
        assert get(farm.url_for(world.sites[0].cve_inegi), follow=True).status_code in (200, 503)
    assert all(refuses(port) for port in ports)
    assert set(threading.enumerate()) <= threads


def test_port_base_uses_consecutive_ports() -> None:
    world = small_world(3)
    # Below the kernel's ephemeral range, where the session farm's ports live; retry on the rare taken block.
    for base in random.Random(os.getpid()).sample(range(20000, 30000, 10), 5):
        farm = FarmServer(world, port_base=base)
        try:
            farm.start()
        except OSError:
            continue
        try:
            assert [farm.ports[s.cve_inegi] for s in world.sites] == [base, base + 1, base + 2]
            assert get(farm.url_for(world.sites[1].cve_inegi), follow=True).status_code == 200
        finally:
            farm.stop()
        return
    pytest.fail("ningún bloque de puertos libre")


def test_a_taken_port_is_reported() -> None:
    threads = set(threading.enumerate())
    blocker = socket.socket()
    blocker.bind(("127.0.0.1", 0))
    blocker.listen()
    try:
        farm = FarmServer(small_world(1), port_base=blocker.getsockname()[1])
        with pytest.raises(OSError):
            farm.start()
    finally:
        blocker.close()
    assert set(threading.enumerate()) <= threads
