"""The training loop that a worker (or `python -m core train`) runs for one stored run.

The network, loss and optimizer come from the one training setup (`_setup.build_setup`) and the
epochs from the one epoch loop (`_engine.EpochLoop`); what is particular to a stored run is a
hook, `_StoreRecorder`, plus the live fairness gap hook. Everything the UI shows is
streamed into the run store: an epoch-0 row before the first step, one row per epoch, step
losses as chunk means, progress about once a second, per-layer internals every epoch. All
per-epoch writes go in one transaction so the store costs little next to the epoch itself.
"""
from __future__ import annotations

import logging
import math
import time

import torch

from core.errors import LayerLabError
from core.runs import EpochRow, share_file
from core.train import _setup
from core.train import defaults as _defaults
from core.train._callbacks import LiveFairnessGap
from core.train._checkpoint import checkpoint_dir, save_checkpoint
from core.train._config import TrainConfig
from core.train._engine import DIVERGED_ADVICE, EpochLoop, TrainHooks, TrainingDiverged
from core.train._evaluate import as_targets, evaluate
from core.train._internals import LayerProbe

log = logging.getLogger(__name__)

_PROGRESS_EVERY_S = 1.0
_STOP_CHECK_EVERY_S = 0.5
_CHECKPOINT_EVERY_S = 2.0  # "last" weights; always written at the end, on stop and on crash paths
_STEP_POINTS_PER_EPOCH = 100
_PROBE_ROWS = 256  # fixed validation batch for internals


class _StoreRecorder(TrainHooks):
    """Streams a run into the store: progress, stop requests, step losses, epochs, checkpoints."""

    def __init__(self, trainer: "Trainer"):
        self.t, self.chunk, self.points = trainer, [], []
        self._last_stop_check = self._last_progress = self._last_ckpt = 0.0
        self.k = 1

    def on_train_begin(self, state) -> None:
        self.t_train = time.monotonic()
        self.k = max(1, state.setup.steps_per_epoch // _STEP_POINTS_PER_EPOCH)

    def after_step(self, state, value: float) -> None:
        if state.step_in_epoch == 1:
            self.chunk, self.points = [], []
        self.chunk.append(value)
        if len(self.chunk) == self.k:
            self.points.append((state.global_step - self.k + 1, sum(self.chunk) / self.k))
            self.chunk = []
        self._progress(state)
        now = time.monotonic()
        if now - self._last_stop_check >= _STOP_CHECK_EVERY_S:
            self._last_stop_check = now
            state.stop = self.t.store.stop_requested(self.t.run_id)

    def epoch_points(self, state) -> list[tuple[int, float]]:
        """The epoch's chunk-mean step losses, the last partial chunk included."""
        if self.chunk:
            self.points.append((state.global_step - len(self.chunk) + 1,
                                sum(self.chunk) / len(self.chunk)))
            self.chunk = []
        return self.points

    def _progress(self, state) -> None:
        now = time.monotonic()
        if now - self._last_progress < _PROGRESS_EVERY_S:
            return
        self._last_progress = now
        t, spe = self.t, state.setup.steps_per_epoch
        done = (state.epoch - 1) * spe + state.step_in_epoch
        total = t.cfg.epochs * spe
        eta = (now - self.t_train) / done * (total - done) if done else None
        t.store.set_progress(t.run_id, epoch=state.epoch, total_epochs=t.cfg.epochs,
                             step=state.global_step, steps_per_epoch=spe, eta_s=eta)
        if t.on_progress:
            t.on_progress(state.epoch, t.cfg.epochs, state.step_in_epoch, spe, eta)

    def on_epoch_end(self, state, row) -> None:
        t, epoch = self.t, row.epoch
        stats = t.probe.measure(epoch)
        t.store.write_epoch(t.run_id, row, steps=self.epoch_points(state), internals=stats,
                            fields=dict(epoch=epoch, step=state.global_step,
                                        best_val_loss=_finite_or_none(state.best_val),
                                        best_val_metric=state.best_metric))
        self.save_last(epoch, force=epoch == t.cfg.epochs)
        if t.on_progress:
            spe = state.setup.steps_per_epoch
            t.on_progress(epoch, t.cfg.epochs, spe, spe, None, row)

    def save_last(self, epoch: int, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._last_ckpt < _CHECKPOINT_EVERY_S:
            return
        self._last_ckpt = now
        t = self.t
        path = t.save("last", epoch)
        if t.loop.state.best_state is not None:
            t.save("best", t.loop.state.best_epoch, t.loop.state.best_state)
        t.store.update_run(t.run_id, checkpoint_path=path)


def _finite_or_none(x: float) -> float | None:
    return x if math.isfinite(x) else None


class Trainer:
    """Trains one stored run with the training setup and the epoch loop; `run()` returns the status.

    `hooks` (TrainHooks) run after the store recorder and the live fairness gap: adversarial
    training in core.audit.stress plugs in that way."""

    def __init__(self, store, run, on_progress=None, hooks=()):
        self.store, self.run_id, self.on_progress = store, run.id, on_progress
        self.cfg = TrainConfig.model_validate(run.config)
        self.spec_dict, self.ref_dict, self.record = run.spec, run.dataset, run
        self.extra_hooks = list(hooks)
        self.t0 = time.monotonic()

    def setup(self) -> None:
        from core.data import prepared

        cfg = self.cfg
        self.device = _setup.resolve_device(cfg.device)
        _setup.seed_everything(cfg.seed)
        bundle, data = prepared(self.ref_dict)
        if bundle.content_hash != self.record.dataset_hash:
            log.warning("the dataset's content changed since the run was created "
                        "(hash %s… now %s…)", self.record.dataset_hash[:8], bundle.content_hash[:8])
        self.data, self.task = data, data.task
        self.ts = _setup.build_setup(self.spec_dict, cfg, data, self.device)
        self.model, dev = self.ts.model, self.device
        _defaults.use_one_thread_if_small(self.model)  # restored by train_run
        X = torch.from_numpy(data.X_train).float().to(dev)  # (n_train, *input_shape)
        Xv, yv = torch.from_numpy(data.X_val).float().to(dev), as_targets(data.y_val, data.task, dev)
        self.Xt = torch.from_numpy(data.X_test).float().to(dev)
        self.yt = as_targets(data.y_test, data.task, dev)
        self.recorder = _StoreRecorder(self)
        gap = LiveFairnessGap.for_data(data)
        hooks = [self.recorder] + ([gap] if gap else []) + self.extra_hooks
        self.loop = EpochLoop(self.ts, X, as_targets(data.y_train, data.task, dev), X_val=Xv,
                              y_val=yv, hooks=hooks, data=data)
        self.probe = LayerProbe(self.model, Xv[:_PROBE_ROWS], yv[:_PROBE_ROWS], self.ts.loss_fn)
        self.store.update_run(
            self.run_id, device=self.device, versions=_setup.library_versions(), seed=cfg.seed,
            preprocessing=list(data.report), total_epochs=cfg.epochs,
            steps_per_epoch=self.ts.steps_per_epoch, epoch=0, step=0,
            metric_name=self._metric_name())

    def _meta(self, epoch: int) -> dict:
        d, st = self.data, self.loop.state
        return {"run_id": self.run_id, "epoch": epoch, "spec": self.spec_dict,
                "config": self.cfg.model_dump(mode="json"), "task": d.task,
                "input_shape": list(d.input_shape), "n_outputs": d.n_outputs,
                "classes": list(d.classes), "feature_names": list(d.feature_names),
                "best_val_loss": _finite_or_none(st.best_val),
                "best_val_metric": st.best_metric, "best_epoch": st.best_epoch}

    def save(self, which: str, epoch: int, state: dict | None = None) -> str:
        path = checkpoint_dir(self.run_id) / f"{which}.safetensors"
        save_checkpoint(path, state or self.model.state_dict(), self._meta(epoch))
        return share_file(self.store, path)  # a server store: readable from every node

    def run(self) -> str:
        self.setup()
        self.store.add_epoch(self.run_id, self.loop.begin())
        try:
            outcome = self.loop.run()
        except TrainingDiverged as exc:
            return self._diverge(str(exc), self.loop.state.epoch)
        epoch = self.loop.state.epoch
        if outcome == "stopped":
            self.store.add_steps(self.run_id, self.recorder.epoch_points(self.loop.state))
            return self._finish("stopped", epoch)
        if outcome == "early_stopped":
            log.info("early stopping at epoch %d: no better validation loss since epoch %d",
                     epoch, self.loop.state.best_epoch)
        return self._finish("finished", epoch)

    def _diverge(self, message: str, epoch: int) -> str:
        self.store.add_epoch(self.run_id, EpochRow(epoch=epoch, lr=self.ts.lr,
                                                   elapsed_s=time.monotonic() - self.t0))
        log.error(message)
        self.store.set_status(self.run_id, "diverged", error=message, advice=DIVERGED_ADVICE)
        return "diverged"

    def _finish(self, status: str, epoch: int) -> str:
        path = self.save("last", epoch)
        st = self.loop.state
        if self.loop.restore_best():  # test with the best weights
            path = self.save("best", st.best_epoch, st.best_state)
            log.info("restored the best weights, from epoch %d", st.best_epoch)
        test = evaluate(self.model, self.Xt, self.yt, self.task, self.ts.loss_fn)
        metrics = {"loss": test["loss"], self._metric_name(): test["metric"]}
        metrics.update({k: test[k] for k in ("mae", "rmse") if k in test})
        self.store.update_run(self.run_id, checkpoint_path=path, test_metrics=metrics)
        self.store.set_status(self.run_id, status)
        log.info("run %s %s after epoch %d", self.run_id, status, epoch)
        return status

    def _metric_name(self) -> str:
        return "r2" if self.task == "regression" else "accuracy"


def train_run(store, run_id: str, on_progress=None, hooks=()):
    """Train a stored run in this process; failures end in the run's status, never raise.

    `hooks` (TrainHooks) let derived runs add to the loop, e.g. adversarial training in
    core.audit.stress replaces part of each batch through `on_batch`."""
    from core.train._runlog import RunLogHandler

    run = store.get_run(run_id)
    if run.status not in ("queued", "running"):
        return run
    store.claim(run_id)
    if run.status == "queued":
        store.set_status(run_id, "running")
    with RunLogHandler(store, run_id):
        try:
            with _defaults.thread_count_kept():  # small models train on one thread
                Trainer(store, run, on_progress, hooks).run()
        except LayerLabError as exc:
            log.error("%s", exc)
            store.set_status(run_id, "failed", error=str(exc))
        except Exception as exc:  # noqa: BLE001 - a bug must end as a readable failed run
            from core.jobs import is_out_of_memory, out_of_memory_message

            log.exception("training crashed")
            store.set_status(run_id, "failed", error=out_of_memory_message() if is_out_of_memory(exc)
                             else f"Training stopped with an internal error: {type(exc).__name__}: {exc}")
    return store.get_run(run_id)
