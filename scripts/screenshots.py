"""Regenerate the README's dashboard screenshots from a demo database (run `vigia demo` first).

python scripts/screenshots.py [--db sqlite:////ruta/demo.db] [--municipio 15106] [--salida docs/img]
"""

from __future__ import annotations

import argparse
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import uvicorn
from playwright.sync_api import sync_playwright

from config.paths import data_dir
from crawler.browser import find_browser, launch_options
from web.app import create_app


@contextmanager
def dashboard(db_url: str) -> Iterator[str]:
    """Serve the dashboard on a loopback port bound before the server starts (no start-up race)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    server = uvicorn.Server(uvicorn.Config(create_app(db_url, require_login=False), log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


def shoot(base: str, cve: str, out: Path) -> list[Path]:
    """Save full-page PNGs of the ranking and of one municipality."""
    out.mkdir(parents=True, exist_ok=True)
    targets = {"ranking.png": "/", "municipio.png": f"/municipio/{cve}"}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(**launch_options(find_browser(None), 30))
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        for name, path in targets.items():
            page.goto(base + path, wait_until="load")
            page.screenshot(path=str(out / name), full_page=False)
        browser.close()
    return [out / name for name in targets]


def main() -> None:
    """Parse arguments, serve, shoot."""
    parser = argparse.ArgumentParser(description="Capturas del tablero para el README.")
    parser.add_argument("--db", default=f"sqlite:///{data_dir() / 'demo.db'}")
    parser.add_argument("--municipio", default="15106")
    parser.add_argument("--salida", type=Path, default=Path(__file__).resolve().parents[1] / "docs" / "img")
    args = parser.parse_args()
    with dashboard(args.db) as base:
        for path in shoot(base, args.municipio, args.salida):
            print(path)


if __name__ == "__main__":
    main()
