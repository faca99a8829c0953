"""Job names → "module:function" strings: a job is a name plus JSON, never pickled code.

A job function is called as `fn(args: dict, *, store, job_id, run_id)` inside a worker.
Jobs that only tests need are not built in: LAYERLAB_EXTRA_JOBS (a JSON object of names to
targets) adds them, and because workers inherit the environment they resolve them too.
"""
from __future__ import annotations

import importlib
import json
import os
from typing import Callable

from core.errors import LayerLabError
from core.jobs.messages import BAD_EXTRA_JOBS, BAD_JOB_TARGET, UNKNOWN_JOB

EXTRA_JOBS_ENV = "LAYERLAB_EXTRA_JOBS"

JOBS: dict[str, str] = {
    "train": "core.train.job:run_train_job",
    # Audits of a finished run (each module wraps its function with core.audit._jobs.run_audit).
    "overfit_check": "core.audit.checklist:overfit_check_job",
    "lr_finder": "core.audit.checklist:lr_finder_job",
    "fairness_mitigate": "core.audit.fairness.jobs:mitigate_job",
    "fairness_intervals": "core.audit.fairness.jobs:intervals_job",
    "explain": "core.audit.explain.jobs:explain_job",
    "stress": "core.audit.stress.jobs:stress_job",
    "adv_train": "core.audit.stress.jobs:adv_train_job",
    "search": "core.search.jobs:search_job",  # a whole hyperparameter study (its trials on threads)
    "export": "core.export.jobs:export_job",
    "counterfactual_groups": "core.audit.whatif.jobs:groups_job",
    "report_audits": "core.report.jobs:report_audits_job",  # the audits a report still lacks
    "prune": "core.compress.jobs:prune_job",  # structured pruning + fine-tuning, a child run
    "quantize": "core.compress.jobs:quantize_job",  # int8 ONNX, measured before and after
}

# Jobs whose result is new runs, made only when a worker takes them: they count against the
# requester's run limits while queued, and carry the requester as args["user"], the new runs'
# owner. The audits among them are queued through core.audit.progress.submit_audit, "search"
# through core.search.submit_search; "train" and "adv_train" have their run before they queue.
MAKES_RUNS = frozenset({"fairness_mitigate", "prune", "quantize", "search"})


def waiting_run_jobs(runner, user: str | None) -> int:
    """How many of `user`'s queued jobs will make runs once a worker takes them (their runs do
    not exist yet, so a count of queued runs alone would let one person queue any number)."""
    if user is None:
        return 0
    return sum(j.name in MAKES_RUNS and j.args.get("user") == user for j in runner.queue())


def _check_target(target: object) -> str:
    if not isinstance(target, str) or ":" not in target:
        raise ValueError(BAD_JOB_TARGET.format(target=target))
    return target


def register_job(name: str, target: str) -> None:
    """Add a job kind, e.g. register_job("shap", "core.audit.explain.jobs:run_shap")."""
    JOBS[name] = _check_target(target)


def known_jobs() -> dict[str, str]:
    """The built-in and registered jobs plus those named in LAYERLAB_EXTRA_JOBS."""
    raw = os.environ.get(EXTRA_JOBS_ENV)
    if not raw:
        return dict(JOBS)
    try:
        extra = json.loads(raw)
    except ValueError:
        extra = None
    if not isinstance(extra, dict):
        raise LayerLabError(BAD_EXTRA_JOBS.format(value=raw))
    return {**JOBS, **{str(k): _check_target(v) for k, v in extra.items()}}


def resolve_job(name: str) -> Callable:
    """The function of job `name`; LayerLabError UNKNOWN_JOB when no such job is known."""
    jobs = known_jobs()
    if name not in jobs:
        raise LayerLabError(UNKNOWN_JOB.format(name=name, known=", ".join(sorted(jobs))))
    module, _, func = jobs[name].partition(":")
    return getattr(importlib.import_module(module), func)
