"""Which runs can be compressed: finished runs that are one network (messages say why not)."""
from __future__ import annotations

from core.errors import LayerLabError

NOT_FINISHED = ("Run {run_id} is {status}, not finished, so it has no trained network to "
                "compress. Wait until it has finished training (or train it again to the end), "
                "then compress that run.")
NOT_ONE_NETWORK = ("Run {run_id} is a {method} mitigated run: {why} Compression shrinks one "
                   "network, so this run cannot be compressed. Compress its original run "
                   "({parent}) instead.")


def compressible_model(store, run_id: str):
    """The run as a TrainedModel, or a `LayerLabError` saying why it cannot be compressed."""
    from core.trained import WHY_NOT_DIFFERENTIABLE, load_trained

    run = store.get_run(run_id)  # NO_SUCH_RUN for an unknown id
    if run.status != "finished":
        raise LayerLabError(NOT_FINISHED.format(run_id=run.id, status=run.status))
    model = load_trained(store, run)
    if not model.differentiable or model.network is None:
        raise LayerLabError(NOT_ONE_NETWORK.format(
            run_id=run.id, method=model.method.replace("_", " "),
            why=WHY_NOT_DIFFERENTIABLE.get(model.method, ""),
            parent=(model.record or {}).get("parent_id") or run.parent_id or "its parent"))
    return model
