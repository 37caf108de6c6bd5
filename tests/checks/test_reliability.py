"""The «en revisión» rule, the committed measurement file (round trip and validation) and the verdict notes."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from checks.labels import Label
from checks.precision import REVIEW_FALSE_ACCUSATION_RATE, CheckFigures, Disagreement, Measurement, compare
from checks.reliability import (
    Reliability,
    dump_measurement,
    load_measurement,
    percent,
    read_measurement,
    save_measurement,
)
from core.errors import ConfigError

DAY = date(2026, 12, 6)


def measurement(version: str = "v1") -> Measurement:
    labels = [Label("a", "canal.telefono", "cumple", 3), Label("b", "canal.telefono", "cumple", 9)]
    labels += [Label("a", "canal.correo", "no_cumple", 5), Label("b", "canal.correo", "skip", 11)]
    verdicts = {"a": {"canal.telefono": "cumple", "canal.correo": "cumple"}, "b": {"canal.telefono": "no_cumple"}}
    return compare(labels, verdicts, ["canal.telefono", "canal.correo", "canal.chat"], DAY, version)


def test_compare_counts_per_check_and_in_total() -> None:
    m = measurement()
    phone, mail, chat = m.checks
    assert (phone.scored, phone.agree, phone.false_accusations, phone.under_review) == (2, 1, 1, True)
    assert (mail.scored, mail.false_credit, mail.under_review) == (1, 1, False)
    assert chat == CheckFigures("canal.chat")
    assert (m.sites, m.scored, m.totals.agree, m.totals.decided) == (2, 3, 1, 3)
    assert m.under_review() == {"canal.telefono"}


@pytest.mark.parametrize(("false_accusations", "under_review"), [(0, False), (1, False), (2, True)])
def test_en_revision_is_a_false_accusation_rate_above_one_percent(false_accusations: int, under_review: bool) -> None:
    figures = CheckFigures(
        "canal.telefono", scored=100, agree=100 - false_accusations, false_accusations=false_accusations
    )
    assert REVIEW_FALSE_ACCUSATION_RATE == 0.01
    assert figures.under_review is under_review


def test_a_check_missing_from_the_verdicts_counts_as_indeterminado() -> None:
    m = compare([Label("a", "canal.chat", "cumple", 1)], {}, ["canal.chat"], DAY, "v1")
    assert m.checks[0].coverage == 0.0
    assert m.checks[0].disagreements == (Disagreement("a", "canal.chat", "indeterminado", "cumple"),)


def test_the_data_file_round_trips(tmp_path: Path) -> None:
    m = measurement()
    path = save_measurement(m, tmp_path / "confiabilidad.yaml")
    assert path.read_text(encoding="utf-8").startswith("# Confiabilidad")
    assert read_measurement(path) == m
    assert load_measurement(path) is load_measurement(path)
    assert read_measurement(tmp_path / "otro.yaml") is None


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ("fecha: '2026-12-06'", "fecha: ayer", "fecha"),
        ("version_catalogo: v1", "version_catalogo: ''", "version_catalogo"),
        (
            "    acusaciones_falsas: 1\n",
            "    acusaciones_falsas: -1\n",
            "verificaciones.canal.telefono.acusaciones_falsas",
        ),
        ("  etiquetas: 3\n", "  etiquetas: 4\n", "corpus.etiquetas"),
        (
            "    acuerdo: 1\n    acusaciones_falsas: 1",
            "    acuerdo: 7\n    acusaciones_falsas: 1",
            "verificaciones.canal.telefono",
        ),
        ("  - sitio: b\n", "  - pagina: b\n", "verificaciones.canal.telefono.desacuerdos"),
    ],
)
def test_a_bad_data_file_names_its_field(tmp_path: Path, old: str, new: str, field: str) -> None:
    text = dump_measurement(measurement())
    assert old in text
    path = tmp_path / "confiabilidad.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        read_measurement(path)
    assert caught.value.field == field and caught.value.line is not None and str(path) in str(caught.value)


def test_notes_next_to_verdicts() -> None:
    fresh = Reliability(measurement("v1"), "v1")
    assert fresh.note("canal.telefono") == "acuerdo 50 % en 2 etiquetas, medido el 06/12/2026"
    assert fresh.note("canal.correo") == "acuerdo 0 % en 1 etiqueta, medido el 06/12/2026"
    assert fresh.note("canal.chat") is None and fresh.note("ipomex.92.i") is None
    assert fresh.under_review() == {"canal.telefono"} and not fresh.stale
    stale = Reliability(measurement("v0"), "v1")
    assert stale.stale and stale.note("canal.telefono") == (
        "acuerdo 50 % en 2 etiquetas, medido el 06/12/2026; medición de una versión anterior del catálogo"
    )
    empty = Reliability(None, "v1")
    assert empty.note("canal.telefono") is None and empty.under_review() == frozenset() and not empty.stale


def test_percent() -> None:
    assert (percent(1.0), percent(0.955), percent(21 / 22), percent(0.0)) == ("100 %", "95.5 %", "95.5 %", "0 %")
