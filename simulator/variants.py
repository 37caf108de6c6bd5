"""Real-world forms of evidence the farm already states: which ones a site writes, drawn from a stream of its own.

A seeded share of municipalities writes, for each variant class, one of its options instead of the farm's usual
phrasing. Every option says the same thing a careful auditor would read from the usual form (a published thing
stays published, an absent one stays absent), so the ground truth never changes. The classes draw only from this
stream, never from the site's own generator, so a site without variants is byte-identical to the farm before them.

The «sonda.*» classes are the exception that proves the rule: they model channels that are published but do not
work (a placeholder phone, a WhatsApp link with an impossible number, addresses at a domain that receives no mail).
They never change what the existence checks see; they change only the truth of the working-channel probes.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")

# Share of municipalities writing real-world forms at all; each class then applies with its own share.
VARIANT_SHARE = 0.55


@dataclass(frozen=True)
class VariantClass:
    """One kind of real-world form: the checks it bears on, how often a variant site uses it, its options."""

    name: str
    checks: tuple[str, ...]
    share: float
    options: tuple[str, ...]


CLASSES: dict[str, VariantClass] = {
    c.name: c
    for c in (
        # Phones as metropolitan sites write them (8-digit local numbers) and other sites group them.
        VariantClass(
            "telefono.formato",
            ("canal.telefono", "transparencia.unidad_transparencia"),
            0.6,
            ("local8_espacio", "local8_corrido", "uno_dos", "dos_uno", "puntos", "movil", "enlace_vacio"),
        ),
        # 072 / 911 / 089 / *73xx lines: report channels, never a phone of the site.
        VariantClass("reporte.lineas_cortas", ("canal.reporte_ciudadano", "canal.telefono"), 0.6, ("pie", "barra")),
        VariantClass("reporte.texto_072", ("canal.reporte_ciudadano",), 0.8, ("reporta_al", "pregunta")),
        VariantClass(
            "pagos.externo", ("canal.pagos_en_linea",), 0.8, ("tesoreria_estatal", "proveedor", "tesoreria_municipal")
        ),
        VariantClass("reporte.formulario_externo", ("canal.reporte_ciudadano",), 0.6, ("docs_google", "forms_gle")),
        VariantClass(
            "denuncia.formulario_externo", ("participacion.denuncia_ciudadana",), 0.6, ("docs_google", "forms_gle")
        ),
        VariantClass("transparencia.portal_estatal", ("transparencia.enlace_portal",), 0.4, ("infoem", "edomex")),
        VariantClass(
            "bando.nombre", ("normatividad.bando_municipal",), 0.6, ("policia_buen_gobierno", "policia", "completo")
        ),
        VariantClass("cabildo.asamblea", ("participacion.cabildo_abierto",), 0.6, ("asamblea",)),
        VariantClass(
            "unidad.nombre",
            ("transparencia.unidad_transparencia",),
            0.7,
            ("coordinacion", "departamento", "direccion"),
        ),
        VariantClass(
            "solicitudes.frase", ("transparencia.solicitudes",), 0.7, ("solicita", "quieres_saber", "derecho_acceso")
        ),
        VariantClass("aviso.nombre", ("sitio.aviso_privacidad",), 0.6, ("anuncio",)),
        VariantClass("conac.contenidos", ("transparencia.conac",), 0.6, ("trimestral", "estados", "cuenta_publica")),
        # Evidence a static reader misses: script-written menus, image-only buttons, iframes.
        VariantClass("menu.javascript", ("*",), 0.12, ("document_write", "arreglo")),
        VariantClass(
            "boton.imagen",
            ("transparencia.enlace_portal", "canal.pagos_en_linea", "canal.reporte_ciudadano"),
            0.8,
            ("solo_alt",),
        ),
        VariantClass(
            "iframe",
            ("transparencia.unidad_transparencia", "canal.telefono", "transparencia.solicitudes"),
            0.3,
            ("mismo_sitio",),
        ),
        # Broken channels (issue 17): only the probes' truth changes (BROKEN_CLASSES).
        VariantClass("sonda.telefono_relleno", ("canal.telefono_valido",), 0.6, ("relleno", "lada_inexistente")),
        VariantClass("sonda.whatsapp_roto", ("canal.whatsapp_valido",), 0.5, ("corto",)),
        VariantClass("sonda.correo_sin_mx", ("canal.correo_entregable",), 0.3, ("dominio_anterior",)),
    )
}
BROKEN_CLASSES = frozenset(name for name in CLASSES if name.startswith("sonda."))
# The tag a page block carries when it shows a broken instance of a probe's channel (simulator.truth).
BROKEN = "roto:"


class Variants:
    """The real-world forms one site writes: each class decided once, at its first use, from the site's stream."""

    def __init__(self, rng: random.Random | None) -> None:
        # None: the site writes no variant at all (the municipality is outside the share, or variants are off).
        self.rng = rng
        self.decided: dict[str, str | None] = {}
        self.used: dict[str, str] = {}

    @classmethod
    def for_site(cls, seed: int, cve_inegi: str, enabled: bool = True) -> Variants:
        """The variants of one municipality: seeded by (seed, clave) only, so any subset of the farm agrees."""
        if not enabled:
            return cls(None)
        rng = random.Random(f"vigia-sim:{seed}:{cve_inegi}:variantes")
        return cls(rng if rng.random() < VARIANT_SHARE else None)

    def pick(self, name: str, allowed: tuple[str, ...] | None = None) -> str | None:
        """The option of a class this site writes here (recorded as used), or None for the usual form.

        allowed narrows the options to those that fit the site (e.g. 8-digit local numbers only under lada 55); the
        first use decides among them, later uses get the same option or, where it does not fit, the usual form.
        """
        if name not in self.decided:
            cls = CLASSES[name]
            chosen = self.rng is not None and self.rng.random() < cls.share
            options = cls.options if allowed is None else tuple(o for o in cls.options if o in allowed)
            self.decided[name] = self.rng.choice(options) if chosen and options and self.rng is not None else None
        option = self.decided[name]
        if option is None or (allowed is not None and option not in allowed):
            return None
        self.used[name] = option
        return option

    def choice(self, options: tuple[T, ...]) -> T:
        """A detail of a variant (a label, a host) drawn from the variant stream, never the site's own."""
        assert self.rng is not None, "only sites writing variants draw their details"
        return self.rng.choice(options)

    def token(self, size: int) -> str:
        """A vendor id of letters with a few digits, never a run of digits that could read as a phone."""
        assert self.rng is not None, "only sites writing variants draw their details"
        letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
        return "".join(self.rng.choice(letters) if n % 4 else self.rng.choice("0123456789_-") for n in range(size))

    def written(self) -> tuple[tuple[str, str], ...]:
        """(class, option) of every variant this site actually wrote, sorted."""
        return tuple(sorted(self.used.items()))
