"""The "search" job: a worker runs a whole study, up to `parallel` trials at once."""
from __future__ import annotations


def search_job(args: dict, *, store, job_id: str, run_id: str | None) -> None:
    from core.search import run_study

    # "user" (who asked) owns the trial runs; absent in jobs queued before it was passed.
    run_study(store, args["study_id"], user=args.get("user"))
