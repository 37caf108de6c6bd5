"""The constancia as a PDF (fpdf2 with the system's DejaVu fonts), shared by `vigia constancia` and the dashboard.

Deterministic: the document's creation date is the run's finish time and its /ID derives from its content, so the
same constancia renders to the same bytes; nothing in it reads the clock or a random source.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from fpdf import FPDF

from checks.model import status_text
from checks.reasons import reason_text
from core.clock import ZONE_NAME, machine_date, people_date, people_datetime
from core.errors import VigiaError
from storage.constancia import Constancia, Verdict
from storage.constancia_reads import ArchivedCopy, Review
from web.views import SCORE_LABELS

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONT_PACKAGE = "fonts-dejavu-core"
FONTS = {("DejaVu", ""): "DejaVuSans.ttf", ("DejaVu", "B"): "DejaVuSans-Bold.ttf", ("Mono", ""): "DejaVuSansMono.ttf"}
LINE = 5.0
# Room a verdict usually takes (mm): one that would not fit starts on the next page.
VERDICT_HEIGHT = 50.0
RUN_KIND_TEXT = {"crawl": "rastreo", "demo": "demostración"}
SOURCE_TEXT = {"sitio": "sitio del municipio", "ipomex3": "IPOMEX 3", "ipomex4": "IPOMEX 4", "ipomex": "IPOMEX"}
VERIFY_TEXT = (
    "Cada «SHA-256 de la copia archivada» es la huella SHA-256 del contenido de la página tal como el portal la "
    "entregó esa noche (el cuerpo de la respuesta HTTP), guardado en un registro WARC (norma ISO 28500) del archivo "
    "de evidencia de Vigía, en el archivo y la posición indicados. Quien tenga ese archivo puede extraer el registro "
    "y calcular su SHA-256 (p. ej. con sha256sum): si coincide, la copia es la página que se leyó. Una «revisita» "
    "indica que la página no cambió desde una copia anterior, cuya huella es la misma.",
    "El manifiesto de cada corrida completa resume sus resultados y las huellas de los registros WARC que usó, e "
    "incluye el hash del manifiesto de la corrida completa anterior: forman una cadena. Cambiar un resultado o una "
    "copia archivada cambia el hash de su manifiesto y el de todos los que le siguen.",
    "`vigia evidencia verificar` recalcula la cadena y la huella de cada registro archivado y dice, en español, qué "
    "corrida o registro ya no coincide; `--desde AAAA-MM-DD` limita la revisión a las corridas desde esa fecha.",
    "La cabeza de la cadena se imprime al final de cada corrida y en el correo de resumen, así que existe una copia "
    "fuera de la base de datos: compare con ella el hash de manifiesto que cita esta constancia.",
    "Los puntajes son los que Vigía guardó al cerrar la corrida; no se recalculan al emitir la constancia.",
)


class MissingFontError(VigiaError):
    """The system font the PDF needs is not installed (a setup problem: exit code 2)."""

    exit_code = 2


def constancia_filename(cve: str, day: date) -> str:
    """The constancia's file name: only digits, letters and dashes, safe for any file system and header."""
    return f"constancia-{cve}-{machine_date(day)}.pdf"


class _Document(FPDF):
    """A page with a footer naming the constancia and the page number."""

    footer_text = ""

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("DejaVu", "", 7)
        self.cell(0, 4, f"{self.footer_text} · página {self.page_no()} de {{nb}}", align="C")


def render_constancia(c: Constancia, font_dir: Path = FONT_DIR) -> bytes:
    """The constancia as PDF bytes; MissingFontError (Spanish, naming the package) without the DejaVu fonts."""
    pdf = _document(c, font_dir)
    _title(pdf, c)
    _municipality(pdf, c)
    _run(pdf, c)
    _scores(pdf, c)
    _verdicts(pdf, c)
    _chain(pdf, c)
    _how_to_verify(pdf, c)
    return bytes(pdf.output())


def _document(c: Constancia, font_dir: Path) -> _Document:
    pdf = _Document(format="Letter")
    for (family, style), name in FONTS.items():
        path = font_dir / name
        if not path.is_file():
            raise MissingFontError(
                f"No se encontró el tipo de letra {path}, necesario para la constancia en PDF. Instale el paquete "
                f"del sistema {FONT_PACKAGE} (sudo apt-get install {FONT_PACKAGE}) o ejecute ./bootstrap.sh setup."
            )
        pdf.add_font(family, style, str(path))
    # Same constancia, same bytes: the creation date is the run's, never the moment of rendering.
    pdf.set_creation_date(c.run_finished_at)
    pdf.set_title(f"Constancia de {c.municipio.nombre} al {people_date(c.day)}")
    pdf.set_author("Vigía")
    pdf.set_creator("Vigía")
    pdf.set_lang("es-MX")
    pdf.footer_text = f"Constancia de {c.municipio.nombre} ({c.municipio.cve_inegi}) al {people_date(c.day)}"
    pdf.set_auto_page_break(True, margin=16)
    pdf.add_page()
    return pdf


def _heading(pdf: FPDF, text: str, size: int = 12) -> None:
    pdf.ln(2)
    pdf.set_font("DejaVu", "B", size)
    pdf.multi_cell(0, LINE + 1, text, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)


def _para(pdf: FPDF, text: str, size: int = 9) -> None:
    pdf.set_font("DejaVu", "", size)
    pdf.multi_cell(0, LINE, _clean(text), new_x="LMARGIN", new_y="NEXT")


def _field(pdf: FPDF, label: str, value: str, mono: bool = False) -> None:
    pdf.set_font("DejaVu", "B", 9)
    label_width = pdf.get_string_width(f"{label}: ")
    pdf.write(LINE, f"{label}: ")
    pdf.set_font("Mono", "", 8) if mono else pdf.set_font("DejaVu", "", 9)
    if mono and label_width + pdf.get_string_width(value) > pdf.epw:
        # A hash or URL that does not fit after its label gets a line of its own rather than a break inside it.
        pdf.ln(LINE)
    pdf.write(LINE, _clean(value))
    pdf.ln(LINE)


def _clean(text: str) -> str:
    """Text without control characters (a snippet may carry them), which no font can draw."""
    return "".join(ch if ch.isprintable() or ch == "\n" else " " for ch in text)


def _title(pdf: FPDF, c: Constancia) -> None:
    _heading(pdf, "Constancia de verificación de transparencia municipal", 15)
    _para(
        pdf,
        f"Vigía hace constar lo que leyó en los portales de transparencia de {c.municipio.nombre}, Estado de México, "
        f"en la última corrida completa terminada a más tardar el {people_date(c.day)} (fin del día, {ZONE_NAME}).",
        10,
    )


def _municipality(pdf: FPDF, c: Constancia) -> None:
    m = c.municipio
    _heading(pdf, "Municipio")
    _field(pdf, "Nombre", f"{m.nombre} (cabecera: {m.cabecera})")
    _field(pdf, "Clave INEGI", m.cve_inegi)
    _field(pdf, "Población (Censo 2020)", f"{m.poblacion_2020:,}".replace(",", " "))
    index = "s/d" if m.conapo_im_2020 is None else f"{m.conapo_im_2020:.3f}"
    _field(pdf, "Marginación CONAPO 2020", f"grado {m.conapo_gm_2020 or 's/d'}, índice {index}")
    _field(pdf, "Región", m.region or "s/d")
    _field(pdf, "Sitio oficial", m.sitio_web or "desconocido", mono=bool(m.sitio_web))


def _run(pdf: FPDF, c: Constancia) -> None:
    _heading(pdf, "Corrida usada")
    _field(pdf, "Corrida", f"{c.run_id} ({RUN_KIND_TEXT.get(c.run_kind, c.run_kind)}, completa)")
    _field(pdf, "Inicio", people_datetime(c.run_started_at, zone=True))
    _field(pdf, "Fin", people_datetime(c.run_finished_at, zone=True))
    _field(pdf, "Fecha de corte pedida", people_date(c.day))
    _field(pdf, "Versión del catálogo de verificaciones", c.catalogue_version or "sin registro")


def _scores(pdf: FPDF, c: Constancia) -> None:
    _heading(pdf, "Puntaje por área (guardado al cerrar la corrida)")
    pdf.set_font("DejaVu", "", 9)
    with pdf.table(col_widths=(50, 22, 22, 22, 28, 22), text_align="CENTER", line_height=LINE) as table:
        table.row(("Área", "Puntaje", "Cumple", "No cumple", "Indeterminado", "No aplica"))
        for key, label in SCORE_LABELS.items():
            score = c.scores.get(key)
            if score is None:
                table.row((label, "s/d", "—", "—", "—", "—"))
                continue
            value = "s/d" if score.score is None else f"{score.score:.1f}"
            counts = (score.cumple, score.no_cumple, score.indeterminado, score.no_aplica)
            table.row((label, value, *(str(n) for n in counts)))
    _para(pdf, "s/d: sin dato definitivo. Puntaje: % de verificaciones que cumplen entre las definitivas.", 8)


def _verdicts(pdf: FPDF, c: Constancia) -> None:
    _heading(pdf, f"Verificaciones ({len(c.verdicts)})")
    for number, verdict in enumerate(c.verdicts, start=1):
        _verdict(pdf, number, verdict, c.run_id)


def _verdict(pdf: FPDF, number: int, v: Verdict, run_id: int) -> None:
    if pdf.will_page_break(VERDICT_HEIGHT):
        pdf.add_page()  # a verdict's title stays with its evidence
    pdf.set_font("DejaVu", "B", 10)
    pdf.multi_cell(0, LINE + 0.5, _clean(f"{number}. {v.label}"), new_x="LMARGIN", new_y="NEXT")
    _field(pdf, "Verificación", f"{v.check_id} ({SOURCE_TEXT.get(v.source, v.source)})", mono=True)
    _field(pdf, "Resultado de Vigía", status_text(v.status))
    if v.reason:
        _field(pdf, "Motivo", reason_text(v.reason))
    if v.detail:
        _field(pdf, "Detalle", v.detail)
    _field(pdf, "Evidencia (URL)", v.evidence_url or "sin URL de evidencia", mono=bool(v.evidence_url))
    if v.evidence_text:
        _field(pdf, "Fragmento", f"«{v.evidence_text}»")
    # Without an archived copy, a site verdict only has the time its results were recorded.
    when = "Hora de captura" if v.copy is not None or v.source != "sitio" else "Hora de registro del resultado"
    _field(pdf, when, people_datetime(v.captured_at, absent="sin registro"))
    _copy_fields(pdf, v.copy, v.screenshot)
    _field(pdf, "Revisión", review_text(v.review, run_id))
    pdf.ln(2)


def _copy_fields(pdf: FPDF, copy: ArchivedCopy | None, screenshot: ArchivedCopy | None) -> None:
    if copy is None:
        _field(pdf, "Copia archivada", "sin copia archivada")
    else:
        _field(pdf, "SHA-256 de la copia archivada", copy.sha256, mono=True)
        _field(pdf, "Registro WARC", f"{copy.warc_file}, posición {copy.offset}", mono=True)
        if copy.record_type == "revisit":
            since = people_datetime(copy.payload_captured_at, absent="una corrida anterior")
            origin = f"corrida {copy.payload_run_id}, {since}" if copy.payload_run_id else since
            _para(pdf, f"Revisita: la página no cambió desde la copia archivada en la {origin}.", 8)
    if screenshot is not None:
        _field(pdf, "SHA-256 de la captura de pantalla (PNG)", screenshot.sha256, mono=True)


def review_text(review: Review | None, run_id: int) -> str:
    """The review in force in words: «confirmado por X el …», «corregido a … por X: motivo» or «sin revisión»."""
    if review is None:
        return "sin revisión"
    when = people_datetime(review.at)
    if review.action == "confirmar":
        text = f"confirmado por {review.auditor} el {when}"
    else:
        text = f"corregido a «{status_text(review.status_after)}» por {review.auditor} el {when}: {review.reason}"
    if review.run_id != run_id:
        text += f" (revisión de la corrida {review.run_id}, sobre la misma evidencia archivada)"
    return text


def _chain(pdf: FPDF, c: Constancia) -> None:
    _heading(pdf, "Cadena de manifiestos")
    if c.run_link is None:
        _field(pdf, f"Manifiesto de la corrida {c.run_id}", "sin manifiesto")
        _para(pdf, "La corrida es anterior a la cadena de manifiestos: sus resultados no quedaron encadenados.", 8)
    else:
        _field(pdf, f"Hash del manifiesto de la corrida {c.run_id}", c.run_link.manifest_hash, mono=True)
    if c.head is not None:
        _field(pdf, "Cabeza de la cadena al emitir", c.head.manifest_hash, mono=True)
        _para(pdf, f"Manifiesto de la corrida {c.head.run_id}, escrito el {people_datetime(c.head.created_at)}.", 8)
        if c.run_link is not None:
            _para(pdf, "Cada manifiesto incluye el hash del anterior: esa cabeza abarca también esta corrida.", 8)


def _how_to_verify(pdf: FPDF, c: Constancia) -> None:
    _heading(pdf, "Cómo verificar")
    for number, text in enumerate(VERIFY_TEXT, start=1):
        _para(pdf, f"{number}. {text}")
    day, cve = machine_date(c.day), c.municipio.cve_inegi
    _para(
        pdf,
        f"{len(VERIFY_TEXT) + 1}. Esta constancia se reproduce con `vigia constancia --municipio {cve} --fecha {day}` "
        f"o desde el tablero (/municipio/{cve}/constancia?fecha={day}): la misma base de datos y la misma fecha "
        "dan el mismo documento.",
    )
