"""Running a study: Optuna asks for settings, each trial trains as a real LayerLab run.

Ask-and-tell keeps the loop ours: each trial is a stored run (kind "trial", its notes and a
"search_trial" audit record naming the study), trained by `core.train.train_run` with a
`PruningHook` that reports the trial's validation score to Optuna every epoch and stops the run
when the pruner says so. The current settings are tried first, so the best trial is never worse
than what the user already had.
"""
from __future__ import annotations

import logging
import math
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from core.audit.records import AuditKind
from core.errors import LayerLabError
from core.search._space import apply_params, current_values, suggest
from core.search._study import load_study, optuna_storage, set_state, study_def
from core.search.messages import PRUNED_NOTE, PRUNED_NOTE_HYPERBAND, STOPPED_BY_USER, TRIAL_NOTE
from core.train import TrainHooks

log = logging.getLogger(__name__)

TRIAL_RUN = "trial"  # the kind of run a trial is (a run kind, not an audit kind)
AUDIT_KIND = AuditKind.SEARCH_TRIAL
_ASK_LOCK = threading.Lock()


class PruningHook(TrainHooks):
    """Reports the run's score so far to the Optuna trial each epoch; stops it when pruned.

    The score is the one the run store keeps: the best validation loss so far, or the
    validation metric at that epoch (and, for the fairness objective, its parity difference)."""

    def __init__(self, trial, objective: str, dp_bound: float = 0.05):
        self.trial, self.objective, self.dp_bound = trial, objective, dp_bound
        self.pruned_at: int | None = None
        self.value: float | None = None
        self.dp: float | None = None

    def on_epoch_end(self, state, row) -> None:
        if row.val_loss is not None and row.val_loss == state.best_val:
            self.dp = row.extra.get("dp_diff")  # the parity gap of the epoch that is kept
        value = state.best_val if self.objective == "val_loss" else state.best_metric
        if value is None or not math.isfinite(value):
            return
        self.value = float(value)
        self.trial.report(self.value, row.epoch)
        if self.trial.should_prune():
            self.pruned_at = row.epoch
            state.stop = True  # the loop ends at its next step, keeping this epoch's checkpoint

    @property
    def violation(self) -> float:
        """How far the kept epoch's parity difference is over the bound (≤ 0: within it)."""
        return (self.dp if self.dp is not None else 1.0) - self.dp_bound


def _sampler(definition):
    import optuna

    n = definition.trials or 20
    constraints = None
    if definition.objective == "fair_accuracy":
        def constraints(t):  # ≤ 0 is feasible: TPE learns to stay under the parity bound
            return [t.user_attrs.get("violation", 1.0)]
    # constant_liar: trials running side by side are counted as bad, so TPE does not hand two
    # workers the same settings.
    return optuna.samplers.TPESampler(seed=definition.seed, n_startup_trials=max(2, min(10, n // 3)),
                                      constraints_func=constraints,
                                      constant_liar=(definition.parallel or 1) > 1)


def _pruner(definition):
    import optuna

    epochs = int(definition.config.get("epochs", 20))
    if definition.pruner == "none":
        return optuna.pruners.NopPruner()
    if definition.pruner == "hyperband":
        return optuna.pruners.HyperbandPruner(min_resource=1, max_resource=epochs)
    n = definition.trials or 20
    return optuna.pruners.MedianPruner(n_startup_trials=max(2, min(5, n // 4)),
                                       n_warmup_steps=epochs // 5)


def _first_params(definition) -> dict:
    """The current settings, for those of the searched ones that lie in their range."""
    from core.spec import ModelSpec
    from core.train import TrainConfig

    now = current_values(ModelSpec.model_validate(definition.spec),
                         TrainConfig.model_validate(definition.config))
    keep = {}
    for p in definition.space:
        v = now.get(p.name)
        if (p.kind == "choice" and v in p.choices) or \
                (p.kind != "choice" and v is not None and p.low <= v <= p.high):
            keep[p.name] = v
    return keep


def run_study(store, study_id: str, on_trial=None, user: str | None = None) -> None:
    """Run the study's trials in this process until its budget is spent or it is stopped.

    Up to `definition.parallel` trials train at once, each on its own worker thread of this
    one job. Threads rather than a training job per trial because: (1) the study job already
    holds a runner slot, so trial jobs queued behind it could wait for ever on a 1-slot runner;
    (2) Stop stays one flag on the study, read before every new trial, plus the stop flag of each
    running trial's run, exactly as before; (3) Optuna's RDB storage and the run store are both
    safe to share between threads (Optuna's own `n_jobs` does the same), and each run's log
    handler only takes records of its own thread. Torch releases the GIL while it computes, so
    small models do train side by side.

    `on_trial(summary_line: str)` is told about each finished trial (the CLI prints it); the
    trial runs belong to `user`."""
    import optuna

    definition = study_def(load_study(store, study_id))
    study = optuna.load_study(study_name=study_id, storage=optuna_storage(store),
                              sampler=_sampler(definition), pruner=_pruner(definition))
    set_state(study, "running")
    if not study.trials and not study.user_attrs.get("stop_requested"):
        study.enqueue_trial(_first_params(definition))
    workers = _Workers(store, study, definition, on_trial, user)
    n = max(1, min(definition.parallel or 1, definition.trials or 64))
    try:
        with ThreadPoolExecutor(n, thread_name_prefix=study_id) as pool:
            for future in [pool.submit(workers.work) for _ in range(n)]:
                future.result()  # re-raises a worker's crash here
    except Exception as exc:  # noqa: BLE001 - the study must end with a readable state
        set_state(study, "failed", f"{type(exc).__name__}: {exc}")
        raise
    stopped = workers.stopped
    set_state(study, "stopped" if stopped else "done",
              STOPPED_BY_USER.format(done=workers.done) if stopped else "")


class _Workers:
    """What the study's worker threads share: the budget left, Stop, and a crash of any of them."""

    def __init__(self, store, study, definition, on_trial, user: str | None = None):
        self.store, self.study, self.definition, self.on_trial = store, study, definition, on_trial
        self.user = user
        self.t0, self.lock = time.monotonic(), threading.Lock()
        self.started = self.done = 0
        self.stopped = self.crashed = False

    def next_trial(self) -> bool:
        """One decision at a time, so the trial budget is never overshot."""
        d = self.definition
        with self.lock:
            if self.stopped or self.crashed or (d.trials is not None and self.started >= d.trials):
                return False
            if d.timeout_s is not None and time.monotonic() - self.t0 >= d.timeout_s:
                return False
            if self.study.user_attrs.get("stop_requested"):  # read from the database each time
                self.stopped = True
                return False
            self.started += 1
            return True

    def work(self) -> None:
        while self.next_trial():
            try:
                line = run_trial(self.store, self.study, self.definition, self.user)
            except Exception:
                self.crashed = True  # the other workers start no new trial
                raise
            with self.lock:
                self.done += 1
                if self.on_trial:
                    self.on_trial(line)


def run_trial(store, study, definition, user: str | None = None) -> str:
    """Ask for settings, train them as a run of `user`, tell Optuna how it went; a line saying so."""
    import optuna
    from core.data import DatasetRef
    from core.spec import ModelSpec
    from core.train import TrainConfig, create_run, train_run

    with _ASK_LOCK:  # on SQLite two threads could both pop the same enqueued (waiting) trial
        trial = study.ask()
    params = {p.name: suggest(trial, p) for p in definition.space}
    spec, cfg = apply_params(ModelSpec.model_validate(definition.spec),
                             TrainConfig.model_validate(definition.config), params)
    note = TRIAL_NOTE.format(study_id=study.study_name, number=trial.number)
    try:
        run_id = create_run(store, DatasetRef.model_validate(definition.dataset), spec, cfg,
                            name=f"{study.study_name} trial {trial.number}", owner=user)
    except LayerLabError as exc:  # e.g. a width the data cannot take: a failed trial, not a crash
        trial.set_user_attr("error", str(exc))
        study.tell(trial, state=optuna.trial.TrialState.FAIL)
        return f"trial {trial.number}: failed before training: {exc}"
    store.update_run(run_id, kind=TRIAL_RUN, notes=note)
    trial.set_user_attr("run_id", run_id)
    hook = PruningHook(trial, definition.objective, definition.dp_bound)
    run = train_run(store, run_id, hooks=[hook])
    return _tell(store, study, trial, definition, run, hook, params)


def _tell(store, study, trial, definition, run, hook, params) -> str:
    import optuna

    state, value, what = optuna.trial.TrialState.FAIL, None, run.status
    if definition.objective == "fair_accuracy":
        trial.set_user_attr("violation", hook.violation)
        trial.set_user_attr("dp_diff", hook.dp)
    if hook.pruned_at is not None:
        state, value = optuna.trial.TrialState.PRUNED, hook.value
        trial.set_user_attr("pruned_epoch", hook.pruned_at)
        template = PRUNED_NOTE_HYPERBAND if definition.pruner == "hyperband" else PRUNED_NOTE
        store.set_notes(run.id, template.format(study_id=study.study_name, number=trial.number,
                                                   epoch=hook.pruned_at, metric=_metric(definition)))
        what = f"pruned at epoch {hook.pruned_at}"
    elif run.status == "finished" and hook.value is not None:
        state, value = optuna.trial.TrialState.COMPLETE, hook.value
        what = f"{_metric(definition)} {value:.4g}"
    else:
        trial.set_user_attr("status", run.status)
        trial.set_user_attr("error", run.error or run.status)
    store.save_audit(run.id, AUDIT_KIND, {
        "study_id": study.study_name, "trial": trial.number, "params": params,
        "state": {"FAIL": "failed"}.get(state.name, state.name.lower()), "value": value, "pruned_epoch": hook.pruned_at})
    study.tell(trial, value if state == optuna.trial.TrialState.COMPLETE else None, state=state)
    return f"trial {trial.number} ({run.id}): {what}"


def _metric(definition) -> str:
    return {"val_loss": "loss", "r2": "R²"}.get(definition.objective, "accuracy")
