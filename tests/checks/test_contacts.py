"""Phone numbers and e-mail addresses: many real formats accepted, look-alikes rejected."""

from __future__ import annotations

import pytest

from checks.contacts import find_emails, find_phones, mailto_address, tel_link_digits
from core.text import fold


def phones(text: str) -> list[str]:
    return [p.digits for p in find_phones(fold(text))]


@pytest.mark.parametrize(
    ("text", "digits"),
    [
        ("Teléfono: (722) 123 45 67", "7221234567"),
        ("Llámanos al 722-123-4567", "7221234567"),
        ("Conmutador 55 5938 8260", "5559388260"),
        ("Tels. (01 55) 5391-0534", "5553910534"),
        ("Tel: (55) - 5938 - 8260", "5559388260"),
        ("+52 (722) 123 4567", "7221234567"),
        ("+52 1 55 1234 5678", "5512345678"),
        ("(55) 49 77 45 56", "5549774556"),  # area code in parentheses: unmistakable even without a label
        ("Tel: 53-71-25-00", "53712500"),  # older sites: 8-digit local number in phone context
        ("Contacto 5938 8260", "59388260"),
        ("58233021 EXT 116", "58233021"),
        ("Fax. 7221234567", "7221234567"),
        ("lada 01 722 123 4567", "7221234567"),
        ("Atención telefónica: (724) 2 48 69 41", "7242486941"),
        ("Teléfono: (591) 8 32 13 97 ext. 1148", "5918321397"),
    ],
)
def test_phone_formats(text, digits):
    assert phones(text)[:1] == [digits]


@pytest.mark.parametrize(
    "text",
    [
        "Publicado el 12/03/2026",
        "Fecha: 2026-03-12",
        "Administración 2016 - 2018",
        "Precio $1,234,567.00",
        "Monto: $ 12 500 000",
        "Población: 1 234 567 habitantes",
        "Folio 2024-1234-56",
        "Número de expediente 7221234567",
        "CURP GOMC800101HMCRRR09 y RFC GOMC800101AB1",
        "5938 8260",  # a bare 8-digit group without any phone context
        "7221234567",  # ten unformatted digits without context could be a folio
        "Emergencias 089 | Denuncia 911 | Cruz Roja 065",
        "C.P. 54400",
        "Se invirtieron 1 234 567 890 en obra pública",
        "Un total de 12 345 678 beneficiarios",
    ],
)
def test_not_phones(text):
    assert phones(text) == []


def test_several_numbers_in_a_row_are_split():
    assert phones("Tel. 5391-0534 5391-3477") == ["53910534", "53913477"]
    assert phones("Teléfonos (01 55) 5391-0534 (01 55) 5391-3477") == ["5553910534", "5553913477"]


def test_tel_links():
    assert tel_link_digits("tel:+52-722-123-4567") == "7221234567"
    assert tel_link_digits("tel:911") is None and tel_link_digits("mailto:x@y.mx") is None


def emails(text: str) -> list[str]:
    return [address for address, _, _ in find_emails(fold(text))]


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("Escríbenos a Contacto@Municipio.gob.mx.", "contacto@municipio.gob.mx"),
        ("correo: contacto [arroba] municipio.gob.mx", "contacto@municipio.gob.mx"),
        ("contacto(at)x.gob.mx", "contacto@x.gob.mx"),
        ("contacto @ x . gob . mx", "contacto@x.gob.mx"),
        ("contacto arroba municipio punto gob punto mx", "contacto@municipio.gob.mx"),
        ("diftecamac19.21@gmail.com", "diftecamac19.21@gmail.com"),
        ("transparencia_ayto@hotmail.com", "transparencia_ayto@hotmail.com"),
    ],
)
def test_email_formats(text, address):
    assert emails(text) == [address]


@pytest.mark.parametrize(
    "text",
    [
        "Nombre Correo @ Asunto Mensaje",  # a form's input-group label, not an address
        "logo@2x.png",
        "Síguenos en @AytoEjemplo",
        "usuario@localhost",
        "precio 10 at 20",
    ],
)
def test_not_emails(text):
    assert emails(text) == []


def test_mailto():
    assert mailto_address("mailto:Contacto@Municipio.gob.mx?subject=Hola") == "contacto@municipio.gob.mx"
    assert mailto_address("mailto:") is None and mailto_address("https://x.mx") is None
