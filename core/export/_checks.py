"""Which runs can be taken out: finished runs that are one network (messages say why not)."""
from __future__ import annotations

from core.errors import LayerLabError

NOT_FINISHED = ("Run {run_id} is {status}, not finished, so it has no final model to export. "
                "{what}")
WHAT_INSTEAD = {
    "queued": "Wait until it has trained, then export it.",
    "running": "Wait until it has finished training (or stop it and export another run).",
    "failed": "Fix what made it fail (see its log on the Train page), train it again and export "
              "the new run.",
    "stopped": "It was stopped before the end; train it again to the end and export that run.",
    "diverged": "Its loss became NaN or infinite, so its weights are not usable; lower the "
                "learning rate, train again and export the new run.",
}
NOT_ONE_NETWORK = ("Run {run_id} is a {method} mitigated run: {why} An exported file holds one "
                   "network, so this run cannot be exported. Export its original run "
                   "({parent}), or a reweighing or grid-search mitigated run, which are one "
                   "network each.")
UNKNOWN_FORMAT = ("Unknown export format '{fmt}'. Use one of {known}, or 'all' for every one.")


def check_exportable(model) -> None:
    """Raise a `LayerLabError` naming why `model` (a TrainedModel) cannot be exported."""
    from core.trained import WHY_NOT_DIFFERENTIABLE

    run = model.run
    if not model.differentiable:
        raise LayerLabError(NOT_ONE_NETWORK.format(
            run_id=run.id, method=model.method.replace("_", " "),
            why=WHY_NOT_DIFFERENTIABLE[model.method],
            parent=(model.record or {}).get("parent_id") or run.parent_id or "its parent"))


def check_finished(run) -> None:
    """A run that is not finished has no final weights: say why and what to do."""
    if run.status != "finished":
        raise LayerLabError(NOT_FINISHED.format(
            run_id=run.id, status=run.status,
            what=WHAT_INSTEAD.get(run.status, "Export a finished run instead.")))
