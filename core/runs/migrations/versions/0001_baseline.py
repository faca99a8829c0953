"""Baseline: the tables LayerLab created before migrations (runs, curves, audits, logs, jobs).

A store made by that code (tables, no alembic_version) is brought to this revision by creating
only the tables and indexes it lacks.

Revision ID: 0001
Revises:
Create Date: 2026-11-30
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

_ID = sa.String(40)


# Idempotent: a store made before migrations may lack some tables (the queue's tables were made
# on first use of the job runner), so the baseline creates only what is missing.
def _table(name: str, *columns, **kw) -> None:
    if not sa.inspect(op.get_bind()).has_table(name):
        op.create_table(name, *columns, **kw)


def _index(name: str, table: str, columns: list[str]) -> None:
    if name not in {ix["name"] for ix in sa.inspect(op.get_bind()).get_indexes(table)}:
        op.create_index(name, table, columns)


def upgrade() -> None:
    _runs()
    _table(
        "epochs",
        sa.Column("run_id", _ID, primary_key=True), sa.Column("epoch", sa.Integer, primary_key=True),
        sa.Column("train_loss", sa.Float), sa.Column("val_loss", sa.Float),
        sa.Column("train_metric", sa.Float), sa.Column("val_metric", sa.Float),
        sa.Column("lr", sa.Float), sa.Column("elapsed_s", sa.Float), sa.Column("extra", sa.Text))
    _table(
        "steps",
        sa.Column("run_id", _ID, nullable=False), sa.Column("step", sa.Integer, nullable=False),
        sa.Column("loss", sa.Float))
    _index("ix_steps_run_step", "steps", ["run_id", "step"])
    _table(
        "internals",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("run_id", _ID, nullable=False), sa.Column("epoch", sa.Integer, nullable=False),
        sa.Column("layer", sa.String(200), nullable=False),
        sa.Column("grad_norm", sa.Float), sa.Column("weight_norm", sa.Float),
        sa.Column("dead_fraction", sa.Float), sa.Column("act_mean", sa.Float),
        sa.Column("act_std", sa.Float))
    _index("ix_internals_run_id", "internals", ["run_id"])
    _table(
        "audits",
        sa.Column("run_id", _ID, primary_key=True), sa.Column("kind", sa.String(80), primary_key=True),
        sa.Column("payload", sa.Text, nullable=False), sa.Column("created_at", sa.Float, nullable=False))
    _table(
        "logs",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("run_id", _ID, nullable=False), sa.Column("at", sa.Float, nullable=False),
        sa.Column("level", sa.String(10), nullable=False), sa.Column("message", sa.Text, nullable=False))
    _index("ix_logs_run_id", "logs", ["run_id"])
    _jobs()


def _runs() -> None:
    _table(
        "runs",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("id", _ID, unique=True, nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("task", sa.String(20), nullable=False),
        sa.Column("dataset", sa.Text, nullable=False),
        sa.Column("dataset_hash", sa.String(80), nullable=False),
        sa.Column("spec", sa.Text, nullable=False),
        sa.Column("config", sa.Text, nullable=False),
        sa.Column("preprocessing", sa.Text), sa.Column("seed", sa.Integer),
        sa.Column("versions", sa.Text), sa.Column("device", sa.String(40)),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("started_at", sa.Float), sa.Column("finished_at", sa.Float),
        sa.Column("error", sa.Text), sa.Column("advice", sa.Text), sa.Column("notes", sa.Text),
        sa.Column("parent_id", _ID), sa.Column("epoch", sa.Integer),
        sa.Column("total_epochs", sa.Integer), sa.Column("step", sa.Integer),
        sa.Column("steps_per_epoch", sa.Integer), sa.Column("eta_s", sa.Float),
        sa.Column("best_val_loss", sa.Float), sa.Column("best_val_metric", sa.Float),
        sa.Column("metric_name", sa.String(20)), sa.Column("test_metrics", sa.Text),
        sa.Column("checkpoint_path", sa.Text), sa.Column("stop_requested_at", sa.Float),
        sa.Column("heartbeat_at", sa.Float), sa.Column("pid", sa.Integer),
        sa.Column("host", sa.String(200)),
        sqlite_autoincrement=True)  # run ids are never reused after a delete
    _index("ix_runs_status", "runs", ["status"])


def _jobs() -> None:
    """The local job runner's queue (core/jobs/_queue.py) lives in the same database."""
    _table(
        "jobs",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("id", _ID, unique=True, nullable=False),
        sa.Column("name", sa.String(80), nullable=False),
        sa.Column("args", sa.Text, nullable=False),
        sa.Column("run_id", _ID), sa.Column("status", sa.String(20), nullable=False),
        sa.Column("slot", sa.Integer), sa.Column("pid", sa.Integer),
        sa.Column("host", sa.String(200)),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("started_at", sa.Float), sa.Column("finished_at", sa.Float),
        sa.Column("cancel_requested_at", sa.Float), sa.Column("error", sa.Text),
        sqlite_autoincrement=True)
    _index("ix_jobs_run_id", "jobs", ["run_id"])
    _index("ix_jobs_status", "jobs", ["status"])
    _table(
        "workers",
        sa.Column("slot", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("pid", sa.Integer), sa.Column("host", sa.String(200)),
        sa.Column("started_at", sa.Float, nullable=False),
        sa.Column("heartbeat_at", sa.Float), sa.Column("job_id", _ID))


def downgrade() -> None:
    for table in ("workers", "jobs", "logs", "audits", "internals", "steps", "epochs", "runs"):
        op.drop_table(table)
