"""Municipal norms: Bando Municipal, Gaceta Municipal, Plan de Desarrollo Municipal, their traps and deep copies."""

from __future__ import annotations

from datetime import date

from simulator.draft import SiteDraft
from simulator.model import PageDraft, esc
from simulator.phrasing import format_date
from simulator.variant_forms import BANDO_TITLES

REGLAMENTOS = (
    "Reglamento Interior del Ayuntamiento",
    "Reglamento de Tránsito",
    "Reglamento de Mercados",
    "Reglamento de Protección Civil",
    "Reglamento de Imagen Urbana",
)
NORMS_LABELS = ("Normatividad", "Marco Jurídico", "NORMATIVIDAD", "Reglamentación Municipal")


def norms_page(d: SiteDraft) -> PageDraft:
    """Where norms are listed: a Normatividad section (menu or government page) or the government page itself."""
    if "normatividad" in d.sections:
        return d.sections["normatividad"]
    roll = d.rng.random()
    if roll < 0.3:
        d.sections["normatividad"] = d.sections["gobierno"]
        return d.sections["gobierno"]
    label = d.rng.choice(NORMS_LABELS)
    via = None if roll < 0.7 else d.sections["gobierno"]
    page = d.section("normatividad", "normatividad", f"{label.title()} | {d.nombre}", label, via=via)
    page.add(f"<h2>{esc(label.title())}</h2><p>Disposiciones que rigen la vida del municipio.</p>")
    return page


def bando_year(d: SiteDraft) -> int:
    """The year of the latest Bando the site shows (published every 5 February; stale sites show an old one)."""
    year = d.dates.newest.year if d.dates.dated else d.run_date.year
    if d.dates.dated and d.dates.newest < date(year, 2, 5):
        year -= 1
    return year


def bando_link(d: SiteDraft) -> str:
    """A link to the Bando Municipal PDF, stating its year."""
    year = bando_year(d)
    title = d.rng.choice(
        (f"Bando Municipal {year}", f"BANDO MUNICIPAL {year}", f"Bando Municipal de {d.nombre} {year}")
    )
    regional = d.variants.pick("bando.nombre")
    title = BANDO_TITLES[regional].format(year=year, nombre=d.nombre) if regional else title
    return d.doc_link(f"bando-municipal-{year}", title, when=date(year, 2, 5))


def add_bando(d: SiteDraft, page: PageDraft) -> None:
    """normatividad.bando_municipal on the norms page, as a home banner or in the footer."""
    tag = "normatividad.bando_municipal"
    where = d.rng.choice(("pagina", "pagina", "pagina", "banner", "footer"))
    if where == "banner":
        d.chrome("banners", f"<div class='banner bando'>{bando_link(d)}</div>", tag)
    elif where == "footer":
        d.chrome("footer", f"<p>{bando_link(d)}</p>", tag)
    else:
        page.add(f"<p>{bando_link(d)}</p>", tag)


def gaceta_issues(d: SiteDraft) -> tuple[str, tuple[date, ...]]:
    """Issues of the Gaceta Municipal (PDF), dated on sites that show dates."""
    count = d.rng.randint(3, 8)
    days = d.dates.series(count, lag=45, step=(10, 35))
    items = []
    for n in range(count):
        number = count - n
        when = f" — {format_date(days[n], d.plan.date_style)}" if days else ""
        link = d.doc_link(f"gaceta-{number}", f"Gaceta Municipal No. {number}{when}")
        items.append(f"<li>{link}</li>")
    return f"<h2>Gaceta Municipal</h2><ul class='gacetas'>{''.join(items)}</ul>", tuple(days)


def add_gaceta(d: SiteDraft, page: PageDraft) -> None:
    """normatividad.gaceta_municipal: a page of issues under the norms page or in the menu."""
    tag = "normatividad.gaceta_municipal"
    label = d.rng.choice(("Gaceta Municipal", "GACETA MUNICIPAL", "Gaceta"))
    if d.rng.random() < 0.3:
        target = d.section("gaceta", "gaceta-municipal", f"Gaceta Municipal | {d.nombre}", label, tag)
    else:
        target = d.subpage(page, "gaceta-municipal", f"Gaceta Municipal | {d.nombre}", label, tag)
    fragment, days = gaceta_issues(d)
    target.add(fragment, tag, dates=days)


def plan_link(d: SiteDraft) -> str:
    """A link to the Plan de Desarrollo Municipal PDF."""
    period = d.period()
    title = d.rng.choice(
        (
            f"Plan de Desarrollo Municipal{period}",
            f"PLAN DE DESARROLLO MUNICIPAL{period}",
            f"Plan de Desarrollo Municipal de {d.nombre}{period}",
        )
    )
    return d.doc_link("plan-de-desarrollo-municipal", title)


def add_plan(d: SiteDraft, page: PageDraft) -> None:
    """normatividad.plan_desarrollo on the norms page or as a home banner."""
    tag = "normatividad.plan_desarrollo"
    if d.rng.random() < 0.2:
        d.chrome("banners", f"<div class='banner pdm'>{plan_link(d)}</div>", tag)
    else:
        page.add(f"<p>{plan_link(d)}</p>", tag)


def add_traps(d: SiteDraft, page: PageDraft) -> None:
    """Near misses: the state's development plan, and regulations that are not the Bando."""
    if not d.plan.has("normatividad.plan_desarrollo") and d.rng.random() < 0.35:
        name = d.rng.choice(("Plan Estatal de Desarrollo", "Plan de Desarrollo del Estado de México"))
        page.add(f'<p><a href="https://edomex.gob.mx/" target="_blank">{esc(name)}{esc(d.period(2023, 2029))}</a></p>')
    if not d.plan.has("normatividad.bando_municipal") and d.rng.random() < 0.4:
        items = "".join(f"<li>{d.doc_link(r.lower(), r)}</li>" for r in d.rng.sample(REGLAMENTOS, 3))
        page.add(f"<h3>Reglamentos municipales</h3><ul>{items}</ul>")


def add_deep(d: SiteDraft, feature: str) -> None:
    """A feature published only three clicks from the home, behind neutral links: out of the crawl's reach."""
    docs = d.subpage(d.sections["gobierno"], "documentos", f"Documentos | {d.nombre}", "Documentos")
    docs.add("<h2>Documentos de consulta</h2><p>Archivo documental del Ayuntamiento.</p>")
    deep = d.deep_page(
        docs,
        "archivo-documental",
        f"Archivo | {d.nombre}",
        d.rng.choice(("Ver archivo", "Consultar", "Más documentos")),
    )
    if feature == "normatividad.gaceta_municipal":
        fragment, days = gaceta_issues(d)
        deep.add(fragment, feature, dates=days)
    elif feature == "normatividad.plan_desarrollo":
        deep.add(f"<p>{plan_link(d)}</p>", feature)
    else:
        deep.add(f"<p>{bando_link(d)}</p>", feature)


def build_norms(d: SiteDraft) -> None:
    """Bando, Gaceta and Plan where the plan says so, plus traps and the deep copy."""
    wanted = [
        c
        for c in ("normatividad.bando_municipal", "normatividad.gaceta_municipal", "normatividad.plan_desarrollo")
        if d.plan.has(c)
    ]
    if d.plan.deep:
        add_deep(d, d.plan.deep)
    if not wanted and d.rng.random() < 0.5:
        return
    page = norms_page(d)
    for check, add in (
        ("normatividad.bando_municipal", add_bando),
        ("normatividad.gaceta_municipal", add_gaceta),
        ("normatividad.plan_desarrollo", add_plan),
    ):
        if check in wanted:
            add(d, page)
    add_traps(d, page)
