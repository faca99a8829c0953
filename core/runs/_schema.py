"""The run store's tables as SQLAlchemy metadata (what the code reads and writes).

The database itself is created and upgraded by the Alembic migrations in `migrations/`;
`tests/core/runs/test_migrations.py` checks that they produce exactly these tables.
"""
from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

runs_t = sa.Table(
    "runs", metadata,
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("id", sa.String(40), unique=True, nullable=False),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("kind", sa.String(40), nullable=False),
    sa.Column("status", sa.String(20), nullable=False, index=True),
    sa.Column("task", sa.String(20), nullable=False),
    sa.Column("dataset", sa.Text, nullable=False),
    sa.Column("dataset_hash", sa.String(80), nullable=False),
    sa.Column("spec", sa.Text, nullable=False),
    sa.Column("config", sa.Text, nullable=False),
    sa.Column("preprocessing", sa.Text),
    sa.Column("seed", sa.Integer),
    sa.Column("versions", sa.Text),
    sa.Column("device", sa.String(40)),
    sa.Column("created_at", sa.Float, nullable=False),  # UTC epoch seconds
    sa.Column("started_at", sa.Float),
    sa.Column("finished_at", sa.Float),
    sa.Column("error", sa.Text),
    sa.Column("advice", sa.Text),
    sa.Column("notes", sa.Text),
    sa.Column("parent_id", sa.String(40)),
    sa.Column("epoch", sa.Integer),
    sa.Column("total_epochs", sa.Integer),
    sa.Column("step", sa.Integer),
    sa.Column("steps_per_epoch", sa.Integer),
    sa.Column("eta_s", sa.Float),
    sa.Column("best_val_loss", sa.Float),
    sa.Column("best_val_metric", sa.Float),
    sa.Column("metric_name", sa.String(20)),
    sa.Column("test_metrics", sa.Text),
    sa.Column("checkpoint_path", sa.Text),
    sa.Column("stop_requested_at", sa.Float),
    sa.Column("heartbeat_at", sa.Float),
    sa.Column("pid", sa.Integer),
    sa.Column("host", sa.String(200)),
    # Who started the run (None: made before owners existed) and whether only they see it.
    sa.Column("owner", sa.String(200), index=True),
    sa.Column("private", sa.Boolean, nullable=False, server_default=sa.false()),
    sqlite_autoincrement=True,  # ids are never reused after a delete
)
epochs_t = sa.Table(
    "epochs", metadata,
    sa.Column("run_id", sa.String(40), primary_key=True),
    sa.Column("epoch", sa.Integer, primary_key=True),
    sa.Column("train_loss", sa.Float), sa.Column("val_loss", sa.Float),
    sa.Column("train_metric", sa.Float), sa.Column("val_metric", sa.Float),
    sa.Column("lr", sa.Float), sa.Column("elapsed_s", sa.Float),
    sa.Column("extra", sa.Text),
)
steps_t = sa.Table(
    "steps", metadata,
    sa.Column("run_id", sa.String(40), nullable=False),
    sa.Column("step", sa.Integer, nullable=False),
    sa.Column("loss", sa.Float),
    sa.Index("ix_steps_run_step", "run_id", "step"),
)
internals_t = sa.Table(
    "internals", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("run_id", sa.String(40), nullable=False, index=True),
    sa.Column("epoch", sa.Integer, nullable=False),
    sa.Column("layer", sa.String(200), nullable=False),
    sa.Column("grad_norm", sa.Float), sa.Column("weight_norm", sa.Float),
    sa.Column("dead_fraction", sa.Float), sa.Column("act_mean", sa.Float),
    sa.Column("act_std", sa.Float),
)
audits_t = sa.Table(
    "audits", metadata,
    sa.Column("run_id", sa.String(40), primary_key=True),
    sa.Column("kind", sa.String(80), primary_key=True),
    sa.Column("payload", sa.Text, nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
)
logs_t = sa.Table(
    "logs", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("run_id", sa.String(40), nullable=False, index=True),
    sa.Column("at", sa.Float, nullable=False),
    sa.Column("level", sa.String(10), nullable=False),
    sa.Column("message", sa.Text, nullable=False),
)
blobs_t = sa.Table(  # files every node can read, by content hash (migration 0002_blobs)
    "blobs", metadata,
    sa.Column("sha256", sa.String(64), primary_key=True),
    sa.Column("size", sa.BigInteger, nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("data", sa.LargeBinary, nullable=False),
)
