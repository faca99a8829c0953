"""Checklist tools from the whitepapers' debugging checklist, each run as a background job.

- "Can it overfit a tiny batch?" (`tiny_batch_check`, job "overfit_check"): a fresh copy of
  the run's model trains on 32 examples; a working setup drives the loss near zero.
- Learning-rate range test (`lr_range_test`, job "lr_finder"): Smith's LR finder, with a
  suggested learning rate that `apply_suggested_lr` puts into the workspace's training config.

`submit_check(store, runner, run_id, which)` queues one as an audit job; the page follows it
with `core.audit.progress.audit_state(store, runner, run_id, which)` (a JobRecord) and renders
its result.
"""
from __future__ import annotations

from core.audit.progress import Progress, run_audit, submit_audit
from core.audit.records import AuditKind, JobRecord, JobState
from core.audit.checklist._lr_finder import lr_range_test, suggest
from core.audit.checklist._tiny_batch import tiny_batch_check
from core.errors import LayerLabError

__all__ = ["CHECKS", "submit_check", "run_check", "apply_suggested_lr", "tiny_batch_check",
           "lr_range_test", "suggest", "overfit_check_job", "lr_finder_job"]

# Audit kind (= job name) -> the plain name shown to people.
CHECKS = {AuditKind.OVERFIT_CHECK: "Can it overfit a tiny batch?",
          AuditKind.LR_FINDER: "Learning-rate range test"}
_TOOLS = {AuditKind.OVERFIT_CHECK: tiny_batch_check, AuditKind.LR_FINDER: lr_range_test}

UNKNOWN_CHECK = "Unknown check '{which}'; choose one of: {choices}."
LR_DOES_NOT_FIT = ("The suggested learning rate {lr:g} does not fit the training settings: "
                   "{error}")
NO_FINISHED_RANGE_TEST = ("Run {run_id} has no finished learning-rate range test yet; run the "
                          "LR finder first.")
NO_SUGGESTION = ("The learning-rate range test found no learning rate to suggest (its "
                 "explanation says why); the training settings were not changed.")


def _check_name(which: str) -> str:
    if which not in CHECKS:
        raise LayerLabError(UNKNOWN_CHECK.format(which=which, choices=", ".join(CHECKS)))
    return which


def submit_check(store, runner, run_id: str, which: str) -> str:
    """Queue checklist tool `which` ("overfit_check" | "lr_finder") for a run; returns the job id."""
    return submit_audit(store, runner, run_id, _check_name(which))


def run_check(store, run_id: str, which: str, on_progress=None) -> dict:
    """Run a checklist tool in this process (CLI, tests) and keep its result with the run."""
    progress = Progress(store, run_id, _check_name(which))
    run = store.get_run(run_id)

    def report(fraction: float, message: str) -> None:
        progress.update(fraction, message)
        if on_progress:
            on_progress(fraction, message)

    try:
        result = _TOOLS[which](run, on_progress=report)
    except LayerLabError as exc:
        progress.failed(str(exc))
        raise
    progress.done(result)
    return result


def _job(which: str):
    def tool(args: dict, progress: Progress, store) -> dict:
        return _TOOLS[which](store.get_run(args["run_id"]), on_progress=progress.update)

    tool.__name__ = str(which)  # the audit kind when the args do not name one
    tool.__doc__ = _TOOLS[which].__doc__
    return run_audit(tool)


overfit_check_job = _job(AuditKind.OVERFIT_CHECK)
lr_finder_job = _job(AuditKind.LR_FINDER)


def apply_suggested_lr(source, workspace=None, *, store=None) -> float:
    """Put the LR finder's suggestion into the workspace's training config; returns the lr.

    `source` is an lr_finder result (or its audit record), a number, or a run id whose
    lr_finder audit is done (read from `store`, default the configured store). The workspace
    (default: the saved one) keeps its other training choices; without any yet it starts from
    the audited run's config. It is saved, so the Train page shows the new learning rate.
    """
    from core.train import TrainConfig
    from core.workspace import load_workspace, save_workspace

    lr, run = _suggested_lr(source, store)
    ws = workspace if workspace is not None else load_workspace()
    base = ws.train_config or (run.config if run is not None else TrainConfig().model_dump(mode="json"))
    try:
        cfg = TrainConfig.model_validate({**base, "lr": lr})
    except ValueError as exc:
        raise LayerLabError(LR_DOES_NOT_FIT.format(lr=lr, error=exc)) from None
    ws.train_config = cfg.model_dump(mode="json")
    save_workspace(ws)
    return cfg.lr


def _suggested_lr(source, store):
    run = None
    if isinstance(source, str):
        if store is None:
            from core.runs import open_store
            store = open_store()
        run = store.get_run(source)
        rec = JobRecord.read(store, source, AuditKind.LR_FINDER)
        if rec is None or rec.state is not JobState.DONE:
            raise LayerLabError(NO_FINISHED_RANGE_TEST.format(run_id=source))
        source = rec.result
    if isinstance(source, dict):
        source = source.get("result", source).get("suggested_lr")
    if not isinstance(source, (int, float)) or isinstance(source, bool) or not source > 0:
        raise LayerLabError(NO_SUGGESTION)
    return float(source), run
