"""A simulated site whose text, titles and links carry attack payloads: inert in pages, JSON, exports and e-mails."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
from fastapi.testclient import TestClient

from alerts.digest import render_digest
from alerts.model import AlertEvent, Digest
from crawler.pipeline import run_and_store
from crawler.settings import CrawlSettings
from simulator import FarmServer, build_world
from storage import repository
from storage.db import open_database
from storage.runstore import DatabaseRunStore
from web.app import create_app

pytestmark = pytest.mark.slow
RUN_DATE = date(2026, 11, 24)
TITLE = (
    b"<title>H. Ayuntamiento &lt;script&gt;alert(1)&lt;/script&gt; {{7*7}} "
    b'"&gt;&lt;img src=x onerror=alert(1)&gt; \\1</title>'
)
LINK = b'<a href="/bando-2026.pdf">=HYPERLINK("http://x","y") Bando Municipal 2026</a>'
PAYLOAD = (
    '<p>Teléfono: (722) 111 22 33 &lt;script&gt;alert(1)&lt;/script&gt; "&gt;&lt;img src=x onerror=alert(1)&gt;'
    ' {{7*7}}</p><p>Correo: =HYPERLINK("http://x","y")@evil.gob.mx</p>'
    '<a href="javascript:alert(1)">Transparencia</a>'
    '<a href="https://www.facebook.com/&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;">Facebook</a>'
)


def hostile(world):  # type: ignore[no-untyped-def]
    """The first ordinary site with the payloads in its home page's title, first link and footer."""
    site = next(s for s in world.sites if s.behaviour == "normal")
    home = site.resources[site.home_path]
    body = re.sub(rb"<title>(.*?)</title>", TITLE, home.body, count=1, flags=re.S)
    body = re.sub(rb"(<body[^>]*>)", rb"\1" + LINK, body, count=1)
    body = body.replace(b"</body>", PAYLOAD.encode() + b"</body>", 1)
    return replace(site, resources={**site.resources, site.home_path: replace(home, body=body)})


def test_payloads_from_a_crawled_site_are_inert_everywhere(db_url: str) -> None:
    world = build_world(seed=2026, run_date=RUN_DATE)
    evil = hostile(world)
    world = replace(world, sites=[evil if s.cve_inegi == evil.cve_inegi else s for s in world.sites])
    with FarmServer(world) as farm:
        chosen = [m for m in farm.registry() if m.cve_inegi == evil.cve_inegi]
        database = open_database(db_url)
        run_and_store(DatabaseRunStore(database), chosen, CrawlSettings(ipomex=False, render_js=False), RUN_DATE)
        stored = repository.latest_results(database, [evil.cve_inegi])[0]
        database.dispose()
    texts = " ".join(r.evidence.text for r in stored.results if r.evidence)
    # The payloads really reached the stored evidence (otherwise this test would prove nothing).
    assert "<script>alert(1)</script>" in texts and "{{7*7}}" in texts and '=HYPERLINK("http://x","y")' in texts

    client = TestClient(create_app(db_url, require_login=False))
    page = client.get(f"/municipio/{evil.cve_inegi}").text
    assert "<script>alert" not in page and "onerror=alert(1)>" not in page
    assert 'href="javascript:' not in page and "{{7*7}}" in page
    api = client.get(f"/api/municipio/{evil.cve_inegi}")
    # JSON carries the text as data; served as JSON with nosniff, a browser never runs it.
    assert api.headers["content-type"].startswith("application/json")
    assert api.headers["x-content-type-options"] == "nosniff" and "{{7*7}}" in api.text
    rows = list(csv.reader(io.StringIO(client.get(f"/municipio/{evil.cve_inegi}?formato=csv").text)))
    cells = [cell for row in rows for cell in row]
    assert not any(cell.startswith(("=", "+", "@")) for cell in cells)
    assert any('=HYPERLINK("http://x","y")' in cell for cell in cells)  # exported, as inert text

    hostile_results = [r for r in stored.results if r.evidence and ("<" in r.evidence.text or "{{" in r.evidence.text)]
    events = [
        AlertEvent(
            1,
            evil.cve_inegi,
            evil.nombre,
            r.check_id,
            "regresion",
            r.evidence.url if r.evidence else "",
            r.evidence.text if r.evidence else "",
            datetime.now(UTC),
        )
        for r in hostile_results
    ]  # type: ignore[union-attr]
    mail = render_digest(Digest(1, "a@b.mx", "Auditoría", events))
    assert mail.html is not None and "<script>alert" not in mail.html and 'href="javascript:' not in mail.html
