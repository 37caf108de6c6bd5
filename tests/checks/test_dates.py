"""Spanish date forms; a bare year, a copyright or a year range is not a date."""

from __future__ import annotations

import datetime

import pytest

from checks.dates import find_dates, parse_iso
from core.text import fold

MARCH_12 = datetime.date(2026, 3, 12)


@pytest.mark.parametrize(
    "text",
    [
        "12 de marzo de 2026",
        "12 marzo 2026",
        "Marzo 12, 2026",
        "12/03/2026",
        "2026-03-12",
        "12-mar-2026",
        "12 de Mar. del 2026",
        "12.03.2026",
        "Publicado: 12-03-2026 10:00",
        "2026-03-12T09:30:00-06:00",
    ],
)
def test_date_forms(text):
    assert [d.date for d in find_dates(fold(text))] == [MARCH_12]


@pytest.mark.parametrize(
    "text",
    [
        "© 2026",
        "Administración 2024-2027",
        "2016 - 2018",
        "31/02/2026",
        "Bando Municipal 2026",
        "12 martes 2026",
        "Folio 123/03/20260",
        "Año 2026, mes 3",
    ],
)
def test_not_dates(text):
    assert list(find_dates(fold(text))) == []


def test_iso_values():
    assert parse_iso("2026-03-12T10:00:00+00:00") == MARCH_12
    assert parse_iso("hace 3 días") is None and parse_iso("2026-13-40") is None


def test_offsets_point_at_the_date():
    text = fold("Boletín publicado el 1° de mayo del 2025 por la Coordinación")
    (found,) = find_dates(text)
    assert found.date == datetime.date(2025, 5, 1) and text[found.start : found.end] == "1° de mayo del 2025"
