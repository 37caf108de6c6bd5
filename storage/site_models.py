"""ORM tables of official presences (revision 0008): what discovery found and what auditors decided.

All are append-only except official_sites.valid_to, set once when a period closes. Claves are not foreign keys to
`municipalities` (a snapshot written when a crawl starts): an auditor may confirm a site before the first crawl; the
CLI checks claves against the registry. storage/models.py imports this module so that Base.metadata has them.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from config.crosswalk import CAMPOS
from storage.models import Base, UTCDateTime

# Where a candidate came from: a pattern guessed from the name, the reference data, a link on a known official page,
# the crosswalk (IPOMEX/PNT records), or the nightly re-proof of a confirmed site.
ORIGENES = ("patron", "referencia", "enlace", "crosswalk", "vigilancia")
VEREDICTOS = ("probable", "dudoso", "descartado")
PRESENCIAS = ("sitio", "red_social", "directorio")
DECISIONES = ("confirmar", "rechazar", "sin_sitio")
CURRENT = "valid_to IS NULL"


def _in_list(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class DiscoveryRunRow(Base):
    """One `vigia descubrir` execution: which municipalities and with which options."""

    __tablename__ = "discovery_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # JSON list of claves, and JSON object of the options used.
    municipalities: Mapped[str] = mapped_column(Text)
    options: Mapped[str] = mapped_column(Text)


class SiteCandidateRow(Base):
    """One identity proof of one candidate URL (append-only: a later proof of the same URL is a new row)."""

    __tablename__ = "site_candidates"
    __table_args__ = (
        CheckConstraint(_in_list("origen", ORIGENES), name="origen"),
        CheckConstraint(_in_list("veredicto", VEREDICTOS), name="veredicto"),
        CheckConstraint(_in_list("presencia", PRESENCIAS), name="presencia"),
        Index("ix_site_candidates_cve_inegi_checked_at", "cve_inegi", "checked_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # None for a proof made outside discovery (the nightly watch of a confirmed site).
    discovery_run_id: Mapped[int | None] = mapped_column(ForeignKey("discovery_runs.id"))
    cve_inegi: Mapped[str] = mapped_column(String(5))
    url: Mapped[str] = mapped_column(Text)
    final_url: Mapped[str | None] = mapped_column(Text)
    origen: Mapped[str] = mapped_column(String(20))
    origen_detalle: Mapped[str | None] = mapped_column(Text)
    score: Mapped[int] = mapped_column(Integer)
    veredicto: Mapped[str] = mapped_column(String(12))
    alarma: Mapped[str | None] = mapped_column(String(40))
    # JSON list of {code, points, texto}.
    evidencias: Mapped[str] = mapped_column(Text)
    presencia: Mapped[str] = mapped_column(String(12))
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SiteDecisionRow(Base):
    """An auditor's decision on a municipality's presence: who, when, why (append-only)."""

    __tablename__ = "site_decisions"
    __table_args__ = (
        CheckConstraint(_in_list("decision", DECISIONES), name="decision"),
        CheckConstraint(_in_list("presencia", PRESENCIAS), name="presencia"),
        CheckConstraint("(decision = 'sin_sitio') = (url IS NULL)", name="url"),
        Index("ix_site_decisions_cve_inegi_at", "cve_inegi", "at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cve_inegi: Mapped[str] = mapped_column(String(5))
    url: Mapped[str | None] = mapped_column(Text)
    presencia: Mapped[str] = mapped_column(String(12))
    decision: Mapped[str] = mapped_column(String(12))
    auditor: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    nota: Mapped[str | None] = mapped_column(Text)
    administracion: Mapped[str | None] = mapped_column(String(9))


class OfficialSiteRow(Base):
    """A validity period of an official presence; valid_to NULL = current (one current per clave and presencia)."""

    __tablename__ = "official_sites"
    __table_args__ = (
        CheckConstraint(_in_list("presencia", PRESENCIAS), name="presencia"),
        CheckConstraint("valid_to IS NULL OR valid_to >= valid_from", name="period"),
        Index(
            "uq_official_sites_current",
            "cve_inegi",
            "presencia",
            unique=True,
            sqlite_where=text(CURRENT),
            postgresql_where=text(CURRENT),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cve_inegi: Mapped[str] = mapped_column(String(5))
    url: Mapped[str] = mapped_column(Text)
    presencia: Mapped[str] = mapped_column(String(12))
    valid_from: Mapped[datetime] = mapped_column(UTCDateTime)
    valid_to: Mapped[datetime | None] = mapped_column(UTCDateTime)
    administracion: Mapped[str | None] = mapped_column(String(9))
    decision_id: Mapped[int] = mapped_column(ForeignKey("site_decisions.id"))


class CrosswalkFactRow(Base):
    """An identifier discovery found for a municipality (IPOMEX slug or id, PNT id…), with source and date."""

    __tablename__ = "crosswalk_facts"
    __table_args__ = (
        CheckConstraint(_in_list("campo", CAMPOS), name="campo"),
        Index("ix_crosswalk_facts_cve_inegi_campo", "cve_inegi", "campo"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cve_inegi: Mapped[str] = mapped_column(String(5))
    campo: Mapped[str] = mapped_column(String(30))
    valor: Mapped[str] = mapped_column(Text)
    fuente: Mapped[str] = mapped_column(Text)
    # When the source showed it (None when undated).
    fecha: Mapped[date | None] = mapped_column(Date)
    origen: Mapped[str] = mapped_column(String(20), server_default="descubrimiento")
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
