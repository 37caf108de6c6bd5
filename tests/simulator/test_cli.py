"""`python -m simulator serve`: prints one URL per site, serves them, writes the truth and stops on Ctrl-C."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from queue import Empty, Queue

import httpx
import pytest

from simulator.__main__ import main

REPO = Path(__file__).resolve().parents[2]
# A hang detector, not a timing target: building the world takes seconds, minutes on a loaded machine.
DEADLINE = 240.0


def read_lines(process: subprocess.Popen[str], count: int) -> list[str]:
    """Read count stdout lines, failing instead of hanging if the server never prints them."""
    stream = process.stdout
    assert stream is not None
    queue: Queue[str] = Queue()

    def pump() -> None:
        for line in stream:
            queue.put(line)

    threading.Thread(target=pump, daemon=True).start()
    lines: list[str] = []
    end = time.monotonic() + DEADLINE
    while len(lines) < count:
        try:
            lines.append(queue.get(timeout=max(end - time.monotonic(), 0.01)).rstrip("\n"))
        except Empty:
            raise AssertionError(f"sólo {len(lines)} líneas a tiempo") from None
    return lines


def test_serve_prints_urls_serves_and_stops(tmp_path: Path) -> None:
    truth = tmp_path / "verdad.json"
    command = [
        sys.executable,
        "-m",
        "simulator",
        "serve",
        "--seed",
        "2026",
        "--run-date",
        "2026-11-24",
        "--ground-truth",
        str(truth),
    ]
    process = subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        lines = read_lines(process, 125)
        cve, url, behaviour = lines[0].split()[:3]
        assert cve == "15001" and url.startswith("http://127.0.0.1:") and behaviour == "normal"
        assert httpx.get(url, timeout=10, follow_redirects=True).status_code == 200
        assert any(" down " in line for line in lines)
        process.send_signal(signal.SIGINT)
        process.wait(timeout=DEADLINE)
        assert process.stderr is not None
        err = process.stderr.read()
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0
    assert "Presione Ctrl-C para detener." in err and "Granja detenida." in err
    assert json.loads(truth.read_text(encoding="utf-8"))["sites"]["15001"]["behaviour"] == "normal"


def test_negative_latency_is_rejected() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "simulator", "serve", "--latency", "-1"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2 and "latencia" in result.stderr


def test_variantes_lists_the_real_world_forms_per_site(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["variantes", "--seed", "2026", "--run-date", "2026-11-24"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert 30 <= len(lines) < 125
    cve, *pairs = lines[0].split()
    assert cve.startswith("15") and pairs and all("=" in pair for pair in pairs)
