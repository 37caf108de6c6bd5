"""A check «en revisión» (too many measured false accusations) never alerts on its no_cumple; a reliable one does."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from alerts.detect import detect_changes
from alerts.rules import Transition, alertable
from checks.catalogue import load_catalogue
from checks.labels import Label
from checks.model import Status
from checks.precision import compare
from checks.reliability import save_measurement
from config import paths
from config.operation import AlertsConfig, Recipient, SmtpConfig
from storage.alerts_store import Observation
from storage.db import Database
from storage.models import OutboxRow
from storage.repository import finish_run, record_site, start_run
from tests.storage.factories import municipality, report

REVIEWED, RELIABLE = "canal.reporte_ciudadano", "canal.correo"
CFG = AlertsConfig(
    2,
    3,
    "Vigía <vigia@example.org>",
    SmtpConfig("127.0.0.1", 25, "ninguna", 30, 3),
    (Recipient("A", "a@example.org", "todo"),),
    {},
)


def run(db: Database, statuses: dict[str, Status], under_review: Collection[str] | None) -> list[str]:
    registry = [municipality("15001", "Acambay")]
    run_id = start_run(db, "crawl", registry, {})
    record_site(db, run_id, report("15001", {"sitio.disponible": "cumple", **statuses}))
    finish_run(db, run_id, "complete", catalogue=load_catalogue())
    return [e.check_id for e in detect_changes(db, run_id, CFG, registry, under_review=under_review).events]


def mails(db: Database) -> list[str]:
    with db.Session() as session:
        return [o.body_text for o in session.scalars(select(OutboxRow))]


def regress(db: Database, checks: tuple[str, ...], under_review: Collection[str] | None) -> list[list[str]]:
    return [run(db, dict.fromkeys(checks, status), under_review) for status in ("cumple", "no_cumple", "no_cumple")]


def test_regression_of_a_check_en_revision_sends_no_mail(db: Database) -> None:
    assert regress(db, (REVIEWED,), {REVIEWED}) == [[], [], []]
    assert mails(db) == []


def test_regression_of_a_reliable_check_still_sends_its_mail(db: Database) -> None:
    assert regress(db, (REVIEWED, RELIABLE), {REVIEWED}) == [[], [], [RELIABLE]]
    (body,) = mails(db)
    assert RELIABLE in body and REVIEWED not in body


def test_without_a_review_list_both_regressions_alert(db: Database) -> None:
    assert regress(db, (REVIEWED, RELIABLE), frozenset()) == [[], [], [RELIABLE, REVIEWED]]


def test_by_default_the_committed_measurement_decides(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    labels = [Label("a", REVIEWED, "cumple", 1), Label("a", RELIABLE, "cumple", 2)]
    verdicts = {"a": {REVIEWED: "no_cumple", RELIABLE: "cumple"}}
    measured = compare(labels, verdicts, [REVIEWED, RELIABLE], date(2026, 12, 6), "v1")
    monkeypatch.setattr(paths, "RELIABILITY", save_measurement(measured, tmp_path / "confiabilidad.yaml"))
    assert regress(db, (REVIEWED, RELIABLE), None) == [[], [], [RELIABLE]]


def test_a_recovery_of_a_check_en_revision_still_alerts() -> None:
    seen = Observation("15001", REVIEWED, 1, "cumple", None, None, None)
    assert alertable(Transition("recuperacion", "ok", seen, seen), REVIEWED, {REVIEWED})
    assert not alertable(Transition("regresion", "regresion", seen, seen), REVIEWED, {REVIEWED})
    assert alertable(Transition("regresion", "regresion", seen, seen), RELIABLE, {REVIEWED})
