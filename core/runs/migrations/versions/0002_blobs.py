"""Blobs: files every node can read (checkpoints, uploaded CSVs) inside a server store.

On a PostgreSQL store, workers on other machines cannot read the web server's LAYERLAB_HOME,
so checkpoints and uploads are also kept here, addressed by their SHA-256 (a file written twice
is stored once). A SQLite store gets the table too (one schema history) but leaves it empty.

Revision ID: 0002_blobs
Revises: 0001
Create Date: 2026-11-30
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_blobs"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "blobs",
        sa.Column("sha256", sa.String(64), primary_key=True),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("data", sa.LargeBinary, nullable=False))


def downgrade() -> None:
    op.drop_table("blobs")
