"""Spanish text helpers: accent/case folding that keeps offsets, pattern compilation and snippets."""

from __future__ import annotations

import re
import sys
import unicodedata
from collections.abc import Iterable, Iterator

_MARKS = re.compile(r"[\u0300-\u036f]+")
SNIPPET_CHARS = 200


# UTF-8 bytes of Spanish letters read as Windows-1252/Latin-1 ("InformaciÃ³n"): the pairs seen on real portals.
_MOJIBAKE = {
    "Ã¡": "á",
    "Ã©": "é",
    "Ã\xad": "í",
    "Ã³": "ó",
    "Ãº": "ú",
    "Ã±": "ñ",
    "Ã¼": "ü",
    "Ã\x81": "Á",
    "Ã‰": "É",
    "Ã\x8d": "Í",
    "Ã“": "Ó",
    "Ãš": "Ú",
    "Ã‘": "Ñ",
    "Ãœ": "Ü",
    "Â¿": "¿",
    "Â¡": "¡",
    "Âº": "º",
    "Âª": "ª",
    "Â°": "°",
    "Â\xa0": "\xa0",
}
_MOJIBAKE_RE = re.compile("|".join(re.escape(k) for k in sorted(_MOJIBAKE, key=len, reverse=True)))


def repair_mojibake(text: str) -> str:
    """Undo UTF-8 text decoded as Latin-1/Windows-1252 (Ã³ → ó), leaving correctly decoded text untouched."""
    if "Ã" not in text and "Â" not in text:
        return text
    return _MOJIBAKE_RE.sub(lambda m: _MOJIBAKE[m.group(0)], text)


def collapse(text: str) -> str:
    """Collapse every run of whitespace (including non-breaking spaces) into one space."""
    return " ".join(text.split())


def fold_pattern(pattern: str) -> str:
    """Fold a regular expression written by a person: strip accents, lower-case everything but escapes."""
    out: list[str] = []
    escaped = False
    for char in _MARKS.sub("", unicodedata.normalize("NFD", pattern)):
        out.append(char if escaped else char.lower())
        escaped = char == "\\" and not escaped
    return "".join(out)


class Matcher:
    """A set of folded patterns (an alternation) whose matches must begin at a word start.

    The word-start rule replaces a leading \\b: Python's re can only skip quickly to candidate positions when a
    pattern starts with literal characters, and a leading \\b made page scans ~40 times slower. For the same
    reason each pattern is scanned on its own, and only when the plain substring it cannot match without
    (its required literal) occurs in the text: most patterns are then never scanned at all.
    """

    def __init__(self, parts: tuple[tuple[re.Pattern[str], str | None], ...]) -> None:
        self.parts = parts

    def finditer(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> Iterator[re.Match[str]]:
        """Matches of any pattern, in text order, that start a word (or start with a non-word character)."""
        active = [regex for regex, literal in self.parts if literal is None or literal in text]
        if not active:
            return
        if len(active) == 1:
            found: Iterable[re.Match[str]] = active[0].finditer(text, pos, endpos)
        else:
            found = sorted(
                (m for regex in active for m in regex.finditer(text, pos, endpos)), key=lambda m: (m.start(), -m.end())
            )
        for match in found:
            start = match.start()
            if start == 0 or not text[start - 1].isalnum() or not text[start].isalnum():
                yield match

    def search(self, text: str) -> re.Match[str] | None:
        """The first match, or None."""
        return next(self.finditer(text), None)


# Abbreviations every Mexican municipal site uses ("Plan Mpal. de Desarrollo", "H. Ayto."): a pattern that names
# the word also accepts its abbreviation.
ABBREVIATIONS = {"municipal": "(?:municipal|mpal\\.?)", "ayuntamiento": "(?:ayuntamiento|ayto\\.?)"}
_ABBREVIABLE = re.compile("|".join(ABBREVIATIONS))


def with_abbreviations(pattern: str) -> str:
    """The folded pattern with each abbreviable word also accepting its abbreviation."""
    return _ABBREVIABLE.sub(lambda m: ABBREVIATIONS[m.group(0)], pattern)


def compile_any(patterns: Iterable[str]) -> Matcher | None:
    """Compile folded patterns into one word-start Matcher (None when there are none); raises re.error."""
    folded = [with_abbreviations(fold_pattern(p.removeprefix("\\b"))) for p in patterns]
    # MULTILINE: joined link texts and headings are newline-separated, so ^ and $ anchor one text each.
    parts = tuple((re.compile(p, re.MULTILINE), required_literal(p)) for p in folded)
    return Matcher(parts) if parts else None


def required_literal(pattern: str) -> str | None:
    """The longest run of plain characters every match of pattern must contain (≥ 3 chars), or None.

    Uses the standard library's regex parser; if its private API ever changes, prefiltering is simply off.
    """
    try:
        from re import _constants, _parser  # type: ignore[attr-defined]

        items = list(_parser.parse(pattern))
    except Exception:
        return None
    best, run = "", ""
    for opcode, argument in items:
        if opcode is _constants.LITERAL:
            run += chr(argument)
            continue
        best, run = max(best, run, key=len), ""
    best = max(best, run, key=len)
    return best if len(best) >= 3 else None


def window(original: str, folded: str, start: int, end: int, width: int = SNIPPET_CHARS) -> str:
    """Return a ≤ width snippet around [start, end) taken from the original text when offsets agree."""
    source = original if len(original) == len(folded) else folded
    before = max(0, min(60, (width - (end - start)) // 2))
    left = max(0, start - before)
    right = min(len(source), left + width)
    snippet = ("…" if left > 0 else "") + source[left:right].strip()
    return snippet[:width]


def clip(text: str, width: int = SNIPPET_CHARS) -> str:
    """Shorten text to width characters, marking the cut with an ellipsis."""
    text = collapse(text)
    return text if len(text) <= width else text[: width - 1] + "…"
