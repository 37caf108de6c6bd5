"""The obligations catalogue: validated loading, label normalisation and room for a successor law."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from checks.obligations import fraction_slug, load_obligations, parse_obligations
from config import paths
from core.errors import ConfigError

SMALL = """\
ley: LTAIPEMyM
version: "2016"
articulo: 92
gracia_dias: 30
fracciones:
  - fraccion: "I"
    id: ipomex.92.i
    titulo: "Normatividad aplicable"
    page: art_92_i.web
    update: trimestral
  - fraccion: "II A"
    id: ipomex.92.ii_a
    titulo: "Estructura orgánica"
    page: art_92_ii_a.web
    update: anual
"""


def test_default_catalogue_loads_the_87_fractions_of_article_92() -> None:
    catalogue = load_obligations()
    assert (catalogue.ley, catalogue.version, catalogue.articulo, catalogue.grace_days) == (
        "LTAIPEMyM",
        "2016",
        "92",
        30,
    )
    assert catalogue.key == "LTAIPEMyM:2016"
    assert len(catalogue.obligations) == 87
    first, last = catalogue.obligations[0], catalogue.obligations[-1]
    assert (first.id, first.fraccion, first.page, first.update) == ("ipomex.92.i", "I", "art_92_i.web", "trimestral")
    assert (last.id, last.fraccion) == ("ipomex.92.lii_c", "LII C")
    assert len({o.id for o in catalogue.obligations}) == 87
    assert all(o.articulo == "92" for o in catalogue.obligations)
    assert load_obligations() is catalogue  # Cached.
    assert catalogue.get("ipomex.92.xlviii_b").fraccion == "XLVIII B"
    with pytest.raises(KeyError):
        catalogue.get("ipomex.92.liii")


@pytest.mark.parametrize(
    "label",
    [
        "Fracción II A",
        "FRACCIÓN II-A",
        "Fraccion II a",
        "II A",
        "ii_a",
        "IIA",
        "fraccion_ii_a",
        "Frac. II, inciso a",
        "  II   A ",
        "II.A",
    ],
)
def test_portal_labels_are_normalised(label: str) -> None:
    obligation = load_obligations().by_label("92", label)
    assert obligation is not None and obligation.id == "ipomex.92.ii_a"


@pytest.mark.parametrize(
    ("articulo", "label", "expected"),
    [
        ("92", "XLVIII B", "ipomex.92.xlviii_b"),
        ("92", "Fracción XLV", "ipomex.92.xlv"),  # XLV has no sub-fractions: not read as XL + V.
        ("92", "LIC", "ipomex.92.li_c"),
        ("Artículo 92", "I", "ipomex.92.i"),
        ("art_92", "i", "ipomex.92.i"),
        ("64", "I", None),  # Another article: not this catalogue's.
        ("92", "LII", None),  # Only LII A, B and C exist.
        ("92", "LIII", None),
        ("92", "", None),
    ],
)
def test_by_label(articulo: str, label: str, expected: str | None) -> None:
    obligation = load_obligations().by_label(articulo, label)
    assert (obligation.id if obligation else None) == expected


def test_fraction_slug() -> None:
    assert fraction_slug("XLVIII B") == "xlviii_b"
    assert fraction_slug("Fracción I") == "i"


def test_small_file_parses_in_order() -> None:
    catalogue = parse_obligations(SMALL)
    assert [(o.id, o.fraccion, o.update) for o in catalogue.obligations] == [
        ("ipomex.92.i", "I", "trimestral"),
        ("ipomex.92.ii_a", "II A", "anual"),
    ]


def _error(text: str) -> ConfigError:
    with pytest.raises(ConfigError) as caught:
        parse_obligations(text, "obligaciones.yaml")
    return caught.value


@pytest.mark.parametrize(
    ("old", "new", "field", "line", "fragment"),
    [
        ("ley: LTAIPEMyM\n", "", "ley", None, "obligatorio"),
        ('version: "2016"\n', "", "version", None, "obligatorio"),
        ("articulo: 92\n", "articulo: noventa\n", "articulo", 3, "número"),
        ("articulo: 92\n", "", "articulo", None, "número"),
        ("gracia_dias: 30\n", "gracia_dias: -1\n", "gracia_dias", 4, "mayor o igual que cero"),
        ("gracia_dias: 30\n", "gracia_dias: treinta\n", "gracia_dias", 4, "entero"),
        ("gracia_dias: 30\n", "gracia_dias: true\n", "gracia_dias", 4, "entero"),
        ("id: ipomex.92.ii_a\n", "id: ipomex.92.ii\n", "id", 12, "ipomex.92.ii_a"),
        ("id: ipomex.92.ii_a\n", "id: ipomex.93.ii_a\n", "id", 12, "debe ser"),
        ("update: anual\n", "update: bimestral\n", "update", 15, "mensual, trimestral, semestral, anual"),
        ('fraccion: "II A"\n', 'fraccion: "II-A"\n', "fraccion", 11, "no es una fracción válida"),
        ('fraccion: "II A"\n', 'fraccion: "IIII A"\n', "fraccion", 11, "no es una fracción válida"),
        ('fraccion: "II A"\n', 'fraccion: "ii a"\n', "fraccion", 11, "no es una fracción válida"),
        ('    titulo: "Estructura orgánica"\n', "", "titulo", 11, "obligatorio"),
        ("page: art_92_i.web\n", "page: art_92_i.web\n    pagina: x\n", "pagina", 10, "campo desconocido"),
        ("gracia_dias: 30\n", "gracia_dias: 30\nleyes: x\n", "leyes", 5, "campo desconocido"),
    ],
)
def test_invalid_files_name_file_line_and_field(
    old: str, new: str, field: str, line: int | None, fragment: str
) -> None:
    assert old in SMALL
    error = _error(SMALL.replace(old, new, 1))
    assert (error.path, error.field, error.line) == ("obligaciones.yaml", field, line)
    assert fragment in error.problem
    assert "obligaciones.yaml" in str(error) and f"«{field}»" in str(error)


def test_duplicate_id_points_at_the_second_entry() -> None:
    text = SMALL + '  - fraccion: "I"\n    id: ipomex.92.i\n    titulo: "Otra"\n    page: x.web\n    update: anual\n'
    error = _error(text)
    assert (error.field, error.line) == ("id", 17)
    assert "repetido" in error.problem


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("- a\n- b\n", "diccionario"),
        ("ley: X\nversion: '1'\narticulo: 1\ngracia_dias: 0\nfracciones: []\n", "no vacía"),
        ("ley: X\nversion: '1'\narticulo: 1\ngracia_dias: 0\nfracciones:\n  - solo texto\n", "diccionario"),
        ("ley: [sin cerrar\n", "YAML inválido"),
    ],
)
def test_structural_errors(text: str, fragment: str) -> None:
    assert fragment in _error(text).problem


def test_unreadable_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_obligations(tmp_path / "no-existe.yaml")
    assert caught.value.problem == "el archivo no existe"


def test_a_successor_law_is_another_file_beside_this_one(tmp_path: Path) -> None:
    # Reported shape of the 2025 law: common obligations split across two articles; entries may name their own.
    successor = tmp_path / "obligaciones_lgtaip_2025.yaml"
    successor.write_text(
        "ley: LGTAIP\nversion: 2025\narticulo: 65\ngracia_dias: 0\nfracciones:\n"
        '  - fraccion: "I"\n    id: ipomex.65.i\n    titulo: "Marco normativo"\n    page: art_65_i.web\n'
        "    update: semestral\n"
        '  - fraccion: "I"\n    articulo: 64\n    id: ipomex.64.i\n    titulo: "Otra"\n    page: art_64_i.web\n'
        "    update: mensual\n",
        encoding="utf-8",
    )
    catalogue = load_obligations(successor)
    assert (catalogue.key, catalogue.articulo, catalogue.grace_days) == ("LGTAIP:2025", "65", 0)
    assert [o.id for o in catalogue.obligations] == ["ipomex.65.i", "ipomex.64.i"]
    by_65, by_64 = catalogue.by_label("65", "Fracción I"), catalogue.by_label("64", "I")
    assert by_65 is not None and by_65.update == "semestral"
    assert by_64 is not None and by_64.articulo == "64"
    assert catalogue.by_label("92", "I") is None
    assert load_obligations().key == "LTAIPEMyM:2016"  # The default catalogue is untouched.


def test_every_default_entry_carries_only_known_fields() -> None:
    data = yaml.safe_load(paths.OBLIGATIONS.read_text(encoding="utf-8"))
    assert {key for entry in data["fracciones"] for key in entry} <= {"fraccion", "id", "titulo", "page", "update"}
