"""See what the auditor saw: an archived copy (or screenshot) under a Vigía banner, its payload served inert.

`/archivo/{id}` is a dashboard page with the banner (URL, capture time, SHA-256, run) and the copy in an
`<iframe sandbox>` (a screenshot as an image); `/archivo/{id}/contenido` serves the stored payload with a CSP that
runs no script and lets no request leave (no origin at all is allowed but inline styles and data: images). A copy
whose file is missing or whose payload no longer matches its SHA-256 is never served, only reported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from starlette.responses import PlainTextResponse, Response

from archive.warc import ArchiveReadError, read_record, sha256_hex
from storage.archived import SCREENSHOT_KIND, ArchivedRecord, archived_record
from storage.page_rows import ArchiveResponse

router = APIRouter()
api = APIRouter(prefix="/api", tags=["API de consulta"])

# The payload's own scripts, frames, requests and navigations are all refused; it may only be framed by Vigía.
CONTENT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox; frame-ancestors 'self'"
CONTENT_HEADERS = {
    "Content-Security-Policy": CONTENT_CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "SAMEORIGIN",
    "X-DNS-Prefetch-Control": "off",
    "Cache-Control": "no-store",
}
# Media types served as they were captured; anything else is shown as plain text (never interpreted).
SERVED_TYPES = frozenset({"text/html", "application/xhtml+xml", "application/pdf", "text/plain", "image/png"})
PLAIN = "text/plain; charset=utf-8"
CHARSET = re.compile(r"charset=\"?([A-Za-z0-9._:-]{1,40})", re.IGNORECASE)
MISMATCH = "La copia no coincide con su huella: el contenido archivado cambió después de la captura y no se muestra."
MISSING = "La copia no está en el archivo de evidencia (falta el archivo WARC o no se puede leer); no se muestra."
NO_RECORD = "No existe ese registro del archivo de evidencia."


@dataclass(frozen=True)
class Loaded:
    """A record's payload when it is intact, else why it is not shown."""

    payload: bytes | None
    problem: str | None
    content_type: str | None = None


def load_payload(folder: Path, record: ArchivedRecord) -> Loaded:
    """The stored payload of a record (the referred record's for a revisit), checked against its SHA-256."""
    if record.payload_file is None or record.payload_offset is None:
        return Loaded(None, MISSING)
    try:
        stored = read_record(folder / record.payload_file, record.payload_offset)
    except ArchiveReadError:
        return Loaded(None, MISSING)
    digest = sha256_hex(stored.payload)
    if digest != record.sha256 or stored.declared_sha256 not in (None, record.sha256):
        return Loaded(None, MISMATCH)
    return Loaded(stored.payload, None, record.content_type or stored.content_type)


def served_type(content_type: str | None) -> str:
    """The Content-Type the payload is served with: its own when harmless and known, else plain text."""
    base = (content_type or "").split(";", 1)[0].strip().lower()
    if base not in SERVED_TYPES:
        return PLAIN
    charset = CHARSET.search(content_type or "")
    return f"{base}; charset={charset.group(1)}" if charset and base.startswith("text/") else base


def _record(request: Request, record_id: int) -> ArchivedRecord:
    record = archived_record(request.app.state.db, record_id)
    if record is None:
        raise HTTPException(404, NO_RECORD)
    return record


def _response(record: ArchivedRecord, loaded: Loaded) -> ArchiveResponse:
    return ArchiveResponse(
        id=record.id,
        run_id=record.run_id,
        cve_inegi=record.cve_inegi,
        nombre=record.municipality,
        url=record.url,
        kind=record.kind,
        record_type=record.record_type,
        sha256=record.sha256,
        content_type=record.content_type,
        http_status=record.http_status,
        captured_at=record.captured_at,
        intact=loaded.problem is None,
        problem=loaded.problem,
        content_url=f"/archivo/{record.id}/contenido" if loaded.problem is None else None,
    )


@router.get("/archivo/{record_id}", include_in_schema=False)
def archive_page(request: Request, record_id: int) -> Response:
    """La copia archivada (o la captura) bajo el encabezado de Vigía."""
    record = _record(request, record_id)
    loaded = load_payload(request.app.state.archive_dir, record)
    context: dict[str, Any] = {"a": _response(record, loaded), "captura": record.kind == SCREENSHOT_KIND}
    result: Response = request.app.state.render(request, "archivo.html", context)
    return result


@router.get("/archivo/{record_id}/contenido", include_in_schema=False)
def archive_content(request: Request, record_id: int) -> Response:
    """El contenido archivado tal como se capturó, inerte: sin scripts ni peticiones a ningún otro origen."""
    record = _record(request, record_id)
    loaded = load_payload(request.app.state.archive_dir, record)
    if loaded.payload is None:
        return PlainTextResponse(loaded.problem or MISSING, status_code=409, headers=CONTENT_HEADERS)
    headers = {**CONTENT_HEADERS, "Content-Disposition": "inline"}
    return Response(loaded.payload, media_type=served_type(loaded.content_type), headers=headers)


@api.get(
    "/archivo/{record_id}",
    response_model=ArchiveResponse,
    summary="Un registro del archivo de evidencia",
    description="Qué página se capturó, cuándo, en qué corrida, su huella SHA-256 y si la copia sigue íntegra.",
)
def archive_api(request: Request, record_id: int) -> ArchiveResponse:
    """Registro del archivo en JSON."""
    record = _record(request, record_id)
    return _response(record, load_payload(request.app.state.archive_dir, record))
