"""Registries larger than the Estado de México for scale benchmarks: the real 125 rows, then synthetic clones."""

from __future__ import annotations

from dataclasses import replace

from config.registry import Municipality, load_registry

FIRST_SYNTHETIC_CVE = 20001
# Word suffixes (never digits) make the clones' names distinct: a number next to the "2025-2027" spans some
# pages print would read as a phone number and change what the clone's pages prove.
SUFFIXES = (
    "Norte",
    "Sur",
    "Oriente",
    "Poniente",
    "Centro",
    "Nuevo",
    "Viejo",
    "Alto",
    "Bajo",
    "Grande",
    "Chico",
    "de Arriba",
    "de Abajo",
    "del Monte",
    "del Valle",
    "de la Sierra",
    "del Río",
    "de las Flores",
    "de los Pinos",
    "de la Loma",
    "del Llano",
    "de la Cañada",
    "del Cerro",
    "de la Laguna",
    "del Bosque",
    "de la Presa",
)


def synthetic_registry(count: int) -> list[Municipality]:
    """count municipalities: the real registry first, then clones of it round-robin with claves from 20001 up."""
    if count < 0:
        raise ValueError("count must not be negative")
    real = load_registry()
    if count <= len(real):
        return real[:count]
    needed = count - len(real)
    if needed > len(real) * len(SUFFIXES):
        raise ValueError(f"at most {len(real) * (len(SUFFIXES) + 1)} municipalities can be simulated")
    return real + [clone(real[n % len(real)], FIRST_SYNTHETIC_CVE + n, SUFFIXES[n // len(real)]) for n in range(needed)]


def clone(source: Municipality, cve: int, suffix: str) -> Municipality:
    """A synthetic municipality: source's population and CONAPO indicators under a new clave and name."""
    # No site or IPOMEX URL: the clone must not claim the real municipality's addresses.
    return replace(
        source,
        cve_inegi=str(cve),
        nombre=f"{source.nombre} {suffix}",
        sitio_web=None,
        sitio_estado="desconocido",
        ipomex_url=None,
        ipomex4_id=None,
    )
