"""The measurement of the site checks against auditor labels: a synthetic corpus crawled for real, and the
committed config/confiabilidad.yaml equal to a fresh measurement of ../shared/corpus."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bench.precision import measure_corpus, serve_directory
from checks.catalogue import load_catalogue
from checks.labels import load_labels
from checks.precision import Disagreement
from checks.reliability import measurement_data, read_measurement
from config import paths
from core.clock import today_local
from tests.conftest import shared_path
from tests.synthetic_corpus import build_corpus

RUN_DATE = date(2026, 12, 6)


def test_serve_directory_serves_the_folder_and_stops(tmp_path: Path) -> None:
    import httpx

    (tmp_path / "index.html").write_text("<p>hola</p>", encoding="utf-8")
    with serve_directory(tmp_path) as url:
        assert url.startswith("http://127.0.0.1:") and httpx.get(url).text == "<p>hola</p>"
    with pytest.raises(httpx.ConnectError):
        httpx.get(url)


@pytest.mark.usefixtures("vigia_home")
def test_the_synthetic_corpus_gives_one_false_accusation_one_false_credit_and_indeterminado(tmp_path: Path) -> None:
    labels = load_labels(build_corpus(tmp_path) / "labels.yaml")
    m = measure_corpus(labels, RUN_DATE)
    assert (m.sites, m.scored, m.measured_on, m.catalogue_version) == (2, 6, RUN_DATE, load_catalogue().version)
    phone, mail, updated = (m.figures(i) for i in ("canal.telefono", "canal.correo", "sitio.actualizacion_reciente"))
    assert phone is not None and mail is not None and updated is not None
    assert (phone.scored, phone.agree, phone.false_accusations, phone.false_credit, phone.decided) == (2, 1, 1, 0, 2)
    assert (phone.agreement, phone.coverage, phone.false_accusation_rate, phone.under_review) == (0.5, 1.0, 0.5, True)
    assert (mail.scored, mail.agree, mail.false_accusations, mail.false_credit, mail.decided) == (2, 1, 0, 1, 2)
    assert not mail.under_review
    assert (updated.scored, updated.agree, updated.decided, updated.coverage, updated.under_review) == (
        2,
        0,
        0,
        0.0,
        False,
    )
    assert phone.disagreements == (Disagreement("b", "canal.telefono", "no_cumple", "cumple"),)
    assert mail.disagreements == (Disagreement("a", "canal.correo", "cumple", "no_cumple"),)
    assert [(d.site, d.ours) for d in updated.disagreements] == [("a", "indeterminado"), ("b", "indeterminado")]
    chat = m.figures("canal.chat")
    assert chat is not None and chat.scored == 0 and chat.agreement is None and not chat.under_review
    t = m.totals
    assert (t.scored, t.agree, t.false_accusations, t.false_credit, t.decided) == (6, 2, 1, 1, 4)
    assert len(t.disagreements) == 4 and m.under_review() == {"canal.telefono"}


@pytest.mark.slow
@pytest.mark.usefixtures("vigia_home")
def test_the_committed_measurement_equals_a_fresh_one() -> None:
    """Regenerate with `vigia precision --guardar` after changing a check (and commit config/confiabilidad.yaml)."""
    labels = load_labels(shared_path("corpus", "labels.yaml"))
    committed = read_measurement(paths.RELIABILITY)
    assert committed is not None, "falta config/confiabilidad.yaml: genérelo con `vigia precision --guardar`"
    fresh = measure_corpus(labels, today_local())
    stored, now = measurement_data(committed), measurement_data(fresh)
    stored.pop("fecha"), now.pop("fecha")
    assert stored == now, "config/confiabilidad.yaml está desactualizado: regenérelo con `vigia precision --guardar`"
