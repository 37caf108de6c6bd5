"""Detect Mexican phone numbers and e-mail addresses (plain, obfuscated or Cloudflare-protected) in folded text."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

import phonenumbers

_SEPS = "[ \t.\\-\u2013\u2014]"
PHONE_RE = re.compile(
    r"(?<![\w$/#])(?<!\d[.,])"
    r"(?P<cc>\+\s?52[ .\-]{0,2}(?:1[ .\-]{0,2})?)?"
    rf"(?:(?P<paren>\(\s?(?:01[ .\-]?)?\d{{2,3}}\s?\)){_SEPS}{{0,3}})?"
    rf"(?P<body>\d{{1,10}}(?:{_SEPS}{{1,3}}\d{{1,4}}){{0,5}})"
    r"(?![\w/]|[.,]\d)"
)
# Words that make a nearby number a phone number: phone words ("tel", "conmutador", "lada"...) and the names of the
# services municipal directories list numbers for (emergencias, bomberos, atención ciudadana...).
PHONE_CONTEXT = re.compile(
    r"(?:\btels?\b|\btel\.|telefono|\btelf?\b|conmutador|llamanos|llama(?:r)? al|\bfax\b|\blada\b|contacto|"
    r"\bcel\b|celular|whatsapp|\bext\b|extension|atencion telefonica|linea directa|marca(?:r)? al|comunicate|"
    r"informes|atencion ciudadana|emergencias?|bomberos|proteccion civil|policia|seguridad publica|centro de mando|"
    r"\bc[45]\b|cabina|directorio|\bdif\b|oficina|presidencia municipal|numeros? (?:de )?(?:telefono|contacto))"
)
# A directory line "Bomberos: 5857 0990": a short label, a colon, then the number.
_LABEL_COLON = re.compile(r"(?:^|[\s>])[a-z][a-z .]{1,40}:\s{0,3}$")
# Words that make a nearby number something else (folio, population, money...).
NOT_PHONE_CONTEXT = re.compile(
    r"(?:folio|expediente|oficio|\bclave\b|curp|\brfc\b|cuenta|habitantes|poblacion|\$|pesos|monto|importe|"
    r"licitacion|contrato|\bno\.? de|numero de (?:folio|oficio|expediente|cuenta|control))"
)
_CANDIDATE = re.compile(r"(?<![\d])[+(]?\d")
# One character class first: re then skips to candidate positions in C (an optional group first is ~10x slower).
_RUN = re.compile(r"[+(\d][\d \t.\-\u2013\u2014()]{5,}\d")
_EXT_AFTER = re.compile(r"\s*(?:ext|extension)\b")
_YEAR = re.compile(r"^(?:19|20)\d\d$")


@dataclass(frozen=True, slots=True)
class PhoneMatch:
    """A phone-shaped number: national digits, offsets in the folded text; strong ones need no phone context."""

    digits: str
    start: int
    end: int
    strong: bool


def _looks_like_date(groups: list[str]) -> bool:
    """Digit groups that read as day-month-year or year-month-day (12-03-2026, 2026-03-12)."""
    if len(groups) != 3:
        return False
    day, month, year = (groups[2], groups[1], groups[0]) if len(groups[0]) == 4 else groups
    return len(year) == 4 and bool(_YEAR.match(year)) and 1 <= int(month) <= 12 and 1 <= int(day) <= 31


def _national(digits: str, has_cc: bool) -> str:
    """Strip +52 / 52, the old mobile '1', and the old '01' / '044' / '045' long-distance prefixes."""
    if has_cc or (len(digits) == 12 and digits.startswith("52")):
        digits = digits[2:]
        if len(digits) == 11 and digits.startswith("1"):
            digits = digits[1:]
    if len(digits) == 12 and digits.startswith("01"):
        digits = digits[2:]
    if len(digits) == 13 and digits.startswith(("044", "045")):
        digits = digits[3:]
    return digits


def classify_number(match: re.Match[str]) -> PhoneMatch | None:
    """Validate one PHONE_RE match: 10 national digits, or 7-8 local digits (which need phone context)."""
    groups = re.findall(r"\d+", match["body"])
    if _looks_like_date(groups) or (len(groups) == 2 and all(_YEAR.match(g) for g in groups)):
        return None
    if len(groups) > 1 and any(len(g) > 4 for g in groups[1:]):
        return None
    prefixed = bool(match["paren"] or match["cc"])
    # "1 234 567 890" is a quantity; "(724) 2 48 69 41" and "(774) 74-5-00-02" are phones.
    if not prefixed and any(len(g) == 1 for g in groups):
        return None
    digits = _national(re.sub(r"\D", "", match.group(0)), bool(match["cc"]))
    # Groups of exactly three digits read as thousands ("12 345 678"): such a number needs phone context.
    thousands = len(groups) >= 3 and all(len(g) == 3 for g in groups[1:])
    formatted = prefixed or (len(groups) > 1 and not thousands)
    if len(digits) == 10 and valid_national(digits):
        return PhoneMatch(digits, match.start(), match.end(), strong=formatted)
    if len(digits) in (7, 8) and valid_local(digits):
        return PhoneMatch(digits, match.start(), match.end(), strong=False)
    return None


def _placeholder(digits: str) -> bool:
    """Digits nobody dials: a subscriber number of one or two repeated digits (555-5555, 000-0000, 121-2121)."""
    tail = digits[-7:]
    return len(tail) == 7 and len(set(tail)) <= 2


@lru_cache(maxsize=4096)
def valid_national(digits: str) -> bool:
    """A 10-digit number whose area code exists in Mexico's numbering plan (libphonenumber) and is no placeholder."""
    try:
        number = phonenumbers.parse(digits, "MX")
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.is_valid_number(number) and not _placeholder(digits)


# Area codes whose subscriber numbers have 8 digits: the Valle de México (55, 56), Guadalajara (33), Monterrey (81).
_METRO_AREAS = ("55", "56", "33", "81")


def valid_local(digits: str) -> bool:
    """A local number as older sites write it: 8 digits valid in a metropolitan area, or 7 digits, no placeholder."""
    if digits[0] in "01" or _placeholder(digits):
        return False
    if len(digits) == 8:
        return any(valid_national(area + digits) for area in _METRO_AREAS)
    return len(digits) == 7


def _split_run(match: re.Match[str]) -> Iterator[re.Match[str]]:
    """Yield sub-matches when several numbers were written one after the other ("5391-0534 5391-3477")."""
    text = match.string
    position = match.start()
    while position < match.end():
        sub = PHONE_RE.match(text, position, match.end())
        if sub is None:
            return
        for cut in _cuts(sub):
            shorter = PHONE_RE.match(text, position, cut)
            if shorter is not None and shorter.end() == cut and classify_number(shorter) is not None:
                yield shorter
                position = cut
                break
        else:
            return
        while position < match.end() and not text[position].isdigit() and text[position] not in "(+":
            position += 1


def _cuts(match: re.Match[str]) -> list[int]:
    """Candidate end offsets for a sub-number: after each digit group, longest first."""
    ends = [m.end() + match.start() for m in re.finditer(r"\d+", match.group(0))]
    return sorted(ends, reverse=True)


def find_phones(folded: str) -> Iterator[PhoneMatch]:
    """Yield phone numbers in the folded text that either look unmistakable or stand in phone context."""
    # PHONE_RE starts with look-behinds, so a plain finditer would try every position of the page. Instead, only
    # runs of at least 7 digits/separators are visited (one fast C scan), and PHONE_RE is tried at each digit
    # group inside a run.
    for run in _RUN.finditer(folded):
        position = run.start()
        while position < run.end():
            match = PHONE_RE.match(folded, position)
            if match is not None and match.end() - match.start() >= 7:
                yield from _phones_in(folded, match)
                position = match.end()
                continue
            following = _CANDIDATE.search(folded, position + 1, run.end())
            position = following.start() if following is not None else run.end()


def _phones_in(folded: str, match: re.Match[str]) -> Iterator[PhoneMatch]:
    """Accepted phones within one PHONE_RE match, splitting numbers written back to back."""
    if _placeholder(re.sub(r"\D", "", match.group(0))):
        return
    candidates = [match] if classify_number(match) is not None else list(_split_run(match))
    for candidate in candidates:
        phone = classify_number(candidate)
        if phone is not None and _accept(folded, phone):
            yield phone


def _accept(folded: str, phone: PhoneMatch) -> bool:
    """Unmistakable numbers pass; others need a phone word just before (or "ext." after) and no folio/money word."""
    before = folded[max(0, phone.start - 45) : phone.start]
    near_before = folded[max(0, phone.start - 25) : phone.start]
    if NOT_PHONE_CONTEXT.search(near_before) and not PHONE_CONTEXT.search(near_before):
        return False
    if phone.strong or PHONE_CONTEXT.search(before) or _EXT_AFTER.match(folded, phone.end):
        return True
    return bool(_LABEL_COLON.search(near_before))


# Short municipal lines a tel: link may dial: *NNNN service lines and 072 (reports). The national 911 and 089 are
# not the municipality's own channel.
_SHORT_LINE = re.compile(r"^(?:\*\d{3,5}|072)$")


def tel_short_line(href: str) -> str | None:
    """Return the short municipal line a tel: link dials (*7311, 072), or None."""
    if not href.lower().startswith("tel:"):
        return None
    target = re.sub(r"[\s\-.]", "", href[4:])
    return target if _SHORT_LINE.match(target) else None


def tel_link_digits(href: str) -> str | None:
    """Return the national digits of a tel: link, or None when it holds fewer than 7 digits."""
    if not href.lower().startswith("tel:"):
        return None
    digits = re.sub(r"\D", "", href)
    digits = _national(digits, href[4:].lstrip().startswith("+52"))
    return digits if len(digits) >= 7 else None


# ---- e-mail ---------------------------------------------------------------------------------------------------

_LOCAL = r"[a-z0-9](?:[a-z0-9._%+\-]{0,62}[a-z0-9_])?"
_AT = r"(?:\s?@\s?|\s?[\[({]\s?(?:arroba|at)\s?[\])}]\s?|\s(?:arroba)\s)"
_DOT = r"(?:\.|\s\.\s|\s?[\[({]\s?(?:punto|dot)\s?[\])}]\s?|\s(?:punto|dot)\s)"
_LABEL = r"[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?"
EMAIL_RE = re.compile(rf"(?<![a-z0-9._%+\-])(?P<local>{_LOCAL}){_AT}(?P<domain>{_LABEL}(?:{_DOT}{_LABEL}){{1,5}})")
_PLAIN = re.compile(r"^[a-z0-9._%+\-]+@[a-z0-9\-]+(?:\.[a-z0-9\-]+)+$")
_SPLIT_DOMAIN = re.compile(_DOT)
FILE_SUFFIXES = frozenset({"png", "jpg", "jpeg", "gif", "webp", "svg", "js", "css", "pdf", "php", "html", "htm"})
# Obfuscated forms ("x arroba y punto gob punto mx") are accepted only with a familiar top-level domain.
KNOWN_TLDS = frozenset({"mx", "com", "net", "org", "gob", "edu", "info", "biz", "us", "es", "io", "co", "app"})


def normalize_email(local: str, domain: str) -> str | None:
    """Join local part and domain into an address; None when the domain does not end in a plausible TLD."""
    labels = [part for part in _SPLIT_DOMAIN.split(domain) if part]
    address = f"{local}@{'.'.join(labels)}"
    tld = labels[-1] if labels else ""
    if not tld.isalpha() or not 2 <= len(tld) <= 24 or tld in FILE_SUFFIXES:
        return None
    obfuscated = not _PLAIN.match(f"{local}@{domain}")
    if obfuscated and tld not in KNOWN_TLDS:
        return None
    return address


def _anchors(folded: str) -> list[int]:
    """Offsets of "@", "arroba" and "(at)"-like markers, found with str.find (much faster than a regex scan)."""
    found: list[int] = []
    for marker in ("@", "arroba", "at)", "at]", "at}"):
        position = folded.find(marker)
        while position != -1:
            found.append(position - 1 if marker.startswith("at") else position)
            position = folded.find(marker, position + 1)
    return sorted(found)


def find_emails(folded: str) -> Iterator[tuple[str, int, int]]:
    """Yield (address, start, end) for e-mail addresses in folded text, including "arroba"/"(at)" forms."""
    seen_end = -1
    for anchor in _anchors(folded):
        if anchor < seen_end:
            continue
        left = max(0, anchor - 70)
        for match in EMAIL_RE.finditer(folded, left, min(len(folded), anchor + 90)):
            if match.start() <= anchor < match.end():
                address = normalize_email(match["local"], match["domain"])
                if address is not None:
                    seen_end = match.end()
                    yield address, match.start(), match.end()
                break


def mailto_address(href: str) -> str | None:
    """Return the address of a mailto: link when it is a plausible e-mail address."""
    if not href.lower().startswith("mailto:"):
        return None
    address = href[7:].split("?", 1)[0].strip().lower()
    return address if _PLAIN.match(address) and normalize_email(*address.split("@", 1)) else None
