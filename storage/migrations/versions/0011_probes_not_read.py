"""Working-channel probes that got no answer or ran out of budget were not read: rebuild the change log without them.

- Data only: result_changes is rebuilt so that an indeterminado with reason «sonda_sin_red»,
  «sonda_sin_presupuesto» or «copia_estatica» (checks.reasons.NOT_READ, frozen below) is never a change nor the result a later one is
  compared with. Downgrade rebuilds the log with 0009's list.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# 0009 froze the list and the rebuild; this revision adds the probes' two reasons to that frozen list.
_PREVIOUS = importlib.import_module("storage.migrations.versions.0009_identity_not_read")
NOT_READ: tuple[str, ...] = (*_PREVIOUS.NOT_READ, "sonda_sin_red", "sonda_sin_presupuesto", "copia_estatica")


def upgrade() -> None:
    """Rebuild the change log over results actually read, the probes' unanswered reasons now among the unread."""
    _PREVIOUS._rebuild(NOT_READ)


def downgrade() -> None:
    """Rebuild the change log with 0009's list."""
    _PREVIOUS._rebuild(_PREVIOUS.NOT_READ)
