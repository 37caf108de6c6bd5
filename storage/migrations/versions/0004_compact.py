"""Compact history: check keys, deduplicated result details, clustered results, a change log and page logs.

Revision ID: 0004
Revises: 0003
Create Date: 2026-06-01
"""

from __future__ import annotations

import hashlib
import json
import logging
import zlib
from collections.abc import Iterator, Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

logger = logging.getLogger("vigia.storage")

# Frozen copies of the model's values (see 0001): a revision must not change when the models do.
RESULT_STATUS_CHECK = "status IN ('cumple', 'no_cumple', 'indeterminado', 'no_aplica')"
OLD_RESULTS = "check_results_0003"
NEW_RESULTS = "check_results_0004"
BATCH = 20_000
DETAIL_COLUMNS = ("reason", "detail", "evidence_url", "evidence_text", "law", "last_update")

_old_results = sa.table(
    OLD_RESULTS,
    sa.column("id", sa.Integer()),
    sa.column("run_id", sa.Integer()),
    sa.column("cve_inegi", sa.String()),
    sa.column("check_id", sa.String()),
    sa.column("status", sa.String()),
    sa.column("reason", sa.String()),
    sa.column("detail", sa.Text()),
    sa.column("evidence_url", sa.Text()),
    sa.column("evidence_text", sa.Text()),
    sa.column("source", sa.String()),
    sa.column("law", sa.String()),
    sa.column("last_update", sa.Date()),
)
_keys = sa.table(
    "check_keys", sa.column("id", sa.Integer()), sa.column("check_id", sa.String()), sa.column("source", sa.String())
)
_details = sa.table(
    "result_details",
    sa.column("id", sa.Integer()),
    sa.column("digest", sa.String()),
    *(sa.column(name, sa.Date() if name == "last_update" else sa.Text()) for name in DETAIL_COLUMNS),
)
_results = sa.table(
    "check_results", *(sa.column(name) for name in ("cve_inegi", "check_key", "run_id", "status", "detail_id"))
)
_pages = sa.table(
    "pages",
    *(
        sa.column(name)
        for name in (
            "id",
            "run_id",
            "cve_inegi",
            "url",
            "final_url",
            "status",
            "content_hash",
            "depth",
            "error",
            "kind",
            "rendered",
        )
    ),
)
_page_logs = sa.table("page_logs", sa.column("run_id"), sa.column("cve_inegi"), sa.column("data", sa.LargeBinary()))


def _timestamp() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def _fk(table: str, column: str, target: str, target_column: str = "id") -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{target}.{target_column}"], name=op.f(f"fk_{table}_{column}_{target}"))


def _cve_fk(table: str) -> sa.ForeignKeyConstraint:
    return _fk(table, "cve_inegi", "municipalities", "cve_inegi")


def _create_dimensions() -> None:
    op.create_table(
        "check_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("check_id", sa.String(100), nullable=False),
        sa.Column("source", sa.String(20), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_check_keys")),
        sa.UniqueConstraint("check_id", "source", name=op.f("uq_check_keys_check_id_source")),
    )
    op.create_table(
        "result_details",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("digest", sa.String(32), nullable=False),
        sa.Column("reason", sa.String(50), nullable=True),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.Column("evidence_url", sa.Text(), nullable=True),
        sa.Column("evidence_text", sa.Text(), nullable=True),
        sa.Column("law", sa.String(100), nullable=True),
        sa.Column("last_update", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_result_details")),
        sa.UniqueConstraint("digest", name=op.f("uq_result_details_digest")),
    )


def _create_results() -> None:
    op.create_table(
        "check_results",
        sa.Column("cve_inegi", sa.String(5), nullable=False),
        sa.Column("check_key", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(15), nullable=False),
        sa.Column("detail_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("cve_inegi", "check_key", "run_id", name=op.f("pk_check_results")),
        _cve_fk("check_results"),
        _fk("check_results", "check_key", "check_keys"),
        _fk("check_results", "run_id", "runs"),
        _fk("check_results", "detail_id", "result_details"),
        sa.CheckConstraint(RESULT_STATUS_CHECK, name=op.f("ck_check_results_status")),
        sqlite_with_rowid=False,
    )
    op.create_index(op.f("ix_check_results_run_cve"), "check_results", ["run_id", "cve_inegi"])
    op.create_table(
        "result_changes",
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("cve_inegi", sa.String(5), nullable=False),
        sa.Column("check_key", sa.Integer(), nullable=False),
        sa.Column("previous_run_id", sa.Integer(), nullable=False),
        sa.Column("previous_status", sa.String(15), nullable=False),
        sa.Column("status", sa.String(15), nullable=False),
        sa.Column("detail_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("run_id", "cve_inegi", "check_key", name=op.f("pk_result_changes")),
        _fk("result_changes", "run_id", "runs"),
        _cve_fk("result_changes"),
        _fk("result_changes", "check_key", "check_keys"),
        _fk("result_changes", "previous_run_id", "runs"),
        _fk("result_changes", "detail_id", "result_details"),
        sqlite_with_rowid=False,
    )
    op.create_index(op.f("ix_result_changes_cve_check_run"), "result_changes", ["cve_inegi", "check_key", "run_id"])


def _create_page_logs() -> None:
    op.create_table(
        "page_logs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("cve_inegi", sa.String(5), nullable=True),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_page_logs")),
        _fk("page_logs", "run_id", "runs"),
        _cve_fk("page_logs"),
    )
    op.create_index(op.f("ix_page_logs_run_id_cve_inegi"), "page_logs", ["run_id", "cve_inegi"])


def _create_old_results() -> None:
    op.create_table(
        "check_results",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("cve_inegi", sa.String(5), nullable=True),
        sa.Column("check_id", sa.String(100), nullable=False),
        sa.Column("status", sa.String(15), nullable=False),
        sa.Column("reason", sa.String(50), nullable=True),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.Column("evidence_url", sa.Text(), nullable=True),
        sa.Column("evidence_text", sa.Text(), nullable=True),
        sa.Column("created_at", _timestamp(), nullable=False),
        sa.Column("source", sa.String(20), server_default="sitio", nullable=False),
        sa.Column("law", sa.String(100), nullable=True),
        sa.Column("last_update", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_check_results")),
        _fk("check_results", "run_id", "runs"),
        _cve_fk("check_results"),
        sa.CheckConstraint(RESULT_STATUS_CHECK, name=op.f("ck_check_results_status")),
    )
    op.create_index(op.f("ix_check_results_cve_check_run"), "check_results", ["cve_inegi", "check_id", "run_id"])
    op.create_index(op.f("ix_check_results_run_cve"), "check_results", ["run_id", "cve_inegi"])


def _create_old_pages() -> None:
    op.create_table(
        "pages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("cve_inegi", sa.String(5), nullable=True),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("final_url", sa.Text(), nullable=True),
        sa.Column("status", sa.Integer(), nullable=True),
        sa.Column("content_hash", sa.String(128), nullable=True),
        sa.Column("depth", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("kind", sa.String(50), nullable=True),
        sa.Column("rendered", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pages")),
        _fk("pages", "run_id", "runs"),
        _cve_fk("pages"),
    )
    op.create_index(op.f("ix_pages_run_id_cve_inegi"), "pages", ["run_id", "cve_inegi"])


def _set_aside_results(new_name: str) -> None:
    """Rename check_results out of the way; its indexes go, and on PostgreSQL its primary key name is freed."""
    for index in ("ix_check_results_cve_check_run", "ix_check_results_run_cve"):
        op.execute(sa.text(f"DROP INDEX IF EXISTS {index}"))
    op.rename_table("check_results", new_name)
    if op.get_bind().dialect.name == "postgresql":
        op.execute(sa.text(f"ALTER TABLE {new_name} RENAME CONSTRAINT pk_check_results TO pk_{new_name}"))


def _digest(values: Sequence[Any]) -> str:
    # Frozen copy of storage.compact.detail_digest.
    canonical = [*values[:5], values[5].isoformat() if values[5] else None]
    text = json.dumps(canonical, ensure_ascii=False, separators=(",", ":"))
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


def _old_batches(bind: sa.Connection) -> Iterator[list[Any]]:
    """The old results with a clave, in id order, a batch at a time (keyset pagination works everywhere)."""
    last = 0
    while True:
        query = (
            sa.select(_old_results)
            .where(_old_results.c.id > last, _old_results.c.cve_inegi.is_not(None))
            .order_by(_old_results.c.id)
            .limit(BATCH)
        )
        rows = list(bind.execute(query))
        if not rows:
            return
        last = rows[-1].id
        yield rows


def _copy_results(bind: sa.Connection) -> None:
    """Fill check_keys, result_details and check_results from the old table (ids assigned here)."""
    orphans = bind.execute(sa.text(f"SELECT count(*) FROM {OLD_RESULTS} WHERE cve_inegi IS NULL")).scalar_one()
    if orphans:
        logger.warning("Se omiten %d resultados sin clave de municipio al compactar el historial", orphans)
    keys: dict[tuple[str, str], int] = {}
    details: dict[str, int] = {}
    for rows in _old_batches(bind):
        new_keys, new_details, results = [], [], []
        for row in rows:
            pair = (row.check_id, row.source)
            if pair not in keys:
                keys[pair] = len(keys) + 1
                new_keys.append({"id": keys[pair], "check_id": pair[0], "source": pair[1]})
            values = [getattr(row, name) for name in DETAIL_COLUMNS]
            digest = _digest(values)
            if digest not in details:
                details[digest] = len(details) + 1
                named = dict(zip(DETAIL_COLUMNS, values, strict=True))
                new_details.append({"id": details[digest], "digest": digest, **named})
            results.append(
                {
                    "cve_inegi": row.cve_inegi,
                    "check_key": keys[pair],
                    "run_id": row.run_id,
                    "status": row.status,
                    "detail_id": details[digest],
                }
            )
        _insert(bind, _keys, new_keys)
        _insert(bind, _details, new_details)
        _insert(bind, _results, results, ignore_duplicates=True)
    _log_duplicates(bind)
    _advance_sequences(bind, ("check_keys", "result_details"))


def _insert(
    bind: sa.Connection, table: sa.TableClause, rows: list[dict[str, Any]], ignore_duplicates: bool = False
) -> None:
    if not rows:
        return
    statement: sa.Executable = table.insert()
    if ignore_duplicates:
        # A result recorded twice for one run, municipality and check: the first one stays.
        statement = (
            table.insert().prefix_with("OR IGNORE")
            if bind.dialect.name == "sqlite"
            else sa.text(
                "INSERT INTO check_results (cve_inegi, check_key, run_id, status, detail_id) VALUES (:cve_inegi, "
                ":check_key, :run_id, :status, :detail_id) ON CONFLICT DO NOTHING"
            )
        )
    bind.execute(statement, rows)


def _log_duplicates(bind: sa.Connection) -> None:
    old = bind.execute(sa.text(f"SELECT count(*) FROM {OLD_RESULTS} WHERE cve_inegi IS NOT NULL")).scalar_one()
    new = bind.execute(sa.text("SELECT count(*) FROM check_results")).scalar_one()
    if old != new:
        logger.warning("Se omiten %d resultados repetidos (misma corrida, municipio y check)", old - new)


def _advance_sequences(bind: sa.Connection, tables: Sequence[str]) -> None:
    """PostgreSQL's serial sequences do not see explicit ids: move them past the ids assigned here."""
    if bind.dialect.name != "postgresql":
        return
    for table in tables:
        bind.execute(
            sa.text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE((SELECT max(id) FROM {table}), 0) + 1, "
                "false)"
            )
        )


def _backfill_changes(bind: sa.Connection) -> None:
    """Every status change between consecutive complete runs of each municipality+check, in one window pass."""
    bind.execute(
        sa.text(
            "INSERT INTO result_changes (run_id, cve_inegi, check_key, previous_run_id, previous_status, status, "
            "detail_id) SELECT run_id, cve_inegi, check_key, previous_run_id, previous_status, status, detail_id FROM ("
            "SELECT r.run_id, r.cve_inegi, r.check_key, r.status, r.detail_id, "
            "lag(r.run_id) OVER (PARTITION BY r.cve_inegi, r.check_key ORDER BY r.run_id) AS previous_run_id, "
            "lag(r.status) OVER (PARTITION BY r.cve_inegi, r.check_key ORDER BY r.run_id) AS previous_status "
            "FROM check_results r JOIN runs ON runs.id = r.run_id WHERE runs.status = 'complete') ranked "
            "WHERE previous_status IS NOT NULL AND previous_status != status"
        )
    )


def _page_item(row: Any) -> dict[str, Any]:
    # Frozen copy of storage.compact's page encoding; existing hashes are kept whole.
    item: dict[str, Any] = {"u": row.url, "s": row.status, "d": row.depth, "k": row.kind}
    if row.final_url != row.url:
        item["f"] = row.final_url
    optional = {"h": row.content_hash, "e": row.error, "r": True if row.rendered else None}
    item.update({key: value for key, value in optional.items() if value is not None})
    return item


def _copy_pages(bind: sa.Connection) -> None:
    """One compressed log per site and run, pages in id order."""
    run_ids = list(bind.execute(sa.select(_pages.c.run_id).distinct().order_by(_pages.c.run_id)).scalars())
    for run_id in run_ids:
        query = sa.select(_pages).where(_pages.c.run_id == run_id).order_by(_pages.c.cve_inegi, _pages.c.id)
        groups: dict[str | None, list[str]] = {}
        for row in bind.execute(query):
            line = json.dumps(_page_item(row), ensure_ascii=False, separators=(",", ":"))
            groups.setdefault(row.cve_inegi, []).append(line)
        logs = [
            {"run_id": run_id, "cve_inegi": cve, "data": zlib.compress("\n".join(lines).encode("utf-8"), 9)}
            for cve, lines in groups.items()
        ]
        _insert(bind, _page_logs, logs)


def upgrade() -> None:
    """Move results to the compact layout, log their past changes and compress the pages into page logs."""
    bind = op.get_bind()
    _set_aside_results(OLD_RESULTS)
    _create_dimensions()
    _create_results()
    _create_page_logs()
    _copy_results(bind)
    _backfill_changes(bind)
    _copy_pages(bind)
    op.drop_table(OLD_RESULTS)
    op.drop_index(op.f("ix_pages_run_id_cve_inegi"), table_name="pages")
    op.drop_table("pages")


def _expand_results() -> None:
    # The recording time was dropped in 0004; the run's start stands in for it.
    op.execute(
        sa.text(
            "INSERT INTO check_results (run_id, cve_inegi, check_id, status, reason, detail, evidence_url, "
            "evidence_text, created_at, source, law, last_update) SELECT r.run_id, r.cve_inegi, k.check_id, r.status, "
            "d.reason, d.detail, d.evidence_url, d.evidence_text, runs.started_at, k.source, d.law, d.last_update "
            f"FROM {NEW_RESULTS} r JOIN check_keys k ON k.id = r.check_key JOIN result_details d ON d.id = r.detail_id "
            "JOIN runs ON runs.id = r.run_id ORDER BY r.run_id, r.cve_inegi, r.check_key"
        )
    )


def _expand_pages(bind: sa.Connection) -> None:
    for log in bind.execute(sa.select(_page_logs).order_by(sa.text("id"))).all():
        rows = []
        for line in zlib.decompress(log.data).decode("utf-8").split("\n"):
            item = json.loads(line)
            rows.append(
                {
                    "run_id": log.run_id,
                    "cve_inegi": log.cve_inegi,
                    "url": item["u"],
                    "final_url": item.get("f", item["u"]),
                    "status": item.get("s"),
                    "content_hash": item.get("h"),
                    "depth": item.get("d", 0),
                    "error": item.get("e"),
                    "kind": item.get("k"),
                    "rendered": bool(item.get("r")),
                }
            )
        _insert(bind, _pages, rows)


def downgrade() -> None:
    """Back to 0003: expand results and pages into their wide tables (the change log is derived and goes)."""
    bind = op.get_bind()
    op.drop_index(op.f("ix_result_changes_cve_check_run"), table_name="result_changes")
    op.drop_table("result_changes")
    _set_aside_results(NEW_RESULTS)
    _create_old_results()
    _expand_results()
    _create_old_pages()
    _expand_pages(bind)
    op.drop_index(op.f("ix_page_logs_run_id_cve_inegi"), table_name="page_logs")
    op.drop_table("page_logs")
    op.drop_table(NEW_RESULTS)
    op.drop_table("result_details")
    op.drop_table("check_keys")
