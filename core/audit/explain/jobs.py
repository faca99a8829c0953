"""The "explain" job: `explain_run` in a worker, with progress and the result saved with the run.

args: {"run_id", "kind": "explain", "rows": 500, "seed": 0, "lime_rows": 30, "include": [test rows]}
"""
from __future__ import annotations

from core.audit.progress import run_audit


def _explain(args: dict, progress, store) -> dict:
    from core.audit.explain._run import DEFAULT_LIME_ROWS, DEFAULT_ROWS, explain_run

    return explain_run(store, args["run_id"], rows=int(args.get("rows") or DEFAULT_ROWS),
                       seed=int(args.get("seed") or 0),
                       lime_rows=int(args.get("lime_rows") or DEFAULT_LIME_ROWS),
                       include=[int(r) for r in args.get("include") or []],
                       progress=progress.update)


explain_job = run_audit(_explain)
