"""SqlRunStore: the run store on SQLAlchemy Core (SQLite file by default, any SQLAlchemy URL later).

Many processes write at once (the web server, several workers, a CLI run), so SQLite runs in
WAL mode with a busy timeout, and every write is one short transaction through `_tx()`.
Rows come back as the plain dataclasses of `_types`, never ORM objects.
"""
from __future__ import annotations

import json
import math
import os
import socket
import time
from contextlib import contextmanager
from datetime import datetime, timezone
from typing import Any, Iterator

import sqlalchemy as sa

from core.errors import LayerLabError
from core.runs._base import RunStore
from core.runs._blobs import BlobMixin
from core.runs._engine import sql_engine
from core.runs._resilient import PATIENT_DELAYS_S, resilient_methods
from core.runs._schema import audits_t, epochs_t, internals_t, logs_t, runs_t, steps_t
from core.runs._types import RUN_STATUSES, EpochRow, LayerStat, LogLine, Run, RunProcess
from core.runs.messages import NO_SUCH_RUN, UNKNOWN_FIELDS, UNKNOWN_STATUS

_JSON_FIELDS = {"dataset", "spec", "config", "preprocessing", "versions", "test_metrics"}
_TIME_FIELDS = {"created_at", "started_at", "finished_at", "heartbeat_at"}
_UPDATABLE = {c.name for c in runs_t.columns} - {"seq", "id"}


def num(value: Any) -> float | None:
    """A float for the store, or None for missing/NaN/inf (never a silent 0)."""
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def _ts(dt: float | None) -> datetime | None:
    return None if dt is None else datetime.fromtimestamp(dt, tz=timezone.utc)


def _to_db(name: str, value: Any) -> Any:
    if name in _JSON_FIELDS:
        return None if value is None else json.dumps(value, default=str)
    if name in _TIME_FIELDS or name == "stop_requested_at":
        return value.timestamp() if isinstance(value, datetime) else value
    if isinstance(value, float):
        return num(value)
    return value


@resilient_methods  # a server store that stops answering: retries or STORE_RETRYING (_resilient)
class SqlRunStore(BlobMixin, RunStore):
    """Run store on SQLAlchemy; see the module docstring."""

    def __init__(self, url: str, *, patient: bool = False):
        self.url = url
        # Workers wait out a server restart (patient); pages fail fast and poll again.
        self.retry_delays_s: tuple[float, ...] = PATIENT_DELAYS_S if patient else ()
        # The SQLAlchemy engine (schema at head); SQL-specific, not part of RunStore.
        self.engine: sa.Engine = sql_engine(url)

    @contextmanager
    def _tx(self) -> Iterator[sa.Connection]:
        """One transaction: commits on success, rolls back on any error."""
        with self.engine.begin() as conn:
            yield conn

    # --- runs -------------------------------------------------------------------------------
    def create_run(self, *, name, kind="train", dataset, dataset_hash, spec, config, task,
                   parent_id=None, owner=None, private=False) -> str:
        with self._tx() as conn:
            placeholder = f"new-{os.getpid()}-{time.monotonic_ns()}"
            seq = conn.execute(runs_t.insert().values(
                id=placeholder, name=name[:200], kind=kind, status="queued", task=task,
                dataset=json.dumps(dataset), dataset_hash=dataset_hash, spec=json.dumps(spec),
                config=json.dumps(config), created_at=time.time(), parent_id=parent_id,
                notes="", preprocessing="[]", versions="{}", test_metrics="{}",
                owner=owner, private=bool(private),
            )).inserted_primary_key[0]
            run_id = f"run-{seq:04d}"
            conn.execute(runs_t.update().where(runs_t.c.seq == seq).values(id=run_id))
        return run_id

    def _row_to_run(self, row: sa.Row, position: int | None) -> Run:
        d = dict(row._mapping)
        kwargs: dict[str, Any] = {}
        for f in Run.__dataclass_fields__:
            if f in ("queue_position", "stop_requested"):
                continue
            value = d.get(f)
            if f in _JSON_FIELDS:
                value = json.loads(value) if value else ({} if f != "preprocessing" else [])
            elif f in _TIME_FIELDS:
                value = _ts(value)
            kwargs[f] = value
        kwargs["notes"] = kwargs.get("notes") or ""
        kwargs["private"] = bool(kwargs.get("private"))
        return Run(**kwargs, queue_position=position,
                   stop_requested=d.get("stop_requested_at") is not None)

    def _queue_positions(self, conn: sa.Connection) -> dict[str, int]:
        ids = conn.execute(sa.select(runs_t.c.id).where(runs_t.c.status == "queued")
                           .order_by(runs_t.c.seq)).scalars().all()
        return {rid: i + 1 for i, rid in enumerate(ids)}

    def get_run(self, run_id: str) -> Run:
        with self._tx() as conn:
            row = conn.execute(sa.select(runs_t).where(runs_t.c.id == run_id)).first()
            if row is None:
                raise LayerLabError(NO_SUCH_RUN.format(run_id=run_id))
            pos = self._queue_positions(conn).get(run_id) if row.status == "queued" else None
        return self._row_to_run(row, pos)

    def list_runs(self, limit: int = 500) -> list[Run]:
        with self._tx() as conn:
            rows = conn.execute(sa.select(runs_t).order_by(runs_t.c.seq.desc()).limit(limit)).all()
            positions = self._queue_positions(conn)
        return [self._row_to_run(r, positions.get(r.id)) for r in rows]

    def _update(self, run_id: str, values: dict[str, Any]) -> None:
        with self._tx() as conn:
            conn.execute(runs_t.update().where(runs_t.c.id == run_id).values(**values))

    def set_status(self, run_id, status, *, error=None, advice=None) -> None:
        if status not in RUN_STATUSES:
            raise ValueError(UNKNOWN_STATUS.format(status=status, expected=RUN_STATUSES))
        values: dict[str, Any] = {"status": status}
        if error is not None:
            values["error"] = error
        if advice is not None:
            values["advice"] = advice
        now = time.time()
        if status == "running":
            values["started_at"] = now
        elif status != "queued":
            values["finished_at"] = now
            values["eta_s"] = None
        self._update(run_id, values)

    def update_run(self, run_id, **fields) -> None:
        unknown = set(fields) - _UPDATABLE
        if unknown:
            raise ValueError(UNKNOWN_FIELDS.format(unknown=sorted(unknown), known=sorted(_UPDATABLE)))
        self._update(run_id, {k: _to_db(k, v) for k, v in fields.items()})

    def set_progress(self, run_id, *, epoch, total_epochs, step, steps_per_epoch, eta_s) -> None:
        self._update(run_id, dict(epoch=epoch, total_epochs=total_epochs, step=step,
                                  steps_per_epoch=steps_per_epoch, eta_s=num(eta_s),
                                  heartbeat_at=time.time()))

    def request_stop(self, run_id) -> None:
        with self._tx() as conn:  # keep the first request's time: the grace period counts from it
            conn.execute(runs_t.update().where(runs_t.c.id == run_id,
                                               runs_t.c.stop_requested_at.is_(None))
                         .values(stop_requested_at=time.time()))

    def stop_requested(self, run_id) -> bool:
        with self._tx() as conn:
            value = conn.execute(sa.select(runs_t.c.stop_requested_at)
                                 .where(runs_t.c.id == run_id)).scalar()
        return value is not None

    def stop_requested_at(self, run_id) -> float | None:
        with self._tx() as conn:
            return conn.execute(sa.select(runs_t.c.stop_requested_at)
                                .where(runs_t.c.id == run_id)).scalar()

    def heartbeat(self, run_id) -> None:
        self._update(run_id, {"heartbeat_at": time.time()})

    def claim(self, run_id: str) -> None:
        self._update(run_id, {"pid": os.getpid(), "host": socket.gethostname(),
                              "heartbeat_at": time.time()})

    def run_status(self, run_id) -> str | None:
        with self._tx() as conn:
            return conn.execute(sa.select(runs_t.c.status).where(runs_t.c.id == run_id)).scalar()

    def start_if_queued(self, run_id, *, pid, host) -> bool:
        now = time.time()
        return self._update_if_queued(run_id, status="running", pid=pid, host=host,
                                      started_at=now, heartbeat_at=now)

    def stop_if_queued(self, run_id) -> bool:
        return self._update_if_queued(run_id, status="stopped", finished_at=time.time())

    def _update_if_queued(self, run_id: str, **values: Any) -> bool:
        with self._tx() as conn:  # one UPDATE: two processes can never both win
            res = conn.execute(runs_t.update().where(runs_t.c.id == run_id,
                                                     runs_t.c.status == "queued").values(**values))
        return res.rowcount == 1

    def running_runs(self) -> list[RunProcess]:
        with self._tx() as conn:
            rows = conn.execute(sa.select(runs_t.c.id, runs_t.c.pid, runs_t.c.host,
                                          runs_t.c.heartbeat_at, runs_t.c.stop_requested_at)
                                .where(runs_t.c.status == "running")).all()
        return [RunProcess(id=r.id, pid=r.pid, host=r.host, heartbeat_at=r.heartbeat_at,
                           stop_requested_at=r.stop_requested_at) for r in rows]

    def set_notes(self, run_id, text) -> None:
        self._update(run_id, {"notes": text})

    def delete_run(self, run_id) -> None:
        with self._tx() as conn:
            for table in (epochs_t, steps_t, internals_t, audits_t, logs_t):
                conn.execute(table.delete().where(table.c.run_id == run_id))
            conn.execute(runs_t.delete().where(runs_t.c.id == run_id))

    # --- curves and internals ---------------------------------------------------------------
    def write_epoch(self, run_id, row, *, steps=(), internals=(), fields=None) -> None:
        """One transaction per epoch: the epoch row, its step points, internals, run fields."""
        with self._tx() as conn:
            self._epoch_rows(conn, run_id, row)
            if steps:
                conn.execute(steps_t.insert(), self._step_rows(run_id, steps))
            if internals:
                conn.execute(internals_t.insert(), self._internal_rows(run_id, row.epoch, internals))
            values = {k: _to_db(k, v) for k, v in (fields or {}).items()}
            values["heartbeat_at"] = time.time()
            conn.execute(runs_t.update().where(runs_t.c.id == run_id).values(**values))

    def add_epoch(self, run_id, row: EpochRow) -> None:
        with self._tx() as conn:
            self._epoch_rows(conn, run_id, row)

    @staticmethod
    def _epoch_rows(conn, run_id, row: EpochRow) -> None:
        # Re-writing an epoch replaces it.
        conn.execute(epochs_t.delete().where(epochs_t.c.run_id == run_id,
                                             epochs_t.c.epoch == row.epoch))
        conn.execute(epochs_t.insert().values(
            run_id=run_id, epoch=row.epoch, train_loss=num(row.train_loss),
            val_loss=num(row.val_loss), train_metric=num(row.train_metric),
            val_metric=num(row.val_metric), lr=num(row.lr), elapsed_s=num(row.elapsed_s),
            extra=json.dumps({k: (num(v) if isinstance(v, float) else v)
                              for k, v in row.extra.items()})))

    def epochs(self, run_id) -> list[EpochRow]:
        return self.epochs_after(run_id, -1)

    def epochs_after(self, run_id, epoch: int) -> list[EpochRow]:
        # A range on the (run_id, epoch) primary key: nothing new costs one index probe.
        with self._tx() as conn:
            rows = conn.execute(sa.select(epochs_t).where(epochs_t.c.run_id == run_id,
                                                          epochs_t.c.epoch > epoch)
                                .order_by(epochs_t.c.epoch)).all()
        return [EpochRow(epoch=r.epoch, train_loss=r.train_loss, val_loss=r.val_loss,
                         train_metric=r.train_metric, val_metric=r.val_metric, lr=r.lr,
                         elapsed_s=r.elapsed_s,
                         # most rows have no extras: skip the parser for them (a 10^5-row read)
                         extra=json.loads(r.extra) if r.extra and r.extra != "{}" else {})
                for r in rows]

    def add_steps(self, run_id, points) -> None:
        if not points:
            return
        with self._tx() as conn:
            conn.execute(steps_t.insert(), self._step_rows(run_id, points))

    @staticmethod
    def _step_rows(run_id, points) -> list[dict]:
        return [{"run_id": run_id, "step": int(s), "loss": num(v)} for s, v in points]

    @staticmethod
    def _internal_rows(run_id, epoch, rows) -> list[dict]:
        return [dict(run_id=run_id, epoch=epoch, layer=r.layer, grad_norm=num(r.grad_norm),
                     weight_norm=num(r.weight_norm), dead_fraction=num(r.dead_fraction),
                     act_mean=num(r.act_mean), act_std=num(r.act_std)) for r in rows]

    def steps(self, run_id, max_points: int = 2000) -> list[tuple[int, float]]:
        """Step losses; long series come back as bucket means (first step of each bucket)."""
        with self._tx() as conn:
            n, last = conn.execute(sa.select(sa.func.count(), sa.func.max(steps_t.c.step))
                                   .where(steps_t.c.run_id == run_id)).one()
            if n <= max_points:
                q = (sa.select(steps_t.c.step, steps_t.c.loss).where(steps_t.c.run_id == run_id)
                     .order_by(steps_t.c.step))
            else:
                width = max(1, math.ceil((last + 1) / max_points))
                bucket = (steps_t.c.step // width).label("bucket")
                q = (sa.select(sa.func.min(steps_t.c.step), sa.func.avg(steps_t.c.loss))
                     .where(steps_t.c.run_id == run_id).group_by(bucket).order_by(bucket))
            rows = conn.execute(q).all()
        return [(int(s), float(v)) for s, v in rows if v is not None]

    def steps_after(self, run_id, step: int) -> list[tuple[int, float]]:
        with self._tx() as conn:  # ix_steps_run_step makes this a range scan
            rows = conn.execute(sa.select(steps_t.c.step, steps_t.c.loss)
                                .where(steps_t.c.run_id == run_id, steps_t.c.step > step)
                                .order_by(steps_t.c.step)).all()
        return [(int(s), float(v)) for s, v in rows if v is not None]

    def add_internals(self, run_id, epoch, rows: list[LayerStat]) -> None:
        if not rows:
            return
        with self._tx() as conn:
            conn.execute(internals_t.insert(), self._internal_rows(run_id, epoch, rows))

    def internals(self, run_id) -> list[LayerStat]:
        with self._tx() as conn:
            rows = conn.execute(sa.select(internals_t).where(internals_t.c.run_id == run_id)
                                .order_by(internals_t.c.epoch, internals_t.c.id)).all()
        return [LayerStat(epoch=r.epoch, layer=r.layer, grad_norm=r.grad_norm,
                          weight_norm=r.weight_norm, dead_fraction=r.dead_fraction,
                          act_mean=r.act_mean, act_std=r.act_std) for r in rows]

    # --- audits and logs --------------------------------------------------------------------
    def save_audit(self, run_id, kind, payload) -> None:
        with self._tx() as conn:
            conn.execute(audits_t.delete().where(audits_t.c.run_id == run_id,
                                                 audits_t.c.kind == kind))
            conn.execute(audits_t.insert().values(run_id=run_id, kind=kind, created_at=time.time(),
                                                  payload=json.dumps(payload, default=str)))

    def get_audit(self, run_id, kind) -> dict | None:
        with self._tx() as conn:
            value = conn.execute(sa.select(audits_t.c.payload).where(
                audits_t.c.run_id == run_id, audits_t.c.kind == kind)).scalar()
        return None if value is None else json.loads(value)

    def log(self, run_id, level, message) -> None:
        with self._tx() as conn:
            conn.execute(logs_t.insert().values(run_id=run_id, at=time.time(),
                                                level=str(level).upper()[:10], message=str(message)))

    def logs(self, run_id) -> list[LogLine]:
        with self._tx() as conn:
            rows = conn.execute(sa.select(logs_t).where(logs_t.c.run_id == run_id)
                                .order_by(logs_t.c.id)).all()
        return [LogLine(at=_ts(r.at), level=r.level, message=r.message) for r in rows]
