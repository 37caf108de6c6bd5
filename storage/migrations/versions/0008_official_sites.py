"""Official presences: discovery runs, candidate proofs, auditors' decisions, validity periods and crosswalk facts.

- discovery_runs: one `vigia descubrir` (municipalities and options as JSON).
- site_candidates: each identity proof of a candidate URL (score, verdict, alarm, evidence as JSON). Append-only.
- site_decisions: who confirmed or rejected which URL, or declared that a municipality has no site. Append-only.
- official_sites: validity periods of each official presence; valid_to NULL is the current one (at most one per
  clave and presencia, a partial unique index).
- crosswalk_facts: identifiers discovery found (IPOMEX slugs and ids, PNT ids…) with source and date. Append-only.
- Data: new tables only; nothing existing changes. Downgrade drops them, but refuses while auditors' decisions are
  stored (they cannot be rebuilt; proofs and facts can, by running discovery again): export them with
  `vigia sitios historial CLAVE --format json` and delete them on purpose first.

Revision ID: 0008
Revises: 0007
Create Date: 2027-02-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from core.errors import DatabaseError

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen copies of the model's values (see 0001): a revision must not change when the models do.
ORIGENES = ("patron", "referencia", "enlace", "crosswalk", "vigilancia")
VEREDICTOS = ("probable", "dudoso", "descartado")
PRESENCIAS = ("sitio", "red_social", "directorio")
DECISIONES = ("confirmar", "rechazar", "sin_sitio")
CAMPOS = ("nombre_pnt", "id_pnt", "ipomex3_slug", "ipomex4_id", "ipomex_legado_slug", "sitio_oficial")
CURRENT = "valid_to IS NULL"


def _timestamp() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def _check(table: str, column: str, values: tuple[str, ...]) -> sa.CheckConstraint:
    listed = ", ".join(repr(v) for v in values)
    return sa.CheckConstraint(f"{column} IN ({listed})", name=op.f(f"ck_{table}_{column}"))


def _pk(table: str) -> sa.PrimaryKeyConstraint:
    return sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}"))


def _id() -> sa.Column[int]:
    return sa.Column("id", sa.Integer(), nullable=False)


def _discovery_and_candidates() -> None:
    op.create_table(
        "discovery_runs",
        _id(),
        sa.Column("started_at", _timestamp(), nullable=False),
        sa.Column("finished_at", _timestamp(), nullable=True),
        sa.Column("municipalities", sa.Text(), nullable=False),
        sa.Column("options", sa.Text(), nullable=False),
        _pk("discovery_runs"),
    )
    op.create_table(
        "site_candidates",
        _id(),
        sa.Column("discovery_run_id", sa.Integer(), nullable=True),
        sa.Column("cve_inegi", sa.String(5), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("final_url", sa.Text(), nullable=True),
        sa.Column("origen", sa.String(20), nullable=False),
        sa.Column("origen_detalle", sa.Text(), nullable=True),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("veredicto", sa.String(12), nullable=False),
        sa.Column("alarma", sa.String(40), nullable=True),
        sa.Column("evidencias", sa.Text(), nullable=False),
        sa.Column("presencia", sa.String(12), nullable=False),
        sa.Column("checked_at", _timestamp(), nullable=False),
        _check("site_candidates", "origen", ORIGENES),
        _check("site_candidates", "veredicto", VEREDICTOS),
        _check("site_candidates", "presencia", PRESENCIAS),
        sa.ForeignKeyConstraint(
            ["discovery_run_id"], ["discovery_runs.id"], name=op.f("fk_site_candidates_discovery_run_id_discovery_runs")
        ),
        _pk("site_candidates"),
    )
    op.create_index("ix_site_candidates_cve_inegi_checked_at", "site_candidates", ["cve_inegi", "checked_at"])


def _decisions_and_sites() -> None:
    op.create_table(
        "site_decisions",
        _id(),
        sa.Column("cve_inegi", sa.String(5), nullable=False),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("presencia", sa.String(12), nullable=False),
        sa.Column("decision", sa.String(12), nullable=False),
        sa.Column("auditor", sa.String(200), nullable=False),
        sa.Column("at", _timestamp(), nullable=False),
        sa.Column("nota", sa.Text(), nullable=True),
        sa.Column("administracion", sa.String(9), nullable=True),
        _check("site_decisions", "decision", DECISIONES),
        _check("site_decisions", "presencia", PRESENCIAS),
        sa.CheckConstraint("(decision = 'sin_sitio') = (url IS NULL)", name=op.f("ck_site_decisions_url")),
        _pk("site_decisions"),
    )
    op.create_index("ix_site_decisions_cve_inegi_at", "site_decisions", ["cve_inegi", "at"])
    op.create_table(
        "official_sites",
        _id(),
        sa.Column("cve_inegi", sa.String(5), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("presencia", sa.String(12), nullable=False),
        sa.Column("valid_from", _timestamp(), nullable=False),
        sa.Column("valid_to", _timestamp(), nullable=True),
        sa.Column("administracion", sa.String(9), nullable=True),
        sa.Column("decision_id", sa.Integer(), nullable=False),
        _check("official_sites", "presencia", PRESENCIAS),
        sa.CheckConstraint("valid_to IS NULL OR valid_to >= valid_from", name=op.f("ck_official_sites_period")),
        sa.ForeignKeyConstraint(
            ["decision_id"], ["site_decisions.id"], name=op.f("fk_official_sites_decision_id_site_decisions")
        ),
        _pk("official_sites"),
    )
    op.create_index(
        "uq_official_sites_current",
        "official_sites",
        ["cve_inegi", "presencia"],
        unique=True,
        sqlite_where=sa.text(CURRENT),
        postgresql_where=sa.text(CURRENT),
    )


def _crosswalk() -> None:
    op.create_table(
        "crosswalk_facts",
        _id(),
        sa.Column("cve_inegi", sa.String(5), nullable=False),
        sa.Column("campo", sa.String(30), nullable=False),
        sa.Column("valor", sa.Text(), nullable=False),
        sa.Column("fuente", sa.Text(), nullable=False),
        sa.Column("fecha", sa.Date(), nullable=True),
        sa.Column("origen", sa.String(20), server_default="descubrimiento", nullable=False),
        sa.Column("recorded_at", _timestamp(), nullable=False),
        _check("crosswalk_facts", "campo", CAMPOS),
        _pk("crosswalk_facts"),
    )
    op.create_index("ix_crosswalk_facts_cve_inegi_campo", "crosswalk_facts", ["cve_inegi", "campo"])


def upgrade() -> None:
    """Create the five tables (no existing data changes)."""
    _discovery_and_candidates()
    _decisions_and_sites()
    _crosswalk()


def downgrade() -> None:
    """Drop the five tables, unless auditors' decisions are stored (refused: they cannot be rebuilt)."""
    decisions = op.get_bind().execute(sa.text("SELECT count(*) FROM site_decisions")).scalar() or 0
    if decisions:
        raise DatabaseError(
            f"La base guarda {decisions} decisiones de auditores sobre sitios oficiales que la versión anterior no "
            "puede conservar. Expórtelas (vigia sitios historial CLAVE --format json) y bórrelas a propósito "
            "antes de volver a una versión anterior."
        )
    for table in ("crosswalk_facts", "official_sites", "site_decisions", "site_candidates", "discovery_runs"):
        op.drop_table(table)
