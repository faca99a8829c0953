"""A study: what to search, for how long, towards what; kept in the run store's own database.

Optuna's tables live beside the runs (storage URL = `store.url`), so a study, its trials and the
runs they trained are in one place. The study's definition and state are study user attributes;
each trial's run id, and the epoch where a pruned trial stopped, are trial user attributes.
"""
from __future__ import annotations

import os
import threading
from typing import Literal

from pydantic import BaseModel, Field

from core.errors import LayerLabError
from core.search._space import ParamRange, check_range, default_space
from core.search.messages import (FROM_FAILED_RUN, NO_FAIRNESS_COLUMN, NO_SUCH_STUDY,
                                  NOTHING_TO_SEARCH, OBJECTIVE_TASK, ZERO_BUDGET)

Objective = Literal["val_loss", "accuracy", "r2", "fair_accuracy"]
_OBJECTIVES_BY_TASK = {"binary": ("val_loss", "accuracy", "fair_accuracy"),
                       "multiclass": ("val_loss", "accuracy"), "regression": ("val_loss", "r2")}
OBJECTIVE_LABEL = {"val_loss": "validation loss", "accuracy": "validation accuracy",
                   "r2": "validation R²", "fair_accuracy": "validation accuracy (fairness bound)"}
DEFAULT_TRIALS = 20


class StudyDef(BaseModel):
    """Everything that defines a search; stored with the study as JSON."""

    dataset: dict  # a DatasetRef as JSON
    spec: dict  # the ModelSpec each trial starts from
    config: dict  # the TrainConfig each trial starts from (its epochs are each trial's epochs)
    space: list[ParamRange]
    trials: int | None = DEFAULT_TRIALS
    timeout_s: float | None = None
    objective: Objective = "val_loss"
    dp_bound: float = Field(0.05, ge=0.0, le=1.0)  # largest demographic-parity difference allowed
    pruner: Literal["median", "hyperband", "none"] = "median"
    seed: int = 0
    parallel: int | None = Field(None, ge=1, le=64)  # trials at once; None: the runner's slots

    @property
    def direction(self) -> str:
        return "minimize" if self.objective == "val_loss" else "maximize"


def make_study_def(dataset, spec, config, *, space: list[ParamRange] | None = None,
                   trials: int | None = DEFAULT_TRIALS, timeout_s: float | None = None,
                   objective: str | None = None, dp_bound: float = 0.05,
                   pruner: str = "median", seed: int = 0, parallel: int | None = None) -> StudyDef:
    """A checked StudyDef: default ranges around `spec`/`config`, a budget above 0, an objective
    that fits the task (default: validation loss). LayerLabError with a named message otherwise."""
    from core.data import prepared

    _bundle, data = prepared(dataset)
    if (trials is not None and trials <= 0) or (timeout_s is not None and timeout_s <= 0) \
            or (trials is None and timeout_s is None):
        what = f"{trials} trials" if trials is not None and trials <= 0 else f"a timeout of {timeout_s} s"
        raise LayerLabError(ZERO_BUDGET.format(what=what))
    space = default_space(spec, config, len(data.X_train)) if space is None else space
    if not space:
        raise LayerLabError(NOTHING_TO_SEARCH)
    for p in space:
        check_range(p, spec)
    objective = objective or "val_loss"
    allowed = _OBJECTIVES_BY_TASK[data.task]
    if objective not in allowed:
        raise LayerLabError(OBJECTIVE_TASK.format(objective=objective, task=data.task,
                                                  allowed=", ".join(allowed)))
    if objective == "fair_accuracy" and (data.sensitive_val is None or data.sensitive_val.shape[1] == 0):
        raise LayerLabError(NO_FAIRNESS_COLUMN.format(dataset=getattr(dataset, "name", "this data"),
                                                      what="no sensitive column"))
    return StudyDef(dataset=dataset.model_dump(mode="json"), spec=spec.model_dump(mode="json"),
                    config=config.model_dump(mode="json"), space=space, trials=trials,
                    timeout_s=timeout_s, objective=objective, dp_bound=dp_bound, pruner=pruner,
                    seed=seed, parallel=parallel)


def study_def_from_run(store, run_id: str, **kwargs) -> StudyDef:
    """A search around a finished run's dataset, model and settings (not a failed run's)."""
    from core.data import DatasetRef
    from core.spec import ModelSpec
    from core.train import TrainConfig

    run = store.get_run(run_id)
    if run.status in ("failed", "diverged"):
        raise LayerLabError(FROM_FAILED_RUN.format(run_id=run_id, status=run.status,
                                                   error=run.error or ""))
    return make_study_def(DatasetRef.model_validate(run.dataset), ModelSpec.model_validate(run.spec),
                          TrainConfig.model_validate(run.config), **kwargs)


_STORAGES: dict = {}
_LOCK = threading.Lock()


def optuna_storage(store):
    """Optuna's RDB storage on the run store's own database (one per URL and process)."""
    import optuna

    key = (store.url, os.getpid())
    with _LOCK:
        if key not in _STORAGES:
            sqlite = store.url.startswith("sqlite")
            # Both the run store and Optuna keep their schema revision in `alembic_version`; the
            # store opened (and stamped) this database first, so Optuna must not read that row as
            # its own. Its tables are created by create_all; optuna is pinned, so they match.
            _STORAGES[key] = optuna.storages.RDBStorage(
                store.url, skip_compatibility_check=True,
                engine_kwargs={"connect_args": {"timeout": 15}} if sqlite else {})
        return _STORAGES[key]


def _quiet() -> None:
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)


def create_study(store, definition: StudyDef) -> str:
    """Record a new study in the store's database; returns its id ("search-0003")."""
    import optuna

    _quiet()
    storage = optuna_storage(store)
    for attempt in range(20):  # two processes may pick the same number; the loser takes the next
        n = len(storage.get_all_studies()) + 1 + attempt
        study_id = f"search-{n:04d}"
        try:
            study = optuna.create_study(storage=storage, study_name=study_id,
                                        direction=definition.direction)
            break
        except optuna.exceptions.DuplicatedStudyError:
            continue
    else:
        raise LayerLabError(f"Could not find a free search id after {n}; try again.")
    study.set_user_attr("definition", definition.model_dump(mode="json"))
    study.set_user_attr("state", "queued")
    return study_id


def load_study(store, study_id: str):
    """The Optuna study `study_id`; LayerLabError NO_SUCH_STUDY when there is none."""
    import optuna

    _quiet()
    try:
        return optuna.load_study(study_name=study_id, storage=optuna_storage(store))
    except KeyError:
        raise LayerLabError(NO_SUCH_STUDY.format(study_id=study_id)) from None


def study_def(study) -> StudyDef:
    return StudyDef.model_validate(study.user_attrs["definition"])


def list_studies(store) -> list[str]:
    """The ids of all studies in the store, newest first."""
    return sorted((s.study_name for s in optuna_storage(store).get_all_studies()), reverse=True)


def set_state(study, state: str, message: str = "") -> None:
    study.set_user_attr("state", state)
    study.set_user_attr("message", message)
