"""Hyperparameter search: Optuna tries settings, every trial is a real LayerLab run.

A study (`StudyDef`: the ranges to search, a budget in trials and/or seconds, and what to
optimise) is recorded with `create_study` in the run store's own database, Optuna's tables beside
the runs. `submit_search` queues the whole study as one "search" job; the worker's `run_study`
asks Optuna (TPE sampler, median or Hyperband pruner) for settings and trains up to the
runner's slots of them at once, each as a run of kind "trial" through `core.train.train_run`
with a `PruningHook` that feeds the validation score to the pruner every epoch.
`study_summary` reads the study live; `describe` says what it found in sentences;
`trial_curves` and `importances` feed the study charts of `core.plots.search`;
`budget_warning` says upfront how many trials fit a time limit; `request_stop` stops it.
Optuna is imported only inside functions.
"""
from __future__ import annotations

from core.search._budget import budget_message, budget_warning, estimate_trial_s
from core.search._run import AUDIT_KIND, TRIAL_RUN, PruningHook, run_study
from core.search._space import (ParamRange, apply_params, current_values, default_space,
                                parse_param, searchable)
from core.search._study import (DEFAULT_TRIALS, OBJECTIVE_LABEL, StudyDef, create_study,
                                list_studies, load_study, make_study_def, optuna_storage,
                                study_def_from_run)
from core.search._summary import (MIN_FOR_IMPORTANCE, StudySummary, TrialInfo, describe,
                                  importance_note, importances, request_stop, require_best,
                                  study_summary, trial_curves, trial_labels)

__all__ = ["ParamRange", "StudyDef", "StudySummary", "TrialInfo", "PruningHook", "make_study_def",
           "study_def_from_run", "default_space", "parse_param", "searchable", "apply_params",
           "current_values", "create_study", "submit_search", "run_study", "study_summary",
           "describe", "importances", "request_stop", "require_best", "list_studies", "load_study",
           "optuna_storage", "best_settings", "DEFAULT_TRIALS", "OBJECTIVE_LABEL", "TRIAL_RUN",
           "AUDIT_KIND", "budget_message", "budget_warning", "estimate_trial_s",
           "trial_curves", "importance_note", "MIN_FOR_IMPORTANCE",
           "trial_labels"]


def submit_search(store, runner, definition: StudyDef, user: str | None = None) -> str:
    """Record the study and queue it as one background "search" job; returns the study id.

    The job runs up to `runner.slots` trials at once (see `run_study`) unless the definition
    says how many. Its trial runs belong to `user` (else the user of an `as_user` store), who
    must be within their run limits (TOO_MANY_QUEUED / TOO_MANY_RUNNING) before anything is
    recorded."""
    from core.jobs import waiting_run_jobs
    from core.runs.access import check_quota, requester

    user = requester(store, user)
    check_quota(store, user, waiting_run_jobs(runner, user))
    if definition.parallel is None:
        definition = definition.model_copy(update={"parallel": max(1, runner.slots)})
    study_id = create_study(store, definition)
    job_id = runner.submit("search", {"study_id": study_id, "user": user})
    load_study(store, study_id).set_user_attr("job_id", job_id)
    return study_id


def best_settings(store, study_id: str):
    """(spec, config) of the study's best trial, ready for the workspace or a new run."""
    from core.spec import ModelSpec
    from core.train import TrainConfig

    summary = study_summary(store, study_id)
    best = require_best(summary)
    d = summary.definition
    return apply_params(ModelSpec.model_validate(d.spec), TrainConfig.model_validate(d.config),
                        best.params)
