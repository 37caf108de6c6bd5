"""Accent and case folding: the one way Vigía compares Spanish text loosely."""

from __future__ import annotations

import re
import unicodedata

_MARKS = re.compile(r"[\u0300-\u036f]+")


def fold(text: str) -> str:
    """Lower-case and strip accents; the result usually has one character per input character."""
    if text.isascii():
        return text.lower()
    # NFD + dropping combining marks maps "á" to "a" one-to-one, so offsets into the folded text stay valid
    # for the original text (checked by callers through len()). Spanish only needs the acute accent, tilde and
    # diaeresis: three str.replace calls are ~10x cheaper than the regex, which stays as the general fallback.
    decomposed = unicodedata.normalize("NFD", text)
    stripped = decomposed.replace("\u0301", "").replace("\u0303", "").replace("\u0308", "")
    if len(stripped) != len(text):
        stripped = _MARKS.sub("", decomposed)
    return stripped.lower()


def plural(n: int, singular: str, plural_form: str) -> str:
    """«1 sitio», «0 sitios», «2 sitios»: the count followed by the noun that agrees with it."""
    return f"{n} {singular if n == 1 else plural_form}"
