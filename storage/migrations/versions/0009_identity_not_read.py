"""A confirmed site that failed the nightly identity watch was not read: rebuild the change log without it.

- Data only: result_changes is rebuilt so that an indeterminado with reason «identidad» (the confirmed address showed
  a parked, gambling or foreign page: checks.reasons.NOT_READ, frozen below) is never a change nor the result a later
  one is compared with. Downgrade rebuilds the log with 0007's list.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# 0007 froze the list and the rebuild; this revision adds one reason to that frozen list.
_PREVIOUS = importlib.import_module("storage.migrations.versions.0007_unread_and_resume")
NOT_READ: tuple[str, ...] = (*_PREVIOUS.NOT_READ, "identidad")


def _read_filter(reasons: Sequence[str]) -> str:
    listed = ", ".join(f"'{reason}'" for reason in reasons)
    return f" AND (r.status != 'indeterminado' OR d.reason IS NULL OR d.reason NOT IN ({listed}))"


def _rebuild(reasons: Sequence[str]) -> None:
    op.execute(sa.text("DELETE FROM result_changes"))
    op.execute(sa.text(_PREVIOUS.CHANGES.format(join=_PREVIOUS.READ_JOIN, read=_read_filter(reasons))))


def upgrade() -> None:
    """Rebuild the change log over results actually read, «identidad» now among the unread."""
    _rebuild(NOT_READ)


def downgrade() -> None:
    """Rebuild the change log with 0007's list."""
    _rebuild(_PREVIOUS.NOT_READ)
