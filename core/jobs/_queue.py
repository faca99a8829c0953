"""The jobs and workers tables, in the run store's database, and their atomic operations.

Claiming is one UPDATE on the oldest queued row, so two workers can never take the same job
(SQLite serialises writers; on PostgreSQL the row is picked FOR UPDATE SKIP LOCKED, so a second
worker takes the next queued job instead of waiting for the first and then finding none).
The tables are created and upgraded with the run store's schema (core/runs/migrations): one
database, one schema history. This module never touches the runs table: run state changes go
through the `RunStore` interface.
"""
from __future__ import annotations

import json
import os
import time
from datetime import datetime, timezone
from typing import Any

import sqlalchemy as sa

from core.jobs._base import JobStatus
from core.jobs._procs import HOST

metadata = sa.MetaData()

jobs_t = sa.Table(
    "jobs", metadata,
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("id", sa.String(40), unique=True, nullable=False),
    sa.Column("name", sa.String(80), nullable=False),
    sa.Column("args", sa.Text, nullable=False),
    sa.Column("run_id", sa.String(40), index=True),
    sa.Column("status", sa.String(20), nullable=False, index=True),
    sa.Column("slot", sa.Integer),
    sa.Column("pid", sa.Integer),
    sa.Column("host", sa.String(200)),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("started_at", sa.Float),
    sa.Column("finished_at", sa.Float),
    sa.Column("cancel_requested_at", sa.Float),
    sa.Column("error", sa.Text),
    sqlite_autoincrement=True,
)
workers_t = sa.Table(
    "workers", metadata,
    sa.Column("slot", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("pid", sa.Integer),  # NULL between reserving the slot and the process starting
    sa.Column("host", sa.String(200)),
    sa.Column("started_at", sa.Float, nullable=False),
    sa.Column("heartbeat_at", sa.Float),
    sa.Column("job_id", sa.String(40)),
)


def _ts(value: float | None) -> datetime | None:
    return None if value is None else datetime.fromtimestamp(value, tz=timezone.utc)


class JobQueue:
    """Thin SQL layer over the jobs/workers tables of one database (the run store's)."""

    def __init__(self, engine: sa.Engine):
        self.engine = engine

    def tx(self):
        return self.engine.begin()

    # --- jobs ------------------------------------------------------------------------------
    def enqueue(self, name: str, args: dict, run_id: str | None) -> str:
        with self.tx() as conn:
            placeholder = f"new-{os.getpid()}-{time.monotonic_ns()}"
            seq = conn.execute(jobs_t.insert().values(
                id=placeholder, name=name, args=json.dumps(args), run_id=run_id,
                status="queued", created_at=time.time())).inserted_primary_key[0]
            job_id = f"job-{seq:04d}"
            conn.execute(jobs_t.update().where(jobs_t.c.seq == seq).values(id=job_id))
        return job_id

    def claim(self, slot: int) -> dict[str, Any] | None:
        """Take the oldest queued job for this worker, or None (the caller starts its run)."""
        now, pid = time.time(), os.getpid()
        oldest = (sa.select(jobs_t.c.seq).where(jobs_t.c.status == "queued")
                  .order_by(jobs_t.c.seq).limit(1)
                  .with_for_update(skip_locked=True)  # rendered only on PostgreSQL
                  .scalar_subquery())
        with self.tx() as conn:
            res = conn.execute(jobs_t.update().where(jobs_t.c.seq == oldest,
                                                     jobs_t.c.status == "queued")
                               .values(status="running", slot=slot, pid=pid, host=HOST,
                                       started_at=now))
            if res.rowcount != 1:
                return None
            row = conn.execute(sa.select(jobs_t).where(
                jobs_t.c.status == "running", jobs_t.c.pid == pid, jobs_t.c.host == HOST,
                jobs_t.c.finished_at.is_(None)).order_by(jobs_t.c.started_at.desc())).first()
            conn.execute(workers_t.update().where(workers_t.c.slot == slot)
                         .values(job_id=row.id, heartbeat_at=now))
        return dict(row._mapping)

    def finish(self, job_id: str, slot: int | None, status: str, error: str | None = None) -> None:
        with self.tx() as conn:
            conn.execute(jobs_t.update().where(jobs_t.c.id == job_id,
                                               jobs_t.c.status.in_(("queued", "running")))
                         .values(status=status, error=error, finished_at=time.time()))
            if slot is not None:
                conn.execute(workers_t.update().where(workers_t.c.slot == slot,
                                                      workers_t.c.job_id == job_id)
                             .values(job_id=None))

    def find(self, job_id_or_run_id: str) -> dict[str, Any] | None:
        with self.tx() as conn:
            row = conn.execute(sa.select(jobs_t).where(sa.or_(
                jobs_t.c.id == job_id_or_run_id, jobs_t.c.run_id == job_id_or_run_id))
                .order_by(jobs_t.c.seq.desc())).first()
        return None if row is None else dict(row._mapping)

    def cancel_queued(self, job_id: str) -> bool:
        with self.tx() as conn:
            res = conn.execute(jobs_t.update().where(jobs_t.c.id == job_id,
                                                     jobs_t.c.status == "queued")
                               .values(status="cancelled", finished_at=time.time()))
        return res.rowcount == 1

    def request_cancel(self, job_id: str) -> None:
        with self.tx() as conn:
            conn.execute(jobs_t.update().where(jobs_t.c.id == job_id,
                                               jobs_t.c.cancel_requested_at.is_(None))
                         .values(cancel_requested_at=time.time()))

    def jobs(self, statuses: tuple[str, ...]) -> list[dict[str, Any]]:
        with self.tx() as conn:
            rows = conn.execute(sa.select(jobs_t).where(jobs_t.c.status.in_(statuses))
                                .order_by(jobs_t.c.seq)).all()
        return [dict(r._mapping) for r in rows]

    def to_status(self, row: dict[str, Any], position: int | None = None) -> JobStatus:
        return JobStatus(id=row["id"], name=row["name"], args=json.loads(row["args"]),
                         run_id=row["run_id"], status=row["status"], position=position,
                         pid=row["pid"], created_at=_ts(row["created_at"]),
                         started_at=_ts(row["started_at"]), finished_at=_ts(row["finished_at"]),
                         error=row["error"])

    # --- workers ---------------------------------------------------------------------------
    def workers(self) -> list[dict[str, Any]]:
        with self.tx() as conn:
            return [dict(r._mapping) for r in conn.execute(sa.select(workers_t)).all()]

    def reserve_slot(self, slot: int) -> bool:
        try:
            with self.tx() as conn:
                conn.execute(workers_t.insert().values(slot=slot, host=HOST, started_at=time.time()))
            return True
        except sa.exc.IntegrityError:  # another process took the slot first
            return False

    def set_worker_pid(self, slot: int, pid: int) -> None:
        with self.tx() as conn:
            conn.execute(workers_t.update().where(workers_t.c.slot == slot)  # callers run on
                         .values(pid=pid, host=HOST, heartbeat_at=time.time()))  # pid's host

    def worker_heartbeat(self, slot: int) -> bool:
        """Refresh this worker's row; False when it no longer owns the slot (it should exit)."""
        with self.tx() as conn:
            res = conn.execute(workers_t.update().where(workers_t.c.slot == slot,
                                                        workers_t.c.pid == os.getpid())
                               .values(heartbeat_at=time.time()))
        return res.rowcount == 1

    def remove_worker(self, slot: int, pid: int | None, *, only_if_idle_queue: bool = False) -> bool:
        with self.tx() as conn:
            cond = [workers_t.c.slot == slot]
            cond.append(workers_t.c.pid == pid if pid is not None else workers_t.c.pid.is_(None))
            if only_if_idle_queue:  # never leave a freshly queued job without a worker
                cond.append(~sa.exists().where(jobs_t.c.status == "queued"))
            res = conn.execute(workers_t.delete().where(*cond))
        return res.rowcount == 1
