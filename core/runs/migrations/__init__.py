"""Alembic migrations of the run store's database (runs and the local job queue's tables)."""
