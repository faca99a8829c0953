"""Job names → "module:function" strings: a job is a name plus JSON, never pickled code.

A job function is called as `fn(args: dict, *, store, job_id, run_id)` inside a worker.
"""
from __future__ import annotations

import importlib
from typing import Callable

from core.errors import LayerLabError

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
    # Test helpers (tiny, import nothing heavy): sleep, fail.
    "sleep": "core.jobs._testing:sleep_job",
    "fail": "core.jobs._testing:fail_job",
}


def register_job(name: str, target: str) -> None:
    """Add a job kind, e.g. register_job("shap", "core.audit.explain.jobs:run_shap")."""
    if ":" not in target:
        raise ValueError(f"Job target {target!r} must look like 'package.module:function'.")
    JOBS[name] = target


def resolve_job(name: str) -> Callable:
    try:
        target = JOBS[name]
    except KeyError:
        raise LayerLabError(f"Unknown job '{name}'; known jobs: {', '.join(sorted(JOBS))}.") from None
    module, _, func = target.partition(":")
    return getattr(importlib.import_module(module), func)
