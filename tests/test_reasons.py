"""Every reason code the code base can produce is classified once: read, or not read this night (checks.reasons)."""

from __future__ import annotations

import ast
import dataclasses
import importlib
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from checks import ipomex_eval
from checks.classify import REASONS as PAGE_REASONS
from checks.ipomex_model import IpomexCapture
from checks.model import CheckResult, CrawlOutcome, SourceReport
from checks.reasons import CLASSIFIED, NOT_READ, READ, is_read
from crawler import completeness, failures
from tests.test_layers import ROOT

# Packages whose code produces results, site outcomes and IPOMEX captures.
PRODUCERS = ("checks", "crawler", "spiders", "storage", "core", "config")
CODE = re.compile(r"^[a-z][a-z0-9_]*$")
STATUSES = {"cumple", "no_cumple", "indeterminado", "no_aplica"}
NAMED = {"reason", "failure"}
# Value types whose positional arguments include a reason or failure: (class name → index of that field).
CARRIERS = {
    cls.__name__: [i for i, f in enumerate(dataclasses.fields(cls)) if f.name in NAMED]
    for cls in (CheckResult, CrawlOutcome, SourceReport, IpomexCapture)
}


def _files() -> Iterator[Path]:
    for package in PRODUCERS:
        yield from sorted((ROOT / package).rglob("*.py"))


def _strings(node: ast.AST | None, constants: dict[str, set[str]]) -> set[str]:
    """Code-like string constants in an expression (through conditionals and boolean operators), and the values of
    module constants it names."""
    if node is None:
        return set()
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and CODE.match(node.value):
        return {node.value} - STATUSES
    if isinstance(node, ast.Name):
        return {value for value in constants.get(node.id, set()) if CODE.match(value)}
    if isinstance(node, ast.IfExp):
        return _strings(node.body, constants) | _strings(node.orelse, constants)
    if isinstance(node, ast.BoolOp):
        return set().union(*(_strings(value, constants) for value in node.values))
    return set()


def _constants(trees: list[ast.Module]) -> dict[str, set[str]]:
    """Module-level UPPER_CASE = "code" constants of every file (a name defined twice keeps both values)."""
    found: dict[str, set[str]] = {}
    for tree in trees:
        for node in tree.body:
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant):
                for target in node.targets:
                    if isinstance(target, ast.Name) and target.id.isupper() and isinstance(node.value.value, str):
                        found.setdefault(target.id, set()).add(node.value.value)
    return found


def _target_name(target: ast.AST) -> str | None:
    if isinstance(target, ast.Name):
        return target.id
    return target.attr if isinstance(target, ast.Attribute) else None


def _assigned(node: ast.Assign, constants: dict[str, set[str]]) -> set[str]:
    """reason = …, capture.failure = …, and `capture.failure, capture.failure_detail = "code", "…"`."""
    found: set[str] = set()
    for target in node.targets:
        if _target_name(target) in NAMED:
            found |= _strings(node.value, constants)
        elif isinstance(target, ast.Tuple) and isinstance(node.value, ast.Tuple):
            for element, value in zip(target.elts, node.value.elts, strict=False):
                if _target_name(element) in NAMED:
                    found |= _strings(value, constants)
    return found


def _called(node: ast.Call, constants: dict[str, set[str]]) -> set[str]:
    """reason=/failure= keywords, the codes given to a check's .result(…), and a carrier's positional fields."""
    found = set().union(*(_strings(k.value, constants) for k in node.keywords if k.arg in NAMED))
    name = _target_name(node.func)
    if name == "result":
        found |= set().union(*(_strings(arg, constants) for arg in node.args))
    for index in CARRIERS.get(name or "", []):
        found |= _strings(node.args[index], constants) if index < len(node.args) else set()
    return found


def _returned(function: ast.FunctionDef, constants: dict[str, set[str]]) -> set[str]:
    """What a function named like «…reason…» returns."""
    if "reason" not in function.name:
        return set()
    returns = [node for node in ast.walk(function) if isinstance(node, ast.Return)]
    return set().union(*(_strings(node.value, constants) for node in returns))


def produced_reasons() -> set[str]:
    """Every reason and failure code written as a literal (or a module constant) where one is produced."""
    trees = [ast.parse(path.read_text(encoding="utf-8")) for path in _files()]
    constants = _constants(trees)
    found: set[str] = set()
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign):
                found |= _assigned(node, constants)
            elif isinstance(node, ast.Call):
                found |= _called(node, constants)
            elif isinstance(node, ast.FunctionDef):
                found |= _returned(node, constants)
    return found


def registered_reasons() -> set[str]:
    """The codes of the registries that explain reasons to users."""
    return (
        set(failures.DETAILS)
        | {reason for _, reason in failures.SCRAPY_REASONS}
        | set(ipomex_eval.CAPTURE_FAILURES)
        | set(PAGE_REASONS.values())
        | set(completeness.NOT_DEFINITIVE)
    )


def test_the_scan_finds_reasons_of_every_kind() -> None:
    # Literal keywords, .result() codes, constants, tuple assignments, conditionals, carriers and reason functions.
    found = produced_reasons()
    expected = {"crawl_incomplete", "revisar", "sin_red", "network_suspect", "no_browser", "stale", "interrupted"}
    expected |= {"no_https", "robots_unavailable", "error", "no_ipomex", "timeout", "page_error"}
    assert expected <= found


def test_every_reason_the_code_base_produces_is_classified() -> None:
    unknown = (produced_reasons() | registered_reasons()) - CLASSIFIED
    assert not unknown, f"clasifique estos motivos en checks/reasons.py (leído o no leído): {sorted(unknown)}"


def test_a_reason_is_read_or_not_read_never_both() -> None:
    assert not READ & NOT_READ


def test_what_makes_a_run_partial_is_never_read() -> None:
    # A stage without a definitive attempt cannot be something the portal showed.
    assert completeness.NOT_DEFINITIVE <= NOT_READ


@pytest.mark.parametrize(
    ("status", "reason", "read"),
    [
        ("indeterminado", "ipomex_sin_tiempo", False),
        ("indeterminado", "sin_red", False),
        ("indeterminado", "timeout", False),
        ("indeterminado", "captcha", True),
        ("indeterminado", "no_dates", True),
        ("indeterminado", None, True),
        # A verdict is always something read, whatever reason explains it (a site that never answered is down).
        ("no_cumple", "timeout", True),
        ("cumple", None, True),
        ("no_aplica", None, True),
    ],
)
def test_is_read(status: str, reason: str | None, read: bool) -> None:
    assert is_read(status, reason) is read


def test_the_change_log_migration_froze_the_same_list() -> None:
    # Changing the list changes which results are changes: it needs a migration that rebuilds result_changes
    # (as 0007, 0009 and 0011 do); point this test at that migration.
    migration = importlib.import_module("storage.migrations.versions.0011_probes_not_read")
    assert set(migration.NOT_READ) == NOT_READ


def test_every_reason_has_spanish_words_and_no_label_is_orphan() -> None:
    from checks.reasons import REASON_TEXT

    assert set(REASON_TEXT) == set(CLASSIFIED)
    assert all(text and text == text.strip() and "_" not in text for text in REASON_TEXT.values())


def test_readme_lists_every_reason_with_its_words() -> None:
    from checks.reasons import REASON_TEXT

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for code, text in REASON_TEXT.items():
        assert f"| `{code}` | {text} | {'no' if code in NOT_READ else 'sí'} |" in readme, code
