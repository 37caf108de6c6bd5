"""Alembic revisions, applied in order by storage.db.open_database."""
