"""The dashboard's constancia: /municipio/{cve}/constancia?fecha=AAAA-MM-DD serves the same PDF as `vigia constancia`."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, HTTPException, Query, Request
from starlette.responses import Response

from core.errors import EmptyDatabaseError
from storage.constancia import read_constancia
from web import views
from web.constancia_pdf import constancia_filename, render_constancia

router = APIRouter()


@router.get("/municipio/{cve}/constancia", include_in_schema=False)
def constancia_pdf(
    request: Request, cve: str, fecha: str = Query("", description="Fecha de corte AAAA-MM-DD")
) -> Response:
    """Constancia en PDF de un municipio a una fecha."""
    day = _day(fecha)
    if views.CVE.match(cve) is None:
        raise HTTPException(404, "No hay resultados para ese municipio.")
    state = request.app.state
    try:
        data = read_constancia(state.db, cve, day, state.catalogue, state.obligations)
    except EmptyDatabaseError as exc:
        # The message starts with «No hay…», so the error page shows it as it is (web.app.OWN_DETAILS).
        raise HTTPException(404, str(exc)) from None
    headers = {"Content-Disposition": f'attachment; filename="{constancia_filename(cve, day)}"'}
    return Response(render_constancia(data), media_type="application/pdf", headers=headers)


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise HTTPException(400, f"No es una fecha válida: «{text[:20]}». Escríbala como AAAA-MM-DD.") from None
