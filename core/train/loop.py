"""The training loop that a worker (or `python -m core train`) runs for one stored run.

Fast path: the prepared arrays are moved to the device once and batches are index slices of
a seeded permutation (no DataLoader, no per-batch copies). Everything the UI shows is
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
from core.runs import EpochRow
from core.train import _setup
from core.train import defaults as _defaults
from core.train._checkpoint import checkpoint_dir, save_checkpoint
from core.train._config import TrainConfig
from core.train._evaluate import as_targets, evaluate, metrics_from_outputs, predict
from core.train._internals import LayerProbe

log = logging.getLogger(__name__)

_PROGRESS_EVERY_S = 1.0
_STOP_CHECK_EVERY_S = 0.5
_CHECKPOINT_EVERY_S = 2.0  # "last" weights; always written at the end, on stop and on crash paths
_STEP_POINTS_PER_EPOCH = 100
_DIVERGE_FACTOR = 1e4
_PROBE_ROWS = 256  # fixed validation batch for internals
_TRAIN_EVAL_ROWS = 2048  # fixed train subset for the train metric (eval mode, like validation)
DIVERGED_ADVICE = ("Lower the learning rate (try 10x smaller), add gradient clipping, "
                   "check that inputs are scaled.")


class _Diverged(Exception):
    pass


def _val_group_codes(data):
    """Group codes of the validation rows when a binary run has a sensitive column (live gap)."""
    if data.task != "binary" or data.sensitive_val is None or data.sensitive_val.shape[1] == 0:
        return None
    from core.metrics import group_codes

    return group_codes(data.sensitive_val)


class Trainer:
    """Trains one run; see the module docstring. `run()` returns the final status."""

    def __init__(self, store, run, on_progress=None):
        self.store, self.run_id, self.on_progress = store, run.id, on_progress
        self.cfg = TrainConfig.model_validate(run.config)
        self.spec_dict, self.ref_dict, self.record = run.spec, run.dataset, run
        self.t0 = time.monotonic()
        self._last_stop_check = self._last_progress = self._last_ckpt = 0.0
        self._stop = False
        self.best_val = math.inf
        self.best_metric: float | None = None
        self.best_state: dict | None = None
        self.best_epoch = 0
        self.ckpt_epoch = 0
        self.global_step = 0

    # --- setup ----------------------------------------------------------------------------
    def setup(self) -> None:
        from core.build import build_model
        from core.spec._schema import ModelSpec
        from core.data import prepared

        cfg = self.cfg
        self.device = _setup.resolve_device(cfg.device)
        _setup.seed_everything(cfg.seed)
        bundle, data = prepared(self.ref_dict)
        if bundle.content_hash != self.record.dataset_hash:
            log.warning("the dataset's content changed since the run was created "
                        "(hash %s… now %s…)", self.record.dataset_hash[:8], bundle.content_hash[:8])
        self.data, self.task = data, data.task
        _setup.seed_everything(cfg.seed)  # building the model draws the initial weights
        self.model = build_model(ModelSpec.model_validate(self.spec_dict), data.input_shape,
                                 data.task, data.n_outputs, self.device,
                                 target_scale=data.target_scale)  # issue 12: units out
        _setup.apply_init(self.model, cfg.init)
        _defaults.use_one_thread_if_small(self.model)  # issue 12: restored by train_run
        dev = self.device
        self.X = torch.from_numpy(data.X_train).float().to(dev)  # (n_train, *input_shape)
        self.y = as_targets(data.y_train, data.task, dev)
        self.Xv, self.yv = torch.from_numpy(data.X_val).float().to(dev), as_targets(data.y_val, data.task, dev)
        self.Xt, self.yt = torch.from_numpy(data.X_test).float().to(dev), as_targets(data.y_test, data.task, dev)
        self.loss_fn = _setup.make_loss(data.task, cfg, data.y_train, data.n_outputs, dev)
        from core.build import standardised_loss  # issue 12: regression loss on standard scale
        self.loss_fn = standardised_loss(self.loss_fn, self.model)
        self.opt = _setup.make_optimizer(self.model.parameters(), cfg, dev)
        n = len(self.X)
        # A last batch of one example breaks batch norm and says little: it is dropped.
        self.n_use = n - 1 if n % cfg.batch_size == 1 and n > 1 else n
        self.steps_per_epoch = max(1, math.ceil(self.n_use / cfg.batch_size))
        self.sched, self.sched_when = _setup.make_scheduler(self.opt, cfg, self.steps_per_epoch)
        self.gen = torch.Generator(device="cpu").manual_seed(cfg.seed)
        sub = torch.randperm(n, generator=torch.Generator().manual_seed(cfg.seed + 1))
        self.train_eval_idx = sub[:_TRAIN_EVAL_ROWS].to(dev)
        self.val_groups = _val_group_codes(data)
        self.probe = LayerProbe(self.model, self.Xv[:_PROBE_ROWS], self.yv[:_PROBE_ROWS], self.loss_fn)
        self.l1_params = [p for name, p in self.model.named_parameters() if not name.endswith("bias")]
        self.store.update_run(
            self.run_id, device=self.device, versions=_setup.library_versions(), seed=cfg.seed,
            preprocessing=list(data.report), total_epochs=cfg.epochs,
            steps_per_epoch=self.steps_per_epoch, epoch=0, step=0,
            metric_name="r2" if data.task == "regression" else "accuracy")

    # --- measuring ------------------------------------------------------------------------
    def _measure(self, epoch: int, train_loss: float | None) -> EpochRow:
        idx = self.train_eval_idx
        tr = evaluate(self.model, self.X[idx], self.y[idx], self.task, self.loss_fn)
        # One forward pass serves the val metric and the live fairness gap.
        va_out = predict(self.model, self.Xv) if len(self.Xv) else None  # (n_val, n_outputs)
        va = (metrics_from_outputs(va_out, self.yv, self.task, self.loss_fn) if va_out is not None
              else {"loss": None, "metric": None})
        extra = {}
        if self.task == "regression":
            extra = {"train_mae": tr.get("mae"), "val_mae": va.get("mae")}
        elif self.val_groups is not None and va["metric"] is not None:
            from core.metrics import gap_from_predictions

            answers = (va_out[:, 0] > 0).cpu().numpy()  # binary: logit > 0 ⇔ p ≥ 0.5
            extra.update(gap_from_predictions(self.data.y_val, answers, self.val_groups))
        return EpochRow(epoch=epoch, train_loss=tr["loss"] if train_loss is None else train_loss,
                        val_loss=va["loss"], train_metric=tr["metric"], val_metric=va["metric"],
                        lr=self.opt.param_groups[0]["lr"], elapsed_s=time.monotonic() - self.t0,
                        extra=extra)

    def _progress(self, epoch: int, step_in_epoch: int, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._last_progress < _PROGRESS_EVERY_S:
            return
        self._last_progress = now
        done = (epoch - 1) * self.steps_per_epoch + step_in_epoch
        total = self.cfg.epochs * self.steps_per_epoch
        eta = (now - self.t_train) / done * (total - done) if done else None
        self.store.set_progress(self.run_id, epoch=epoch, total_epochs=self.cfg.epochs,
                                step=self.global_step, steps_per_epoch=self.steps_per_epoch,
                                eta_s=eta)
        if self.on_progress:
            self.on_progress(epoch, self.cfg.epochs, step_in_epoch, self.steps_per_epoch, eta)

    def _stop_requested(self) -> bool:
        now = time.monotonic()
        if now - self._last_stop_check >= _STOP_CHECK_EVERY_S:
            self._last_stop_check = now
            self._stop = self.store.stop_requested(self.run_id)
        return self._stop

    # --- checkpoints ----------------------------------------------------------------------
    def _meta(self, epoch: int) -> dict:
        d = self.data
        return {"run_id": self.run_id, "epoch": epoch, "spec": self.spec_dict,
                "config": self.cfg.model_dump(mode="json"), "task": d.task,
                "input_shape": list(d.input_shape), "n_outputs": d.n_outputs,
                "classes": list(d.classes), "feature_names": list(d.feature_names),
                "best_val_loss": self.best_val if math.isfinite(self.best_val) else None,
                "best_val_metric": self.best_metric, "best_epoch": self.best_epoch}

    def _save(self, which: str, epoch: int, state: dict | None = None) -> str:
        path = checkpoint_dir(self.run_id) / f"{which}.safetensors"
        save_checkpoint(path, state or self.model.state_dict(), self._meta(epoch))
        return str(path)

    def _save_last(self, epoch: int, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._last_ckpt < _CHECKPOINT_EVERY_S:
            return
        self._last_ckpt = now
        path = self._save("last", epoch)
        if self.best_state is not None:
            self._save("best", self.best_epoch, self.best_state)
        self.ckpt_epoch = epoch
        self.store.update_run(self.run_id, checkpoint_path=path)

    # --- the loop -------------------------------------------------------------------------
    def _step(self, xb, yb) -> float:
        self.opt.zero_grad(set_to_none=True)
        loss = self.loss_fn(self.model(xb), yb)
        if self.cfg.l1:
            loss = loss + self.cfg.l1 * sum(p.abs().sum() for p in self.l1_params)
        loss.backward()
        if self.cfg.grad_clip:
            torch.nn.utils.clip_grad_norm_(self.model.parameters(), self.cfg.grad_clip)
        self.opt.step()
        if self.sched_when == "step":
            self.sched.step()
        return loss.item()

    def _train_epoch(self, epoch: int) -> tuple[float, list[tuple[int, float]]]:
        """Mean batch loss and chunk-mean step points; raises _Diverged."""
        bs, k = self.cfg.batch_size, max(1, self.steps_per_epoch // _STEP_POINTS_PER_EPOCH)
        perm = torch.randperm(len(self.X), generator=self.gen)[:self.n_use].to(self.device)
        total, points, chunk = 0.0, [], []
        for i in range(self.steps_per_epoch):
            idx = perm[i * bs:(i + 1) * bs]
            value = self._step(self.X[idx], self.y[idx])
            self.global_step += 1
            if not math.isfinite(value) or value > self.diverge_at:
                raise _Diverged(self._diverged_text(value, epoch, i + 1))
            total += value
            chunk.append(value)
            if len(chunk) == k:
                points.append((self.global_step - k + 1, sum(chunk) / k))
                chunk = []
            self._progress(epoch, i + 1)
            if self._stop_requested():
                break
        if chunk:
            points.append((self.global_step - len(chunk) + 1, sum(chunk) / len(chunk)))
        return total / max(1, i + 1), points

    def _diverged_text(self, value: float, epoch: int, step: int) -> str:
        what = ("became NaN" if math.isnan(value) else "became infinite" if math.isinf(value)
                else f"exploded to {value:.3g}, over {_DIVERGE_FACTOR:,.0f}× the starting loss "
                     f"{self.initial_loss:.3g}")
        return (f"Training diverged: the loss {what} at epoch {epoch}, step {step} of "
                f"{self.steps_per_epoch}.")

    def _after_epoch(self, epoch: int, train_loss: float, points) -> bool:
        """Measure, record, schedule, checkpoint; True when early stopping says stop."""
        row = self._measure(epoch, train_loss)
        improved = row.val_loss is not None and row.val_loss < self.best_val
        if improved:
            self.best_val, self.best_metric, self.best_epoch = row.val_loss, row.val_metric, epoch
            if self.cfg.early_stopping:
                self.best_state = {k: v.detach().clone() for k, v in self.model.state_dict().items()}
        stats = self.probe.measure(epoch)
        self.store.write_epoch(self.run_id, row, steps=points, internals=stats, fields=dict(
            epoch=epoch, step=self.global_step, best_val_loss=self.best_val if
            math.isfinite(self.best_val) else None, best_val_metric=self.best_metric))
        if self.sched_when == "epoch":
            self.sched.step()
        elif self.sched_when == "plateau" and row.val_loss is not None:
            self.sched.step(row.val_loss)
        self._save_last(epoch, force=epoch == self.cfg.epochs)
        if self.on_progress:
            self.on_progress(epoch, self.cfg.epochs, self.steps_per_epoch, self.steps_per_epoch,
                             None, row)
        return self.cfg.early_stopping and epoch - self.best_epoch >= self.cfg.patience

    def run(self) -> str:
        self.setup()
        row0 = self._measure(0, None)
        self.store.add_epoch(self.run_id, row0)
        self.initial_loss = row0.train_loss if row0.train_loss is not None else 1.0
        self.diverge_at = _DIVERGE_FACTOR * max(self.initial_loss, 1e-2)
        self.t_train = time.monotonic()
        epoch = 0
        try:
            for epoch in range(1, self.cfg.epochs + 1):
                train_loss, points = self._train_epoch(epoch)
                if self._stop:
                    self.store.add_steps(self.run_id, points)
                    return self._finish("stopped", epoch)
                if self._after_epoch(epoch, train_loss, points):
                    log.info("early stopping at epoch %d: no better validation loss since epoch %d",
                             epoch, self.best_epoch)
                    break
        except _Diverged as exc:
            return self._diverge(str(exc), epoch)
        return self._finish("finished", epoch)

    def _diverge(self, message: str, epoch: int) -> str:
        self.store.add_epoch(self.run_id, EpochRow(epoch=epoch, lr=self.opt.param_groups[0]["lr"],
                                                   elapsed_s=time.monotonic() - self.t0))
        log.error(message)
        self.store.set_status(self.run_id, "diverged", error=message, advice=DIVERGED_ADVICE)
        return "diverged"

    def _finish(self, status: str, epoch: int) -> str:
        last = self._save("last", epoch)
        path = last
        if self.cfg.early_stopping and self.best_state is not None:
            self.model.load_state_dict(self.best_state)  # test with the best weights
            path = self._save("best", self.best_epoch, self.best_state)
            log.info("restored the best weights, from epoch %d", self.best_epoch)
        test = evaluate(self.model, self.Xt, self.yt, self.task, self.loss_fn)
        metrics = {"loss": test["loss"], self._metric_name(): test["metric"]}
        metrics.update({k: test[k] for k in ("mae", "rmse") if k in test})
        self.store.update_run(self.run_id, checkpoint_path=path, test_metrics=metrics)
        self.store.set_status(self.run_id, status)
        log.info("run %s %s after epoch %d", self.run_id, status, epoch)
        return status

    def _metric_name(self) -> str:
        return "r2" if self.task == "regression" else "accuracy"


def train_run(store, run_id: str, on_progress=None, trainer_cls=None):
    """Train a stored run in this process; failures end in the run's status, never raise.

    `trainer_cls` (a Trainer subclass or factory) lets derived runs change one step, e.g.
    adversarial training in core.audit.stress."""
    from core.train._runlog import RunLogHandler

    run = store.get_run(run_id)
    if run.status not in ("queued", "running"):
        return run
    store.claim(run_id)
    if run.status == "queued":
        store.set_status(run_id, "running")
    with RunLogHandler(store, run_id):
        try:
            with _defaults.thread_count_kept():  # issue 12: small models use one thread
                (trainer_cls or Trainer)(store, run, on_progress).run()
        except LayerLabError as exc:
            log.error("%s", exc)
            store.set_status(run_id, "failed", error=str(exc))
        except Exception as exc:  # noqa: BLE001 - a bug must end as a readable failed run
            log.exception("training crashed")
            store.set_status(run_id, "failed",
                             error=f"Training stopped with an internal error: {type(exc).__name__}: {exc}")
    return store.get_run(run_id)
