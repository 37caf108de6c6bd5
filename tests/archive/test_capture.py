"""The capture extension: transfer headers dropped, a spool that cannot be written never stops the crawl."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

from scrapy.http import Headers

from archive.capture import BROKEN_MARKER, Label, WarcCapture, http_headers
from archive.ingest import Archived, IngestReport, ingest_spool, read_spool
from archive.layout import spool_folder
from archive.warc import read_record, sha256_hex

LABEL = Label("15106", "sitio", "pagina", "https://toluca.gob.mx/")


def test_transfer_headers_are_not_kept_with_the_decoded_body() -> None:
    headers = Headers({"Content-Type": "text/html", "Content-Encoding": "gzip", "Content-Length": "12"})
    assert http_headers(headers) == [("Content-Type", "text/html")]


def test_a_capture_is_read_back_from_the_spool_with_its_labels(tmp_path: Path) -> None:
    capture = WarcCapture(tmp_path / "spool")
    capture.captured(LABEL, b"<html>Toluca</html>", "text/html")
    capture.captured(LABEL, b"", "text/html")  # nothing read, nothing kept
    spool = tmp_path / "spool" / f"captura-{os.getpid()}.warc.gz"
    [item] = list(read_spool(spool, IngestReport()))
    labels = (item.cve_inegi, item.source, item.kind, item.url, item.sha256, item.offset)
    assert labels == ("15106", "sitio", "pagina", LABEL.url, sha256_hex(b"<html>Toluca</html>"), 0)
    assert item.length == spool.stat().st_size
    assert read_record(spool, item.offset).payload == b"<html>Toluca</html>"


def test_an_unwritable_spool_stops_capturing_without_raising(tmp_path: Path) -> None:
    blocker = tmp_path / "archivo"
    blocker.write_text("no es carpeta", encoding="utf-8")
    capture = WarcCapture(blocker / "spool")
    capture.captured(LABEL, b"<html>Toluca</html>", "text/html")
    assert capture.appender is None


class ListIndex:
    """A PayloadIndex over a list (the database's in production)."""

    def __init__(self) -> None:
        self.rows: list[Archived] = []

    def copies(self, digests: object) -> dict[str, list[object]]:
        return {}

    def add_all(self, records: list[Archived]) -> list[int]:
        self.rows += records
        return list(range(len(self.rows) - len(records) + 1, len(self.rows) + 1))


def test_a_write_error_leaves_a_marker_that_makes_the_ingest_incomplete(tmp_path: Path) -> None:
    folder = tmp_path / spool_folder(7)
    capture = WarcCapture(folder)
    (folder / f"captura-{os.getpid()}.warc.gz").mkdir()  # appending to it fails like a full disk would
    capture.captured(LABEL, b"<html>Toluca</html>", "text/html")
    capture.captured(LABEL, b"<html>otra</html>", "text/html")
    assert (folder / BROKEN_MARKER.format(pid=os.getpid())).is_file()
    index = ListIndex()
    report = ingest_spool(tmp_path, 7, datetime.now(UTC), index)  # type: ignore[arg-type]
    assert report.incomplete and report.records == 0 and index.rows == []
