"""Adversarial training: retrain a run with PGD examples mixed into every batch (Madry et al.).

The result is a new run linked to the original through `parent_id`, with the same data,
spec and training settings, so the two can be compared curve for curve. The training loop
is core.train's; a public batch hook (`TrainHooks.on_batch`) replaces a share of each batch by
its PGD version (crafted with the model in eval mode, under the same table constraints as the
stress test).
"""
from __future__ import annotations

import logging

from pydantic import BaseModel, ConfigDict, Field

from core.audit.records import AdversarialTrainingRecord, AuditKind, read_record, save_record
from core.errors import LayerLabError

log = logging.getLogger(__name__)
AUDIT_KIND = AuditKind.ADVERSARIAL_TRAINING


class AdvSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    eps: float = Field(0.1, gt=0)  # in the stress test's unit (std of a column, pixel intensity)
    steps: int = Field(7, ge=1, le=50)  # PGD steps while training (fewer than when testing: cost)
    mix: float = Field(0.5, gt=0, le=1)  # share of each batch replaced by adversarial examples
    locked: list[str] = Field(default_factory=list)
    # None: the parent's epochs. Fewer makes a quick robustness check (PGD makes each step
    # `steps + 1` times dearer).
    epochs: int | None = Field(None, ge=1, le=10_000)


def adversarial_hook(adv: AdvSettings, dataset_ref):
    """The training hook that replaces a share of each batch by its PGD version.

    Built lazily (the hook class needs torch), so importing this module stays cheap."""
    import torch

    from core.audit.stress._attacks import pgd
    from core.audit.stress._space import attack_space
    from core.data import prepared
    from core.train import TrainHooks

    class AdversarialBatches(TrainHooks):
        def on_train_begin(self, state) -> None:
            bundle, data = prepared(dataset_ref)
            self.setup = state.setup
            self.constraint = attack_space(bundle, data, adv.locked).constraint(state.setup.device)

        def on_batch(self, xb, yb):
            n_adv = int(round(len(xb) * adv.mix))
            if not n_adv:
                return xb, yb
            model = self.setup.model
            model.eval()  # craft against the model as it predicts (no dropout noise)
            xa = pgd(model, xb[:n_adv], yb[:n_adv], self.setup.task, adv.eps, self.constraint,
                     steps=adv.steps)
            model.train()
            return torch.cat([xa, xb[n_adv:]]), yb  # (batch, *input_shape), same labels order

    return AdversarialBatches()


def create_adversarial_run(store, parent_id: str, settings: AdvSettings | None = None,
                           user: str | None = None) -> str:
    """A queued child run of `parent_id` that will be trained adversarially, owned by `user`
    (default: the user of an `as_user` store; see core.runs.access.child_owner)."""
    from core.audit.stress._settings import MAX_STRENGTH
    from core.data import prepared
    from core.runs.access import child_owner, requester

    s = settings or AdvSettings()
    parent = store.get_run(parent_id)
    if parent.status != "finished":
        raise LayerLabError(f"Run {parent_id} is {parent.status}; adversarial training retrains a "
                            "finished run. Train it to the end first.")
    bundle, data = prepared(parent.dataset)
    if s.eps > MAX_STRENGTH[bundle.modality]:
        raise LayerLabError(f"ε = {s.eps:g} is too large for adversarial training on "
                            f"{bundle.modality} data (at most {MAX_STRENGTH[bundle.modality]:g}).")
    from core.audit.stress._space import attack_space

    attack_space(bundle, data, s.locked)  # the same clear errors as the stress test, up front
    config = dict(parent.config, **({"epochs": s.epochs} if s.epochs else {}))
    child = store.create_run(
        name=f"{parent.name} + adversarial training (PGD ε={s.eps:g})", dataset=parent.dataset,
        dataset_hash=parent.dataset_hash, spec=parent.spec, config=config,
        task=parent.task, parent_id=parent_id, kind="adversarial",
        **child_owner(parent, requester(store, user)))
    store.update_run(child, preprocessing=list(parent.preprocessing), seed=parent.seed,
                     total_epochs=config.get("epochs", parent.total_epochs),
                     metric_name=parent.metric_name)
    store.set_notes(child, f"Adversarially trained copy of run {parent_id}: {s.mix:.0%} of each "
                           f"batch replaced by PGD-{s.steps} examples at ε = {s.eps:g}.")
    save_record(store, child, AUDIT_KIND,
                AdversarialTrainingRecord(parent_id=parent_id, settings=s.model_dump()))
    return child


def train_adversarial(store, run_id: str, settings: AdvSettings | dict | None = None,
                      on_progress=None):
    """Train a run created by `create_adversarial_run` in this process; returns the final Run."""
    from core.train import train_run

    if settings is None:
        saved = read_record(store, run_id, AUDIT_KIND)
        settings = saved.settings if saved else {}
    s = settings if isinstance(settings, AdvSettings) else AdvSettings.model_validate(settings)
    hook = adversarial_hook(s, store.get_run(run_id).dataset)
    return train_run(store, run_id, on_progress=on_progress, hooks=[hook])


def submit_adversarial(store, runner, parent_id: str, settings: AdvSettings | None = None,
                       user: str | None = None) -> str:
    """Create the child run and queue its training as the "adv_train" job; returns its run id.

    The child is made here, at submit time, so it is owned by the requester directly; the job
    only trains it. TOO_MANY_QUEUED / TOO_MANY_RUNNING before anything is made."""
    from core.runs.access import check_quota, requester

    user = requester(store, user)
    check_quota(store, user)
    child = create_adversarial_run(store, parent_id, settings, user)
    runner.submit("adv_train", {"run_id": child}, run_id=child)
    return child
