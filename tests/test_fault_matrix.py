"""docs/fallas.md maps every fault of the hardening matrix to tests that exist: a row without a test fails here."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from tests.conftest import REPO

MATRIX = REPO / "docs" / "fallas.md"
# The matrix of issue 7, row by row; renaming a row here or in the document must be done in both.
FAULTS = (
    "Conexión rechazada",
    "Falla de DNS",
    "Tiempo agotado a mitad del cuerpo",
    "500/502/503 y luego éxito",
    "429 con Retry-After",
    "Certificado TLS caducado",
    "Certificado TLS autofirmado",
    "Certificado TLS de otro nombre",
    "Sitio sólo HTTP",
    "Bucle de redirecciones",
    "Cadena de redirecciones demasiado larga",
    "Redirección o enlace hacia direcciones privadas (SSRF)",
    "Página «sitio en mantenimiento» con 200",
    "Soft-404",
    "Dominio estacionado, en venta o secuestrado",
    "Windows-1252 e ISO-8859-1, con y sin charset",
    "Mojibake",
    "HTML mal formado",
    "Página de 50 MB",
    "Bomba gzip",
    "Trampa de calendario infinito",
    "Trampa de identificador de sesión",
    "Sitio sólo JavaScript",
    "Desafío estilo Cloudflare",
    "robots.txt que prohíbe todo",
    "robots.txt que no responde",
    "Todas las fallas de red y contenido en una corrida",
    "SIGKILL a mitad del rastreo",
    "Dos rastreos a la vez",
    "SQLite bloqueada por un lector",
    "Disco lleno",
    "Respaldo en línea (vigia respaldo)",
    "PostgreSQL: la suite completa",
    "PostgreSQL: migraciones desde vacío y desde el esquema anterior",
    "SMTP caído toda la corrida",
    "SMTP acepta y falla a mitad del resumen",
    "Destinatario rechazado",
    "Caída entre el envío y la marca de enviado",
    "Cargas <script>, javascript: y onerror en textos, títulos, enlaces y URL",
    "Inyección en CSV y XLSX",
    "Inicio de sesión fuera de 127.0.0.1",
    "Contraseña incorrecta limitada",
    "Ninguna escritura sin token CSRF",
    "El auditor no puede cambiar nada",
    "Fila del registro mal formada",
    "Id de verificación desconocido",
    "Expresión cron inválida",
    "URL de base de datos inválida",
    "Fuzz de HTML → verificaciones",
)
NODE = re.compile(r"`(tests/[\w/]+\.py)::([\w:\[\]\-]+)`")


def rows() -> dict[str, str]:
    """Falla → the Prueba cell, from every table row of the document."""
    found = {}
    for line in MATRIX.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("|") and len(cells) >= 4 and cells[0].isdigit():
            found[cells[1]] = cells[-1]
    return found


def defined_tests(path: Path) -> set[str]:
    """test functions of a module, as `name` and `Class::name`."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            names.add(node.name)
        elif isinstance(node, ast.ClassDef):
            names |= {f"{node.name}::{f.name}" for f in node.body if isinstance(f, ast.FunctionDef)}
    return names


@pytest.mark.parametrize("fault", FAULTS)
def test_every_fault_has_a_row_with_tests_that_exist(fault: str) -> None:
    cell = rows().get(fault)
    assert cell is not None, f"docs/fallas.md no tiene la fila «{fault}»"
    nodes = NODE.findall(cell)
    assert nodes, f"la fila «{fault}» no nombra ninguna prueba"
    for path, name in nodes:
        assert (REPO / path).is_file(), f"{path} no existe (fila «{fault}»)"
        assert name.split("[")[0] in defined_tests(REPO / path), f"{path}::{name} no existe (fila «{fault}»)"


def test_the_document_has_no_row_outside_the_matrix() -> None:
    assert set(rows()) <= set(FAULTS)
