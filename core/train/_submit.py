"""Submitting and stopping training runs: validate first, queue second, never the other way round."""
from __future__ import annotations

import logging

from core.errors import SpecError
from core.train._config import ConfigError, TrainConfig, resolve_loss

log = logging.getLogger(__name__)


def validate(dataset, spec, config: TrainConfig):
    """(bundle, prepared) when spec and config can train on the dataset; else Spec/Data/ConfigError."""
    from core.spec import analyse
    from core.data import prepared

    bundle, data = prepared(dataset)  # DataError for a dataset that cannot be used
    resolve_loss(data.task, config.loss)
    if config.class_weights == "balanced" and data.task == "regression":
        raise ConfigError("Class weights only apply to classification; set them to 'none' "
                          "for a regression target.")
    if config.device == "cuda":
        import torch

        if not torch.cuda.is_available():
            raise ConfigError("The device is set to 'cuda' but this machine has no usable CUDA "
                              "GPU; choose 'auto' or 'cpu'.")
    report = analyse(spec, data.input_shape, data.task, data.n_outputs, config.batch_size)
    if not report.ok:
        raise SpecError("\n".join(report.errors))
    return bundle, data


def _owner(store, owner: str | None) -> str | None:
    # A store seen through core.runs.access.as_user knows its user: runs made through it are theirs.
    return owner if owner is not None else getattr(store, "user", None)


def create_run(store, dataset, spec, config: TrainConfig, name: str | None = None,
               owner: str | None = None) -> str:
    """Validate, then create the queued run with everything that reproduces it."""
    bundle, data = validate(dataset, spec, config)
    run_id = store.create_run(
        name=name or f"{spec.name} on {bundle.title or dataset.name}",
        dataset=dataset.model_dump(mode="json"), dataset_hash=bundle.content_hash,
        spec=spec.model_dump(mode="json"), config=config.model_dump(mode="json"), task=data.task,
        owner=_owner(store, owner))
    store.update_run(run_id, preprocessing=list(data.report), seed=config.seed,
                     total_epochs=config.epochs,
                     metric_name="r2" if data.task == "regression" else "accuracy")
    return run_id


def submit_training(store, runner, dataset, spec, config: TrainConfig, name: str | None = None,
                    owner: str | None = None) -> str:
    from core.runs.access import check_quota

    owner = _owner(store, owner)
    check_quota(store, owner)  # before validating: the cheaper refusal first
    run_id = create_run(store, dataset, spec, config, name, owner)
    runner.submit("train", {"run_id": run_id}, run_id=run_id)
    log.info("queued %s", run_id)
    return run_id


def stop_run(store, runner, run_id: str, user: str | None = None) -> None:
    from core.runs.access import check_can_manage

    run = store.get_run(run_id)
    check_can_manage(run, _owner(store, user), "stop")  # before the runner drops a queued job
    if run.done:
        return  # stopping twice (or a finished run) changes nothing
    if run.status == "queued":
        runner.cancel(run_id)
        run = store.get_run(run_id)
        if run.status == "queued":  # a run without a job (e.g. created by hand)
            store.set_status(run_id, "stopped")
        return
    store.request_stop(run_id)
    runner.cancel(run_id)
