"""The "train" job: what a worker runs for a queued training run."""
from __future__ import annotations


def run_train_job(args: dict, *, store, job_id: str, run_id: str | None) -> None:
    from core.train.loop import train_run

    train_run(store, run_id or args["run_id"])
