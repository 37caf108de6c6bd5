"""The auditor labels loader: valid files load, and every bad file stops with file, line and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from checks.labels import LabelsError, load_labels
from core.errors import VigiaError

VALID = """\
# comentario
sources:
- slug: a
  name: Municipio A
sites:
  a:
    canal.telefono:
      status: cumple
      file: index.html
      evidence: Tel. (722) 275 13 00
    canal.correo:
      status: no_cumple
    canal.chat:
      status: ambiguo
      reason: se puede argumentar
    sitio.https:
      status: skip
  b:
    canal.telefono:
      status: no_cumple
"""


def write(tmp_path: Path, text: str, sites: tuple[str, ...] = ("a", "b")) -> Path:
    for site in sites:
        (tmp_path / site).mkdir(exist_ok=True)
    path = tmp_path / "etiquetas.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def error(tmp_path: Path, text: str, sites: tuple[str, ...] = ("a", "b")) -> LabelsError:
    path = write(tmp_path, text, sites)
    with pytest.raises(LabelsError) as caught:
        load_labels(path)
    assert isinstance(caught.value, VigiaError) and caught.value.exit_code != 0
    return caught.value


def test_a_valid_file_loads_with_lines_and_only_cumple_no_cumple_scored(tmp_path: Path) -> None:
    labels = load_labels(write(tmp_path, VALID))
    assert labels.corpus == tmp_path and list(labels.sites) == ["a", "b"]
    assert [(x.site, x.check_id, x.status, x.line) for x in labels.all()][:2] == [
        ("a", "canal.telefono", "cumple", 7),
        ("a", "canal.correo", "no_cumple", 11),
    ]
    assert [(x.site, x.check_id) for x in labels.scored()] == [
        ("a", "canal.telefono"),
        ("a", "canal.correo"),
        ("b", "canal.telefono"),
    ]


def test_unknown_status_names_file_line_and_field(tmp_path: Path) -> None:
    exc = error(tmp_path, VALID.replace("status: no_cumple\n    canal.chat", "status: cumplee\n    canal.chat"))
    path = tmp_path / "etiquetas.yaml"
    assert str(exc) == (
        f"{path}, línea 12, campo status: estado desconocido «cumplee»; se esperaba cumple, no_cumple, ambiguo o skip"
    )
    assert (exc.line, exc.field) == (12, "status")


def test_a_yaml_boolean_status_is_not_taken_for_a_status(tmp_path: Path) -> None:
    exc = error(tmp_path, VALID.replace("status: skip", "status: on"))
    assert (exc.line, exc.field) == (17, "status") and "estado desconocido «on»" in str(exc)


def test_unknown_check_id(tmp_path: Path) -> None:
    exc = error(tmp_path, VALID.replace("    canal.correo:", "    canal.correoo:"))
    assert str(exc).startswith(f"{tmp_path / 'etiquetas.yaml'}, línea 11, campo verificación: ")
    assert "verificación desconocida «canal.correoo» en el sitio «a»" in str(exc)


def test_an_ipomex_obligation_is_not_a_site_check(tmp_path: Path) -> None:
    exc = error(tmp_path, VALID.replace("    sitio.https:", "    ipomex.92.i:"))
    assert exc.line == 16 and "«ipomex.92.i»" in str(exc)


def test_missing_status(tmp_path: Path) -> None:
    exc = error(tmp_path, VALID.replace("      status: ambiguo\n", ""))
    assert (exc.line, exc.field) == (13, "status") and "falta el estado de «canal.chat»" in str(exc)


def test_site_folder_that_does_not_exist(tmp_path: Path) -> None:
    exc = error(tmp_path, VALID, sites=("a",))
    assert (exc.line, exc.field) == (18, "sitio")
    assert f"no existe la carpeta «{tmp_path / 'b'}» del sitio «b»" in str(exc)


@pytest.mark.parametrize(
    ("text", "line", "field"),
    [
        ("- una lista\n", 1, "sites"),
        ("sources: []\n", 1, "sites"),
        ("sites:\n  a: [cumple]\n", 2, "a"),
        ("sites:\n  a:\n    canal.chat: cumple\n", 3, "canal.chat"),
        ("sites: cumple\n", 1, "sites"),
    ],
)
def test_not_a_mapping(tmp_path: Path, text: str, line: int, field: str) -> None:
    exc = error(tmp_path, text)
    assert (exc.line, exc.field) == (line, field)
    assert "se esperaba un diccionario" in str(exc) or "falta la clave «sites»" in str(exc)


def test_unreadable_yaml_names_its_line(tmp_path: Path) -> None:
    exc = error(tmp_path, "sites:\n  a:\n    canal.chat: {status: cumple\n")
    assert exc.line == 4 and "YAML ilegible" in str(exc) and str(exc).startswith(str(tmp_path / "etiquetas.yaml"))


def test_unreadable_file(tmp_path: Path) -> None:
    with pytest.raises(LabelsError, match="no se pudo leer el archivo"):
        load_labels(tmp_path / "no-existe.yaml")
    (tmp_path / "binario.yaml").write_bytes(b"\xff\xfe\x00sites")
    with pytest.raises(LabelsError, match="no se pudo leer el archivo"):
        load_labels(tmp_path / "binario.yaml")


def test_the_shared_corpus_labels_are_valid() -> None:
    from tests.conftest import shared_path

    labels = load_labels(shared_path("corpus", "labels.yaml"))
    assert len(labels.sites) == 12 and len(labels.scored()) > 200
