"""The archive benchmark's arithmetic: a year is the first night plus 364 later nights, the state scales linearly."""

from __future__ import annotations

from bench.archive import ArchiveNight, Nights, archive_measurements


def test_a_year_and_the_state_are_extrapolated_from_the_nights() -> None:
    nights = [ArchiveNight(10.0, 5_000_000, 600_000, 100, 0)] + [ArchiveNight(9.0, 1_000_000, 400_000, 100, 90)] * 4
    plain = [ArchiveNight(8.0, 0, 300_000, 0, 0), ArchiveNight(9.0, 0, 250_000, 0, 0)]
    rows = {m.name: m for m in archive_measurements(Nights(nights, plain, 3.0, 500.0), 125)}
    year = rows["archivo: un año (125 municipios)"].value
    assert year == round((5_000_000 + 364 * 1_000_000) / 1e9, 3)
    assert rows["archivo: un año a 2469 municipios"].value == round(year * 2469 / 125, 3)
    assert rows["archivo: tiempo que agrega a una noche (125 municipios)"].value == 1.5
    assert rows["base de datos: bytes por noche con archivo (125 municipios)"].value == 0.4
    assert "90 %" in rows["archivo: cada noche siguiente (125 municipios)"].note
    assert rows["archivo: una noche sin cambios (125 municipios)"].value == 0.05
    assert (
        "sin archivo 0.25 MB; archive_records 0.15 MB"
        in rows["base de datos: bytes por noche con archivo (125 municipios)"].note
    )
