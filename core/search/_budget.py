"""Before a search starts: how long one trial takes, and whether the trials fit the time limit.

A trial's time is the seconds per epoch of a finished run of the same data and model in the
store (the one the user just trained, usually), else a quick 2-epoch measure in this process,
times the epochs of each trial. Pruned trials end sooner, so the estimate is cautious.
"""
from __future__ import annotations

import math
import time

from core.search.messages import BUDGET_NONE_FITS, BUDGET_SHORT

MEASURE_EPOCHS = 2


def _duration(seconds: float) -> str:
    minutes = seconds / 60
    if seconds >= 60 and abs(minutes - round(minutes)) < 1e-9:
        return f"{round(minutes)} minute{'s' if round(minutes) != 1 else ''}"
    return f"{seconds:.3g} s"


def budget_message(trials: int | None, timeout_s: float | None, parallel: int,
                   trial_s: float) -> str | None:
    """What will happen when `trials` trials of `trial_s` seconds, `parallel` at a time, cannot
    all finish within `timeout_s`; None when they fit (or there is no time limit)."""
    if not trials or not timeout_s or trial_s <= 0:
        return None
    parallel = max(1, parallel)
    fit = min(trials, math.floor(timeout_s / trial_s) * parallel)
    if fit >= trials:
        return None
    if fit == 0:
        return BUDGET_NONE_FITS.format(limit=_duration(timeout_s), trial_s=trial_s)
    side = f", {parallel} at a time" if parallel > 1 else ""
    return BUDGET_SHORT.format(fit=fit, trials=trials, limit=_duration(timeout_s),
                               trial_s=trial_s, side_by_side=side)


def _seconds(span) -> float:
    return span.total_seconds() if hasattr(span, "total_seconds") else float(span)


def _epoch_s_from_store(store, definition) -> tuple[float, str] | None:
    for run in store.list_runs():
        if run.status == "finished" and run.epoch and run.started_at and run.finished_at \
                and run.dataset == definition.dataset and run.spec == definition.spec:
            return _seconds(run.finished_at - run.started_at) / run.epoch, run.id
    return None


def _measure_epoch_s(definition) -> float:
    """Seconds per epoch of the starting settings, trained here for a moment outside any store
    (a scratch run would share the checkpoint folder, keyed by run id, with the user's runs)."""
    import torch

    from core.data import DatasetRef, prepared
    from core.train import EpochLoop, TrainConfig, as_targets, build_setup
    from core.train.defaults import thread_count_kept, use_one_thread_if_small

    cfg = TrainConfig.model_validate({**definition.config, "epochs": MEASURE_EPOCHS,
                                      "early_stopping": False})
    _bundle, data = prepared(DatasetRef.model_validate(definition.dataset))
    setup = build_setup(definition.spec, cfg, data, "cpu")
    X = torch.from_numpy(data.X_train).float()
    Xv = torch.from_numpy(data.X_val).float()
    with thread_count_kept():  # as a trial trains: small models on one thread
        use_one_thread_if_small(setup.model)
        loop = EpochLoop(setup, X, as_targets(data.y_train, data.task, "cpu"), X_val=Xv,
                         y_val=as_targets(data.y_val, data.task, "cpu"), data=data)
        loop.begin()  # the epoch-0 measurement and warm-up are not part of an epoch's time
        t0 = time.perf_counter()
        for epoch in range(1, MEASURE_EPOCHS + 1):
            loop.end_epoch(epoch, loop.train_epoch(epoch))
    return max(time.perf_counter() - t0, 1e-3) / MEASURE_EPOCHS


def estimate_trial_s(store, definition) -> tuple[float, str]:
    """(seconds one full trial takes, where that figure comes from: a run id or "measured")."""
    epochs = int(definition.config.get("epochs", 20))
    found = _epoch_s_from_store(store, definition)
    if found is not None:
        return found[0] * epochs, found[1]
    return _measure_epoch_s(definition) * epochs, "measured"


def budget_warning(store, definition, parallel: int | None = None) -> str | None:
    """The sentence to show before starting when the trials cannot all fit the time limit."""
    if not definition.trials or not definition.timeout_s:
        return None
    trial_s, _source = estimate_trial_s(store, definition)
    return budget_message(definition.trials, definition.timeout_s,
                          parallel or definition.parallel or 1, trial_s)
