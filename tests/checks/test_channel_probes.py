"""Working-channel probes: numbers against Mexico's numbering plan, mail domains and profiles through a fake prober."""

from __future__ import annotations

import pytest

from checks.engine import evaluate_pages
from checks.probes import (
    OFFLINE,
    MailAnswer,
    ProfileAnswer,
    international_problem,
    judge_profile,
    mx_phone_problem,
    whatsapp_number,
)

from .conftest import HOME, RUN_DATE, html, outcome

# (national digits, callable?) — the example table of the numbering-plan rule.
PHONES = [
    ("7222149000", True),  # Toluca
    ("5553416789", True),  # Valle de México
    ("7121234599", True),  # Atlacomulco
    ("5555555555", False),  # placeholder: one repeated digit
    ("7225555555", False),  # placeholder subscriber number
    ("7221212121", False),  # two digits alternating
    ("7221234567", False),  # a straight run
    ("1112345678", False),  # area code 11 does not exist
    ("0722149000", False),  # no area code starts with 0
    ("722149000", False),  # nine digits
]


@pytest.mark.parametrize(("digits", "callable_"), PHONES)
def test_numbering_plan_table(digits: str, callable_: bool) -> None:
    assert (mx_phone_problem(digits) is None) is callable_


@pytest.mark.parametrize(
    ("url", "digits", "valid"),
    [
        ("https://wa.me/527221234590", "527221234590", True),
        ("https://api.whatsapp.com/send?phone=+52%207221234590&text=Hola", "527221234590", True),
        ("whatsapp://send?phone=+527221234590", "527221234590", True),
        ("https://api.whatsapp.com/send?phone=5212881163151", "5212881163151", True),  # old mobile «1»
        ("https://wa.me/5210000000", "5210000000", False),  # too short for Mexico
        ("https://wa.me/527225555555", "527225555555", False),  # placeholder
        ("https://wa.me/message/ABCDEF123", None, False),  # business link: no number to judge
    ],
)
def test_whatsapp_numbers(url: str, digits: str | None, valid: bool) -> None:
    assert whatsapp_number(url) == digits
    assert (digits is not None and international_problem(digits) is None) is valid


@pytest.mark.parametrize(
    ("answer", "verdict"),
    [
        (ProfileAnswer("answered", 200, "https://www.youtube.com/@toluca"), "profile"),
        (ProfileAnswer("answered", 404, "https://www.youtube.com/@nadie"), "gone"),
        (ProfileAnswer("answered", 200, "https://www.youtube.com/"), "gone"),
        (ProfileAnswer("answered", 200, "https://www.facebook.com/login/?next=x"), "blocked"),
        (ProfileAnswer("answered", 429, "https://www.youtube.com/@toluca"), "blocked"),
        (ProfileAnswer("answered", 200, "https://www.youtube.com/@toluca", login_form=True), "blocked"),
        (ProfileAnswer("answered", 500, "https://www.youtube.com/@toluca"), "unknown"),
        (ProfileAnswer("unknown"), "unknown"),
        (ProfileAnswer("budget"), "budget"),
    ],
)
def test_profile_answers(answer: ProfileAnswer, verdict: str) -> None:
    assert judge_profile("https://www.youtube.com/@toluca", answer) == verdict


class FakeProber:
    """Answers from tables; records what was asked."""

    def __init__(self, mail: dict[str, MailAnswer] | None = None, profiles: dict[str, ProfileAnswer] | None = None):
        self.mail, self.profiles = mail or {}, profiles or {}
        self.asked: list[str] = []

    def mail_domain(self, domain: str) -> MailAnswer:
        self.asked.append(domain)
        return self.mail.get(domain, "unknown")

    def profile(self, url: str) -> ProfileAnswer:
        self.asked.append(url)
        return self.profiles.get(url, ProfileAnswer("unknown"))

    def cost(self) -> dict[str, float]:
        return {"requests": float(len(self.asked)), "seconds": 0.0}


def results(body: str, prober: object = OFFLINE, **crawl: object) -> dict[str, tuple[str, str | None]]:
    found = evaluate_pages([(HOME, html(body), 0)], RUN_DATE, outcome=outcome(**crawl), prober=prober)  # type: ignore[arg-type]
    return {r.check_id: (r.status, r.reason) for r in found}


def test_phone_valid_on_pages() -> None:
    assert results("<p>Teléfono: (722) 214 9000</p>")["canal.telefono_valido"] == ("cumple", None)
    assert results('<a href="tel:5555555555">Llámanos</a>')["canal.telefono_valido"] == ("no_cumple", None)
    assert results("<p>Tel. 722 555 5555</p>")["canal.telefono_valido"] == ("no_cumple", None)
    # A placeholder beside a real number: the site has a working phone.
    both = results('<a href="tel:5555555555">x</a><p>Teléfono: 722 214 9000</p>')
    assert both["canal.telefono_valido"] == ("cumple", None)
    assert results("<p>Bienvenidos</p>")["canal.telefono_valido"] == ("indeterminado", "sin_canal")
    incomplete = results('<a href="tel:5555555555">x</a>', truncated=True)
    assert incomplete["canal.telefono_valido"] == ("indeterminado", "crawl_incomplete")


def test_whatsapp_valid_on_pages() -> None:
    assert results('<a href="https://wa.me/527221234590">WhatsApp</a>')["canal.whatsapp_valido"] == ("cumple", None)
    assert results('<a href="https://wa.me/52722555555">WhatsApp</a>')["canal.whatsapp_valido"] == ("no_cumple", None)
    business = results('<a href="https://wa.me/message/ABCDEF123">WhatsApp</a>')
    assert business["canal.whatsapp_valido"] == ("indeterminado", "revisar")
    assert results("<p>Hola</p>")["canal.whatsapp_valido"] == ("indeterminado", "sin_canal")


def test_email_deliverable_through_the_prober() -> None:
    body = '<a href="mailto:contacto@toluca.gob.mx">Escríbenos</a>'
    assert results(body, FakeProber({"toluca.gob.mx": "ok"}))["canal.correo_entregable"] == ("cumple", None)
    assert results(body, FakeProber({"toluca.gob.mx": "none"}))["canal.correo_entregable"] == ("no_cumple", None)
    unknown = results(body)["canal.correo_entregable"]
    assert unknown == ("indeterminado", "sonda_sin_red")
    budget = results(body, FakeProber({"toluca.gob.mx": "budget"}))["canal.correo_entregable"]
    assert budget == ("indeterminado", "sonda_sin_presupuesto")
    assert results("<p>Hola</p>")["canal.correo_entregable"] == ("indeterminado", "sin_canal")


def test_webmail_is_a_note_not_a_failure() -> None:
    prober = FakeProber()
    found = evaluate_pages(
        [(HOME, html("<p>Correo: presidencia.ejemplo@gmail.com</p>"), 0)], RUN_DATE, outcome=outcome(), prober=prober
    )
    result = next(r for r in found if r.check_id == "canal.correo_entregable")
    assert result.status == "cumple" and "webmail" in (result.detail or "")
    assert prober.asked == []  # a webmail domain is never queried


SOCIAL = (
    '<a href="https://www.youtube.com/@ToluCaGob">YouTube</a> <a href="https://www.facebook.com/GobiernoDeToluca">'
    "Facebook</a>"
)
YT, FB = "https://www.youtube.com/@ToluCaGob", "https://www.facebook.com/GobiernoDeToluca"


def test_social_profiles() -> None:
    live = FakeProber(profiles={YT: ProfileAnswer("answered", 200, YT)})
    assert results(SOCIAL, live)["canal.redes_sociales_perfil"] == ("cumple", None)
    wall = ProfileAnswer("answered", 200, "https://www.facebook.com/login/?next=x")
    gone = FakeProber(profiles={YT: ProfileAnswer("answered", 404, YT), FB: wall})
    # YouTube says the account is gone, but Facebook (a walled platform) cannot be decided: never no_cumple.
    assert results(SOCIAL, gone)["canal.redes_sociales_perfil"] == ("indeterminado", "plataforma_bloquea")
    only_yt = '<a href="https://www.youtube.com/@ToluCaGob">YouTube</a>'
    assert results(only_yt, gone)["canal.redes_sociales_perfil"] == ("no_cumple", None)
    home = FakeProber(profiles={FB: ProfileAnswer("answered", 200, "https://www.facebook.com/")})
    fb_only = f'<a href="{FB}">Facebook</a>'
    assert results(fb_only, home)["canal.redes_sociales_perfil"] == ("indeterminado", "plataforma_bloquea")
    assert results(fb_only)["canal.redes_sociales_perfil"] == ("indeterminado", "sonda_sin_red")
    share = '<a href="https://www.facebook.com/sharer/sharer.php?u=x">Compartir</a>'
    assert results(share)["canal.redes_sociales_perfil"] == ("indeterminado", "sin_canal")


class BrokenProber(FakeProber):
    """A prober whose DNS side is broken (a library missing, a bug): it raises instead of answering."""

    def mail_domain(self, domain: str) -> MailAnswer:
        raise ModuleNotFoundError("No module named 'dns'")


def test_a_check_that_fails_is_its_own_indeterminado_and_the_site_keeps_its_other_results() -> None:
    body = '<a href="mailto:contacto@toluca.gob.mx">Escríbenos</a><p>Teléfono: (722) 214 9000</p>'
    found = results(body, BrokenProber())
    assert found["canal.correo_entregable"] == ("indeterminado", "error")
    assert found["canal.correo"] == ("cumple", None) and found["canal.telefono_valido"] == ("cumple", None)


def test_on_a_static_copy_what_needs_the_live_server_is_never_judged() -> None:
    body = (
        '<a href="mailto:contacto@toluca.gob.mx">Escríbenos</a><p>Teléfono: (722) 214 9000</p>'
        '<form action="/enviar.php" method="post"><label>Mensaje <textarea name="m"></textarea></label></form>'
    )
    found = evaluate_pages(
        [(HOME, html(body), 0)],
        RUN_DATE,
        outcome=outcome(),
        prober=FakeProber({"toluca.gob.mx": "none"}),
        static_copy=True,
    )
    by_id = {r.check_id: (r.status, r.reason) for r in found}
    live = (
        "canal.correo_entregable",
        "canal.formulario_funcional",
        "sitio.enlaces_rotos",
        "canal.redes_sociales_perfil",
    )
    assert all(by_id[check] == ("indeterminado", "copia_estatica") for check in live)
    # What the pages themselves show is still judged on the copy.
    assert by_id["canal.telefono_valido"] == ("cumple", None) and by_id["canal.correo"] == ("cumple", None)
