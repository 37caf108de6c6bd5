"""operacion.yaml: the shipped file loads; every invalid field is refused naming file, line and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from config.operation import load_operation_config, parse_operation_config
from core.errors import ConfigError

VALID = """\
calendario:
  cron: "0 2 * * *"
  zona: America/Mexico_City
  gracia_minutos: 180
  candado_minutos: 360
alertas:
  confirmacion_corridas: 2
  sitio_caido_corridas: 3
  remitente: "Vigía <vigia@localhost>"
  smtp:
    host: 127.0.0.1
    port: 25
    seguridad: ninguna
    timeout_segundos: 30
    reintentos: 3
  destinatarios:
    - nombre: Auditores
      correo: auditores@example.org
      alcance: todo
    - correo: enlace@example.org
      alcance: region
      region: Toluca
    - alcance: unidad_transparencia
  unidades_transparencia: {15106: transparencia@toluca.gob.mx}
"""


def test_shipped_file_loads() -> None:
    operation = load_operation_config()
    assert operation.schedule.zona == "America/Mexico_City" and operation.schedule.grace.total_seconds() == 10800
    assert operation.alerts.confirmacion_corridas >= 1
    assert operation.alerts.smtp.seguridad in ("ninguna", "starttls", "ssl")


def test_night_window_defaults_to_four_hours_from_the_scheduled_start() -> None:
    assert load_operation_config().schedule.ventana_horas == 4
    schedule = parse_operation_config(VALID).schedule
    assert schedule.ventana_horas == 4 and schedule.window_text() == "02:00–06:00"
    late = parse_operation_config(VALID.replace('"0 2 * * *"', '"30 22 * * *"')).schedule
    assert late.window_text() == "22:30–02:30"
    longer = VALID.replace("candado_minutos: 360", "candado_minutos: 360\n  ventana_horas: 5")
    assert parse_operation_config(longer).schedule.window_text() == "02:00–07:00"
    hourly = parse_operation_config(VALID.replace('"0 2 * * *"', '"0 */6 * * *"')).schedule
    assert hourly.window_text() == "4 h desde la hora programada"


def test_full_example_parses() -> None:
    alerts = parse_operation_config(VALID, regions=["Toluca", "Texcoco"]).alerts
    assert [r.alcance for r in alerts.destinatarios] == ["todo", "region", "unidad_transparencia"]
    assert alerts.destinatarios[1].region == "Toluca" and alerts.destinatarios[2].correo is None
    assert alerts.unidades_transparencia == {"15106": "transparencia@toluca.gob.mx"}


@pytest.mark.parametrize(
    ("old", "new", "line", "field"),
    [
        ('cron: "0 2 * * *"', 'cron: "0 25 * * *"', 2, "calendario.cron"),
        ('cron: "0 2 * * *"', 'cron: "cada noche"', 2, "calendario.cron"),
        ("zona: America/Mexico_City", "zona: Marte/Olimpo", 3, "calendario.zona"),
        ("gracia_minutos: 180", "gracia_minutos: 0", 4, "calendario.gracia_minutos"),
        ("candado_minutos: 360", "candado_minutos: seis", 5, "calendario.candado_minutos"),
        ("candado_minutos: 360", "candado_minutos: 360\n  ventana_horas: 0", 6, "calendario.ventana_horas"),
        ("confirmacion_corridas: 2", "confirmacion_corridas: 0", 7, "alertas.confirmacion_corridas"),
        ("sitio_caido_corridas: 3", "sitio_caido_corridas: true", 8, "alertas.sitio_caido_corridas"),
        ("seguridad: ninguna", "seguridad: tls", 13, "alertas.smtp.seguridad"),
        ("port: 25", "port: 70000", 12, "alertas.smtp.port"),
        ("correo: auditores@example.org", "correo: auditores", 18, "alertas.destinatarios[0].correo"),
        ("      region: Toluca\n", "", 20, "alertas.destinatarios[1].region"),
        ("region: Toluca", "region: Marte", 22, "alertas.destinatarios[1].region"),
        ("    - alcance: unidad_transparencia", "    - alcance: todos", 23, "alertas.destinatarios[2].alcance"),
        ("{15106: transparencia@toluca.gob.mx}", "{15200: a@b.mx}", 24, "alertas.unidades_transparencia.15200"),
        ("{15106: transparencia@toluca.gob.mx}", "{15106: nadie}", 24, "alertas.unidades_transparencia.15106"),
        ("    reintentos: 3", "    reintentos: 3\n    usuario: x", 16, "alertas.smtp.usuario"),
    ],
)
def test_invalid_fields_are_named(old: str, new: str, line: int, field: str) -> None:
    assert old in VALID
    with pytest.raises(ConfigError) as caught:
        parse_operation_config(VALID.replace(old, new), "operacion.yaml", regions=["Toluca"])
    assert (caught.value.field, caught.value.path) == (field, "operacion.yaml")
    if field != "alertas.destinatarios[1].region" or new:
        assert caught.value.line == line
    assert "Configuración inválida en operacion.yaml" in str(caught.value)


def test_missing_field_and_bad_yaml_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="falta el campo obligatorio"):
        parse_operation_config(VALID.replace('  remitente: "Vigía <vigia@localhost>"\n', ""))
    with pytest.raises(ConfigError, match="YAML inválido"):
        parse_operation_config("calendario: [")
    with pytest.raises(ConfigError, match="el archivo no existe"):
        load_operation_config(tmp_path / "no.yaml")
