"""Alembic environment: run by `core.runs._engine.migrate` with an open connection.

No alembic.ini is needed at run time: the caller passes its connection through
`Config.attributes["connection"]`. To write a new revision, from the repository root:
`alembic -c core/runs/migrations/alembic.ini revision -m "what changes"`.
"""
from __future__ import annotations

from alembic import context

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only the `alembic` command line gets here
    import sqlalchemy as sa

    connection = sa.create_engine(context.config.get_main_option("sqlalchemy.url")).connect()

# render_as_batch: SQLite can only alter a table by copying it, which batch mode does.
context.configure(connection=connection, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
