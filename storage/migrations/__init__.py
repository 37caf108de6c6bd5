"""Alembic environment and revisions of the Vigía schema."""
