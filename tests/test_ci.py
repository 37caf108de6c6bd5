"""CI runs the whole suite on SQLite and again on PostgreSQL, and the fixtures follow VIGIA_TEST_DATABASE_URL."""

from __future__ import annotations

import re

from storage.db import Database
from tests.conftest import REPO, TEST_DATABASE_ENV, on_postgresql

CI = (REPO / ".ci" / "run").read_text(encoding="utf-8")


def test_ci_runs_the_suite_on_sqlite_and_postgresql() -> None:
    runs = [match.start() for match in re.finditer(r"^\./bootstrap\.sh test\b", CI, re.MULTILINE)]
    assert len(runs) == 2, "la integración continua debe correr la batería dos veces"
    server = CI.index("scripts/pg_test_server.sh start")
    exported = CI.index(f"export {TEST_DATABASE_ENV}")
    # First pass on SQLite (variable not yet set), second on the PostgreSQL server it starts.
    assert runs[0] < server < exported < runs[1]
    assert (REPO / "scripts" / "pg_test_server.sh").read_text(encoding="utf-8").count("apt-get install -y") == 1


def test_db_fixture_follows_the_test_database_variable(db: Database, sqlite_db: Database) -> None:
    expected = "postgresql" if on_postgresql() else "sqlite"
    assert db.engine.dialect.name == expected
    assert sqlite_db.engine.dialect.name == "sqlite"  # SQLite-specific tests stay on SQLite.
    if on_postgresql():
        with db.engine.connect() as connection:
            assert connection.exec_driver_sql("SELECT current_database()").scalar_one().startswith("vigia_test_")


def test_ci_fails_on_lint_format_and_type_errors_before_the_tests() -> None:
    lint = CI.index("./bootstrap.sh lint")
    assert lint < CI.index("./bootstrap.sh test")
    assert "set -euo pipefail" in CI  # a failing step fails the run
    bootstrap = (REPO / "bootstrap.sh").read_text(encoding="utf-8")
    body = bootstrap[bootstrap.index("lint() {") : bootstrap.index("\n}\n", bootstrap.index("lint() {"))]
    for command in ('ruff" check .', 'ruff" format --check .', 'mypy" .', 'mypy" --config-file tests/mypy.ini tests'):
        assert command in body, command
    assert "set -euo pipefail" in bootstrap
