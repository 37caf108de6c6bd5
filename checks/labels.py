"""Auditor labels of a corpus of real sites (one folder per site), validated against the check catalogue.

Format (../shared/corpus/labels.yaml): ``sites: {<folder>: {<check id>: {status: …, reason?, file?, evidence?}}}``
plus free ``sources:`` metadata. Every error names the file, the line and the field.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml

from checks.catalogue import Catalogue, load_catalogue
from core.errors import VigiaError

LABEL_STATUSES = ("cumple", "no_cumple", "ambiguo", "skip")
# Only these labels are scored; ambiguo (arguable either way) and skip (depends on live serving) are not.
SCORED = ("cumple", "no_cumple")


class LabelsError(VigiaError):
    """A labels file is unreadable or invalid; the message names file, line and field."""

    exit_code = 2

    def __init__(self, path: Path, line: int | None, field: str | None, problem: str) -> None:
        self.path, self.line, self.field, self.problem = path, line, field, problem
        where = str(path) if line is None else f"{path}, línea {line}"
        if field:
            where += f", campo {field}"
        super().__init__(f"{where}: {problem}")


@dataclass(frozen=True)
class Label:
    """One auditor label: the site folder, the check and the auditor's status."""

    site: str
    check_id: str
    status: str
    line: int

    @property
    def scored(self) -> bool:
        """Whether this label counts in the measurement (cumple or no_cumple)."""
        return self.status in SCORED


@dataclass(frozen=True)
class Labels:
    """A validated labels file: the corpus folder and every site's labels in file order."""

    path: Path
    corpus: Path
    sites: dict[str, tuple[Label, ...]]

    def all(self) -> Iterator[Label]:
        """Every label, site by site."""
        for labels in self.sites.values():
            yield from labels

    def scored(self) -> list[Label]:
        """The labels that count (cumple or no_cumple)."""
        return [label for label in self.all() if label.scored]


def load_labels(path: Path, corpus: Path | None = None, catalogue: Catalogue | None = None) -> Labels:
    """Read and validate a labels file; site folders live in corpus (by default, the file's folder)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise LabelsError(path, None, None, f"no se pudo leer el archivo ({exc})") from exc
    root = _compose(path, text)
    return _LabelsParser(path, corpus or path.parent, catalogue or load_catalogue()).parse(root)


def _compose(path: Path, text: str) -> yaml.Node | None:
    """The YAML node tree (it keeps line numbers); invalid YAML raises LabelsError with its line."""
    try:
        return yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or exc
        raise LabelsError(path, line, None, f"YAML ilegible ({problem}); revise la sangría y las comillas") from None


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


class _LabelsParser:
    """Walk the node tree (not the loaded data) so that every error can name its line."""

    def __init__(self, path: Path, corpus: Path, catalogue: Catalogue) -> None:
        self.path, self.corpus = path, corpus
        self.check_ids = [spec.id for spec in catalogue.site_checks()]

    def fail(self, node: yaml.Node | None, field: str | None, problem: str) -> LabelsError:
        return LabelsError(self.path, _line(node) if node is not None else None, field, problem)

    def mapping(self, node: yaml.Node | None, field: str, what: str) -> list[tuple[yaml.Node, yaml.Node]]:
        if not isinstance(node, yaml.MappingNode):
            raise self.fail(node, field, f"se esperaba un diccionario ({what})")
        return list(node.value)

    def parse(self, root: yaml.Node | None) -> Labels:
        top = dict((key.value, value) for key, value in self.mapping(root, "sites", "con la clave «sites»"))
        if "sites" not in top:
            raise self.fail(root, "sites", "falta la clave «sites» con las etiquetas de cada sitio")
        sites: dict[str, tuple[Label, ...]] = {}
        for key, value in self.mapping(top["sites"], "sites", "carpeta del sitio: sus etiquetas"):
            site = str(key.value)
            if not (self.corpus / site).is_dir():
                raise self.fail(key, "sitio", f"no existe la carpeta «{self.corpus / site}» del sitio «{site}»")
            sites[site] = tuple(self.site(site, value))
        return Labels(self.path, self.corpus, sites)

    def site(self, site: str, node: yaml.Node) -> Iterator[Label]:
        for key, value in self.mapping(node, site, f"verificación: etiqueta, en el sitio «{site}»"):
            check_id = str(key.value)
            if check_id not in self.check_ids:
                raise self.fail(
                    key,
                    "verificación",
                    f"verificación desconocida «{check_id}» en el sitio «{site}»; "
                    "no está entre las verificaciones del sitio del catálogo (config/checks.yaml)",
                )
            yield Label(site, check_id, self.status(check_id, key, value), _line(key))

    def status(self, check_id: str, key: yaml.Node, node: yaml.Node) -> str:
        fields = dict((k.value, value) for k, value in self.mapping(node, check_id, "con «status»"))
        found = fields.get("status")
        if found is None:
            raise self.fail(key, "status", f"falta el estado de «{check_id}»")
        value = found.value if isinstance(found, yaml.ScalarNode) else None
        if value not in LABEL_STATUSES:
            shown = value if value is not None else "(no es texto)"
            raise self.fail(
                found, "status", f"estado desconocido «{shown}»; se esperaba cumple, no_cumple, ambiguo o skip"
            )
        return str(value)
