"""A two-site labelled corpus built in tmp_path, designed so that the measurement has one false accusation, one
false credit and two indeterminado verdicts (shared by the measurement and the `vigia precision` tests)."""

from __future__ import annotations

from pathlib import Path

HEAD = '<!doctype html><html lang="es"><head><meta charset="utf-8"><title>{0}</title></head><body><h1>{0}</h1>'
BLURB = "<p>Bienvenidos al portal del municipio: información de la administración municipal y sus programas.</p>"
# Site a shows a 10-digit phone and an e-mail address; site b shows neither.
PAGES = {
    "a": HEAD.format("H. Ayuntamiento A") + BLURB + "<p>Tel. (722) 275 13 00 · contacto@municipio-a.gob.mx</p>",
    "b": HEAD.format("H. Ayuntamiento B") + BLURB,
}
# We say (a) telefono cumple, correo cumple, actualizacion indeterminado; (b) telefono no_cumple, correo no_cumple,
# actualizacion indeterminado. So: b telefono is a false accusation, a correo a false credit, and both
# actualizacion labels are indeterminado (coverage 0); ambiguo and skip labels are not scored.
LABELS = """\
sources:
- slug: a
  name: Municipio A (sintético)
sites:
  a:
    canal.telefono:
      status: cumple
    canal.correo:
      status: no_cumple
    sitio.actualizacion_reciente:
      status: cumple
    canal.chat:
      status: ambiguo
    sitio.https:
      status: skip
  b:
    canal.telefono:
      status: cumple
    canal.correo:
      status: no_cumple
    sitio.actualizacion_reciente:
      status: no_cumple
"""


def build_corpus(root: Path) -> Path:
    """Write the two sites and labels.yaml under root; return root."""
    for site, html in PAGES.items():
        (root / site).mkdir(parents=True)
        (root / site / "index.html").write_text(html + "</body></html>\n", encoding="utf-8")
    (root / "labels.yaml").write_text(LABELS, encoding="utf-8")
    return root
