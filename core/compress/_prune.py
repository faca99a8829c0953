"""`prune_run`: a finished network, made smaller, fine-tuned, saved as a child run.

The child run (kind "pruned", linked to its parent) has the smaller spec; it is trained by the
one training loop (core.train.train_run) for a few epochs, starting from the parent's pruned
weights (a hook loads them into the freshly built network before the first step), so its
checkpoint, curves and test metric are those of any run, and every page can open it.
"""
from __future__ import annotations

from core.audit.records import AuditKind
from core.errors import LayerLabError
from core.train import TrainHooks

PRUNED_RUN = "pruned"  # the run kind of a pruned child (not an audit kind)
COMPRESSION_KIND = AuditKind.COMPRESSION  # how a pruned or quantized child was made
FINETUNE_EPOCHS = 3  # enough for the remaining units to take over; the parent did the learning
FINETUNE_EPOCHS_RANGE = ("Fine-tuning takes 1 to 100 epochs (got {value}); 3 is usually enough.")
FINETUNE_FAILED = "Fine-tuning the pruned network did not finish: {error}"


class _StartFrom(TrainHooks):
    """Loads the pruned weights into the network the setup built (same shapes), before step 1."""

    def __init__(self, state: dict):
        self.state = state

    def on_train_begin(self, state) -> None:
        state.setup.model.load_state_dict(self.state)


def size_of(state: dict) -> int:
    """Bytes of the state dict as a safetensors file (what an export writes)."""
    from safetensors.torch import save

    return len(save({k: v.detach().cpu().contiguous() for k, v in state.items()}))


def _test_metric(spec: dict, state: dict, model) -> float | None:
    """Test metric of the pruned network before fine-tuning (the damage pruning alone did)."""
    import torch

    from core.build import build_model
    from core.spec import ModelSpec
    from core.train import as_targets, predict

    data = model.data
    net = build_model(ModelSpec.model_validate(spec), tuple(data.input_shape), data.task,
                      data.n_outputs, target_scale=data.target_scale)
    net.load_state_dict(state)  # strict: the rebuilt layers must match the sliced tensors
    out = predict(net, torch.from_numpy(data.X_test).float())
    y = as_targets(data.y_test, data.task, "cpu")
    if data.task == "regression":
        ss = float(((y - y.mean()) ** 2).sum())
        return 1.0 - float(((out - y) ** 2).sum()) / ss if ss > 0 else None
    from core.metrics import labels_from_outputs

    truth = y[:, 0].long() if data.task == "binary" else y
    return float((labels_from_outputs(out, data.task) == truth).float().mean())


def _check_epochs(epochs) -> int:
    if not isinstance(epochs, int) or not 1 <= epochs <= 100:
        raise LayerLabError(FINETUNE_EPOCHS_RANGE.format(value=epochs))
    return epochs


def prune_run(store, run_id: str, fraction: float, finetune_epochs: int = FINETUNE_EPOCHS,
              on_progress=None, user: str | None = None) -> dict:
    """Prune `fraction` of the units of each prunable layer of run `run_id`; fine-tune; return
    {parent_id, child_id, fraction, layers, before, after, pruned_only}. The child run is
    `user`'s, the person who asked (core.runs.access.child_owner)."""
    from core.build import count_params
    from core.compress._shrink import check_fraction, plan_prune
    from core.compress._checks import compressible_model

    fraction = check_fraction(fraction)
    epochs = _check_epochs(finetune_epochs)
    model = compressible_model(store, run_id)  # finished and one network, or why not
    parent = model.run
    state = {k: v.detach().cpu() for k, v in model.network.state_dict().items()}
    plan = plan_prune(parent.spec, state, fraction, parent.id)
    metric = parent.metric_name or ("r2" if model.task == "regression" else "accuracy")
    before = {"params": count_params(model.network), "bytes": size_of(state),
              "metric": (parent.test_metrics or {}).get(metric)}
    pruned_only = _test_metric(plan.spec, plan.state, model)
    if on_progress:
        on_progress(0.3, f"Removed units; fine-tuning for {epochs} epochs…")
    child = _create_child(store, parent, plan, fraction, epochs, user)
    done = _finetune(store, child, plan.state, epochs, on_progress)
    after = {"params": sum(v.numel() for k, v in plan.state.items() if _is_param(k)),
             "bytes": size_of(plan.state), "metric": (done.test_metrics or {}).get(metric)}
    result = {"parent_id": parent.id, "child_id": child, "fraction": fraction, "metric": metric,
              "finetune_epochs": epochs, "layers": plan.layers, "before": before, "after": after,
              "pruned_only": pruned_only}
    store.save_audit(child, COMPRESSION_KIND, {"method": "prune", **result})
    return result


def _is_param(name: str) -> bool:
    return not name.endswith(("running_mean", "running_var", "num_batches_tracked")) \
        and not name.startswith("target_scale.")


def _create_child(store, parent, plan, fraction: float, epochs: int, user: str | None) -> str:
    from core.runs.access import child_owner, requester

    config = dict(parent.config, epochs=epochs)
    child = store.create_run(
        **child_owner(parent, requester(store, user)),
        name=f"{parent.name} · pruned {fraction:.0%}", kind=PRUNED_RUN, dataset=parent.dataset,
        dataset_hash=parent.dataset_hash, spec=plan.spec, config=config, task=parent.task,
        parent_id=parent.id)
    store.update_run(child, preprocessing=list(parent.preprocessing), seed=parent.seed,
                     total_epochs=config["epochs"], metric_name=parent.metric_name)
    sizes = ", ".join(f"layer {r['index']} {r['before']}→{r['after']}" for r in plan.layers)
    store.set_notes(child, f"Run {parent.id} with {fraction:.0%} of the units of each prunable "
                           f"layer removed ({sizes}), then fine-tuned for {epochs} epochs.")
    return child


def _finetune(store, child: str, state: dict, epochs: int, on_progress):
    """Train the child from the pruned weights with the one training loop."""
    from core.train import train_run

    def progress(epoch, total, step, steps, eta, row=None):
        if on_progress:
            done = ((epoch - 1) * steps + step) / max(1, total * steps)
            on_progress(0.3 + 0.65 * done, f"Fine-tuning: epoch {epoch} of {total}")

    run = train_run(store, child, on_progress=progress, hooks=[_StartFrom(state)])
    if run.status != "finished":
        raise LayerLabError(FINETUNE_FAILED.format(error=run.error or run.status))
    return run
