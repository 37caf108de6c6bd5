"""Write routes: an auditor confirms or corrects a verdict from the municipality page.

web.app's middleware already refused anonymous and «lectura» users; every route here also depends on
auditor_with_csrf (role and CSRF token, checked again), and logs who wrote what from where.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request
from starlette.responses import RedirectResponse, Response

from storage.models import utcnow
from storage.reviews import ReviewError, ReviewRequest, record_review
from web import auth, views

logger = logging.getLogger("vigia.web")
CSRF_REFUSED = "No se aceptó el formulario: caducó o no es válido; recargue la página."


async def _fields(request: Request) -> dict[str, str]:
    form = await request.form()
    return {key: value.strip() for key, value in form.items() if isinstance(value, str)}


async def auditor_with_csrf(request: Request) -> str:
    """The logged-in auditor's name; 401/403 in Spanish without one or without a valid CSRF token."""
    state: Any = request.app.state
    user = request.session.get(auth.USER_KEY)
    where = request.client.host if request.client else "?"
    if user not in state.users:
        raise HTTPException(401, "No hay sesión: inicie sesión con un usuario auditor para registrar revisiones.")
    if state.roles.get(user) != auth.AUDITOR:
        raise HTTPException(403, f"No puede escribir: el usuario «{user}» es de sólo lectura.")
    if not auth.csrf_valid(request, (await _fields(request)).get("csrf")):
        logger.warning("Escritura rechazada (CSRF): usuario=%s desde=%s %s", user, where, request.url.path)
        raise HTTPException(403, CSRF_REFUSED)
    return str(user)


writes = APIRouter(dependencies=[Depends(auditor_with_csrf)])


@writes.post("/municipio/{cve}/revisar", include_in_schema=False)
async def review_verdict(request: Request, cve: str, user: str = Depends(auditor_with_csrf)) -> Response:
    """Record an auditor's confirmation or correction of one verdict, then go back to the municipality page."""
    if views.CVE.match(cve) is None:
        raise HTTPException(404, "No hay resultados para ese municipio.")
    form = await _fields(request)
    asked = ReviewRequest(
        cve_inegi=cve,
        check_id=form.get("verificacion", ""),
        action=form.get("accion", ""),
        reason=form.get("motivo", ""),
        auditor=user,
        status_after=form.get("estado") or None,
        source=form.get("fuente") or None,
    )
    where = request.client.host if request.client else "?"
    try:
        state = record_review(request.app.state.db, asked, utcnow())
    except ReviewError as exc:
        logger.info("Revisión no registrada: usuario=%s desde=%s %s %s: %s", user, where, cve, asked.check_id, exc)
        page: Response = request.app.state.render(request, "error.html", {"estado": 400, "mensaje": str(exc)}, 400)
        return page
    r = state.review
    logger.info(
        "Revisión %s registrada: usuario=%s desde=%s municipio=%s verificación=%s (%s) %s→%s",
        r.id,
        user,
        where,
        cve,
        r.check_id,
        r.source,
        r.status_before,
        r.status_after,
    )
    return RedirectResponse(f"/municipio/{cve}#revision-{r.check_id}", status_code=303)
