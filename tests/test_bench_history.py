"""The history benchmark generates through the real schema and measures every target."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select, text

from bench.history import measure_history
from bench.history_gen import municipalities
from storage.db import open_database
from storage.models import ResultChangeRow
from tests.storage.test_compact import WINDOW_CHANGES


def test_measure_history_on_a_small_generated_history(tmp_path: Path) -> None:
    path = tmp_path / "hist.db"
    found = {m.name: m for m in measure_history(municipalities=3, days=4, db_path=path)}
    assert {
        "historial municipio (año)",
        "cambios desde (30 días, todo el estado)",
        "tablero ranking",
        "tamaño por corrida",
        "generación",
    } <= set(found)
    assert found["tablero ranking"].target == 200.0 and found["tamaño por corrida"].unit == "MB"
    again = {m.name: m for m in measure_history(municipalities=3, days=4, db_path=path)}
    assert again["generación"].note == "historial reutilizado"
    db = open_database(f"sqlite:///{path}")
    try:
        with db.engine.connect() as conn:
            stored = conn.execute(
                select(ResultChangeRow.__table__).order_by(
                    ResultChangeRow.run_id, ResultChangeRow.cve_inegi, ResultChangeRow.check_key
                )
            ).all()
            assert stored and stored == conn.execute(text(WINDOW_CHANGES)).all()
    finally:
        db.dispose()


def test_more_than_125_municipalities_are_synthesized() -> None:
    many = municipalities(130)
    assert [m.cve_inegi for m in many[-5:]] == ["20001", "20002", "20003", "20004", "20005"]
    assert len({m.cve_inegi for m in many}) == 130
