"""Fault matrix, fuzz: random and mutated HTML fed to the check engine never raises, never yields an unknown status
or an evidence snippet over 200 characters, and each page takes bounded time."""

from __future__ import annotations

import functools
import re
import time
from datetime import date

from hypothesis import HealthCheck, given, settings, target
from hypothesis import strategies as st
from hypothesis.control import currently_in_test_context

from checks.catalogue import load_catalogue
from checks.engine import SiteEvaluator
from checks.model import EVIDENCE_MAX_CHARS, STATUSES, CheckResult, CrawlOutcome
from tests.conftest import SHARED

RUN_DATE = date(2026, 11, 24)
CATALOGUE = load_catalogue()
HOME = "https://www.municipio.gob.mx/"
# Generous for a loaded CI runner: a real page takes milliseconds.
PAGE_SECONDS = 5.0
FUZZ = settings(
    deadline=None,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

TAGS = [
    "html",
    "head",
    "body",
    "title",
    "meta",
    "base",
    "a",
    "p",
    "div",
    "span",
    "script",
    "style",
    "noscript",
    "form",
    "input",
    "button",
    "textarea",
    "select",
    "iframe",
    "frame",
    "table",
    "tr",
    "td",
    "ul",
    "li",
    "h1",
    "img",
    "svg",
    "math",
    "template",
    "footer",
    "nav",
    "header",
    "object",
]
ATTRS = [
    "href",
    "src",
    "action",
    "content",
    "http-equiv",
    "charset",
    "name",
    "type",
    "id",
    "class",
    "style",
    "onclick",
    "onerror",
    "rel",
    "title",
    "value",
    "lang",
    "data-x",
]
HOSTILE = [
    "<script>alert(1)</script>",
    "javascript:alert(1)",
    '"><img src=x onerror=alert(1)>',
    "{{7*7}}",
    "\x00",
    "\ufffd",
    "&#0;",
    "&#x110000;",
    "&",
    "<!--",
    "-->",
    "<![CDATA[",
    "]]>",
    "</",
    "<a",
    "\u202e",
    "\r\n",
    "Tel. (722) 275 13 00",
    "transparencia@municipio.gob.mx",
    "Aviso de privacidad",
    "IPOMEX",
    "SAIMEX",
    "https://www.facebook.com/municipio",
    "https://wa.me/527221234567",
    "0;url=javascript:alert(1)",
    "Ã¡rea de transparencia",
    "Bando Municipal 2026.pdf",
    "mailto:a@b.mx",
    "tel:+527222751300",
]
ENCODINGS = ["utf-8", "latin-1", "cp1252", "utf-16", "shift_jis", "koi8-r"]

odd_text = st.tuples(st.binary(max_size=80), st.sampled_from(ENCODINGS)).map(
    lambda pair: pair[0].decode(pair[1], errors="replace")
)
text = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=40), odd_text)
huge = st.sampled_from([1_000, 50_000, 300_000]).flatmap(
    lambda n: st.sampled_from(["x", "\"'<", "é"]).map(lambda ch: ch * n)
)
attributes = st.dictionaries(st.sampled_from(ATTRS), st.one_of(text, huge), max_size=3)


def tag(name: str, attrs: dict[str, str], children: list[str], quote: str, closed: bool) -> str:
    """One element with raw (unescaped, possibly broken) attribute values and children."""
    rendered = "".join(f" {key}={quote}{value}{quote}" for key, value in attrs.items())
    return f"<{name}{rendered}>{''.join(children)}{f'</{name}>' if closed else ''}"


nodes = st.recursive(
    text,
    lambda kids: st.builds(
        tag,
        st.sampled_from(TAGS),
        attributes,
        st.lists(kids, max_size=4),
        st.sampled_from(['"', "'", ""]),
        st.booleans(),
    ),
    max_leaves=25,
)
deep = st.tuples(st.integers(1, 5_000), st.sampled_from(["div", "span", "table", "a", "b"])).map(
    lambda pair: f"<{pair[1]}>" * pair[0] + "Tel. (722) 275 13 00" + f"</{pair[1]}>" * (pair[0] // 2)
)
documents = st.one_of(nodes, deep, st.builds("<html><head>{}</head><body>{}</body></html>".format, nodes, nodes))
outcomes = st.sampled_from(
    [
        CrawlOutcome(HOME, HOME, pages_ok=3, https_valid=True),
        CrawlOutcome(HOME, HOME, pages_ok=1, pages_failed=5, truncated=True),
        CrawlOutcome(HOME, None, failure="timeout", server_answered=True),
        CrawlOutcome(HOME, None, failure="connect", network_suspect=True),
    ]
)


@functools.cache
def corpus_pages() -> list[tuple[str, bytes]]:
    """Real pages of ../shared/corpus, or the simulated farm's pages when it is absent."""
    root = SHARED / "corpus"
    if root.is_dir():
        return [(HOME + p.relative_to(root).as_posix(), p.read_bytes()) for p in sorted(root.rglob("*.htm*"))]
    from simulator import build_world

    sites = build_world(seed=2026, run_date=RUN_DATE).sites[:12]
    return [
        (HOME + path.lstrip("/"), r.body)
        for s in sites
        for path, r in s.resources.items()
        if (r.content_type or "").startswith("text/html")
    ]


def _mutate(data: bytearray, draw: st.DrawFn) -> bytearray:
    """One byte flip, truncation, tag deletion, duplication or payload insertion."""
    where = draw(st.integers(0, max(len(data) - 1, 0)))
    operation = draw(st.sampled_from(["flip", "truncate", "delete_tag", "duplicate", "insert"]))
    if operation == "flip" and data:
        data[where] ^= 1 << draw(st.integers(0, 7))
    elif operation == "truncate":
        del data[where:]
    elif operation == "delete_tag":
        spans = [m.span() for m in re.finditer(rb"<[^<>]{1,300}>", data)]
        if spans:
            start, end = draw(st.sampled_from(spans))
            del data[start:end]
    elif operation == "duplicate":
        length = draw(st.integers(1, 5_000))
        data[where:where] = data[where : where + length] * draw(st.integers(1, 20))
    else:
        data[where:where] = draw(st.sampled_from(HOSTILE)).encode("utf-8")
    return data


@st.composite
def mutated(draw: st.DrawFn) -> tuple[str, str]:
    """A real page after a few mutations, decoded as a crawler would (bad bytes replaced)."""
    url, body = draw(st.sampled_from(corpus_pages()))
    data = bytearray(body)
    for _ in range(draw(st.integers(1, 5))):
        data = _mutate(data, draw)
    return url, bytes(data).decode(draw(st.sampled_from(["utf-8", "cp1252", "latin-1"])), errors="replace")


def evaluate(pages: list[tuple[str, str]], outcome: CrawlOutcome, municipality: str | None) -> list[CheckResult]:
    """Feed the pages (the first is the home page) and check every invariant of the results."""
    evaluator = SiteEvaluator(CATALOGUE, RUN_DATE, municipality)
    kinds = set()
    for depth, (url, html) in enumerate(pages):
        start = time.perf_counter()
        kinds.add(evaluator.add_page(url, html, min(depth, 2)).kind)
        assert time.perf_counter() - start < PAGE_SECONDS, f"{url}: {time.perf_counter() - start:.1f} s"
    results = evaluator.finish(outcome)
    assert [r.check_id for r in results] == [spec.id for spec in CATALOGUE.site_checks()]
    for result in results:
        assert result.status in STATUSES
        assert result.evidence is None or len(result.evidence.text) <= EVIDENCE_MAX_CHARS
    if currently_in_test_context():
        # Guide the search toward pages that satisfy more checks and reach more page classifications.
        target(float(sum(r.status == "cumple" for r in results)), label="cumple")
        target(float(len(kinds)), label="clases de página")
    return results


@settings(FUZZ, max_examples=150)
@given(
    home=documents,
    others=st.lists(documents, max_size=3),
    outcome=outcomes,
    municipality=st.sampled_from([None, "Metepec", "Vicente Guerrero"]),
)
def test_random_html_never_breaks_the_checks(
    home: str, others: list[str], outcome: CrawlOutcome, municipality: str | None
) -> None:
    pages = [(HOME, home), *((f"{HOME}p{i}", html) for i, html in enumerate(others))]
    evaluate(pages, outcome, municipality)


@settings(FUZZ, max_examples=150)
@given(pages=st.lists(mutated(), min_size=1, max_size=4), outcome=outcomes)
def test_mutated_real_pages_never_break_the_checks(pages: list[tuple[str, str]], outcome: CrawlOutcome) -> None:
    evaluate(pages, outcome, "Vicente Guerrero")


def test_corpus_is_not_empty() -> None:
    # An empty page list would make the mutation fuzz vacuous.
    assert corpus_pages()


def test_control_characters_beside_dropped_elements_do_not_raise() -> None:
    # Found by this fuzz: a form feed or vertical tab next to a script or a dead link made lxml raise ValueError.
    html = "<p>a\x0cb<script>1</script>c\x0bd</p><a href='javascript:x'>y</a>z\x01"
    evaluate([(HOME, html)], CrawlOutcome(HOME, HOME, pages_ok=1), None)
