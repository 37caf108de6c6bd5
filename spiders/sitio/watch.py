"""The nightly identity watch: a confirmed site whose home no longer proves to be the municipality's is not judged."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from checks.identity import Fetched, IdentityContext, prove_identity
from config.registry import Municipality

REASON = "identidad"
MAX_DETAIL = 600


class IdentityWatch:
    """Re-run the identity proof on each confirmed site's home page; say why when it fails."""

    def __init__(self, registry: Sequence[Municipality], run_date: date) -> None:
        self.towns = {m.cve_inegi: m for m in registry}
        self.context = IdentityContext.load(list(registry))
        self.run_date = run_date

    def failure(self, cve: str | None, fetched: Fetched) -> tuple[str, str] | None:
        """(identidad, Spanish detail) when the page shows another entity, a parked or gambling page, a redirect
        to an unrelated domain…; None when it passes or the municipality is not in the registry."""
        town = self.towns.get(cve or "")
        if town is None:
            return None
        proof = prove_identity(town, fetched, self.context, self.run_date)
        if not proof.watch_failed:
            return None
        against = "; ".join(e.texto for e in proof.evidencias if e.points < 0) or (proof.alarma or "")
        detail = (
            "posible cambio de dominio o secuestro: la página de inicio de la dirección confirmada ya no prueba ser "
            f"el sitio de {town.nombre} ({against})"
        )
        return REASON, detail[:MAX_DETAIL]
