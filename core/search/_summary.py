"""What a study found, as plain records and sentences (the CLI's JSON and the Search page)."""
from __future__ import annotations

import math

from pydantic import BaseModel, Field

from core.errors import LayerLabError
from core.search._study import OBJECTIVE_LABEL, StudyDef, load_study, set_state, study_def
from core.search.messages import (ALL_DIVERGED, DIVERGED_ABOVE, IMPORTANCE_TOO_FEW, JOB_ENDED,
                                  NO_TRIAL_FINISHED, PRUNED_SENTENCE, TIME_TOO_SHORT)

MIN_FOR_IMPORTANCE = 4  # fewer finished trials give importances that are mostly noise


class TrialInfo(BaseModel):
    number: int
    state: str  # "running" | "complete" | "pruned" | "failed" | "waiting"
    run_id: str | None = None
    value: float | None = None
    params: dict = Field(default_factory=dict)
    pruned_epoch: int | None = None
    error: str | None = None
    status: str | None = None  # the run's own status when the trial failed ("diverged", ...)
    dp_diff: float | None = None
    feasible: bool = True  # within the fairness bound (always true without one)


class StudySummary(BaseModel):
    id: str
    state: str  # "queued" | "running" | "done" | "stopped" | "failed"
    message: str = ""
    objective: str
    objective_label: str
    direction: str
    trials: list[TrialInfo]
    best: TrialInfo | None = None
    counts: dict[str, int]
    definition: StudyDef

    def best_so_far(self) -> list[tuple[int, float]]:
        """(trial number, best value up to it) over the finished feasible trials, in order."""
        out, best = [], None
        for t in sorted(self.trials, key=lambda t: t.number):
            if t.state == "complete" and t.feasible and t.value is not None:
                better = best is None or (t.value < best if self.direction == "minimize" else t.value > best)
                best = t.value if better else best
                out.append((t.number, best))
        return out


_STATES = {"COMPLETE": "complete", "PRUNED": "pruned", "FAIL": "failed", "RUNNING": "running",
           "WAITING": "waiting"}


def _trial_info(t) -> TrialInfo:
    attrs = t.user_attrs
    value = t.value if t.value is not None and math.isfinite(t.value) else None
    if value is None and t.intermediate_values:  # a pruned trial: its last reported score
        value = t.intermediate_values[max(t.intermediate_values)]
    return TrialInfo(number=t.number, state=_STATES.get(t.state.name, t.state.name.lower()), run_id=attrs.get("run_id"),
                     value=value, params=dict(t.params), pruned_epoch=attrs.get("pruned_epoch"),
                     error=attrs.get("error"), status=attrs.get("status"),
                     dp_diff=attrs.get("dp_diff"), feasible=attrs.get("violation", 0.0) <= 0)


def _job_ended(study, runner) -> str | None:
    """Why the study's job ended while the study still says queued/running (a killed worker)."""
    job_id = study.user_attrs.get("job_id")
    if runner is None or not job_id or study.user_attrs.get("state") not in ("queued", "running"):
        return None
    try:
        job = runner.status(job_id)
    except LayerLabError:
        return None
    if job.status in ("failed", "cancelled", "done"):
        return JOB_ENDED.format(why=job.error or "its worker process stopped")
    return None


def study_summary(store, study_id: str, runner=None) -> StudySummary:
    """The study as it stands now (readable while it runs). With `runner`, a study whose job
    died is reported as failed, with the reason, instead of running for ever."""
    study = load_study(store, study_id)
    if (why := _job_ended(study, runner)) is not None:
        set_state(study, "failed", why)
    definition = study_def(study)
    trials = [_trial_info(t) for t in study.get_trials(deepcopy=False)]
    counts = {k: sum(t.state == k for t in trials) for k in ("complete", "pruned", "failed", "running")}
    done = [t for t in trials if t.state == "complete" and t.feasible and t.value is not None]
    pick = min if definition.direction == "minimize" else max
    best = pick(done, key=lambda t: t.value) if done else None
    return StudySummary(id=study_id, state=study.user_attrs.get("state", "queued"),
                        message=study.user_attrs.get("message", ""), objective=definition.objective,
                        objective_label=OBJECTIVE_LABEL[definition.objective],
                        direction=definition.direction, trials=trials, best=best, counts=counts,
                        definition=definition)


def require_best(summary: StudySummary) -> TrialInfo:
    """The best trial; LayerLabError ALL_DIVERGED / NO_TRIAL_FINISHED when there is none."""
    if summary.best is not None:
        return summary.best
    failed = [t for t in summary.trials if t.state == "failed"]
    if failed and all(t.status == "diverged" for t in failed) and summary.counts["complete"] == 0 \
            and summary.counts["pruned"] == 0:
        lr = next((p for p in summary.definition.space if p.name == "lr"), None)
        top = (lr.low if lr and lr.kind != "choice" else summary.definition.config["lr"])
        raise LayerLabError(ALL_DIVERGED.format(study_id=summary.id, low=top / 1000, high=top))
    counts = ", ".join(f"{v} {k}" for k, v in summary.counts.items() if v)
    why = failed[0].error if failed and failed[0].error else summary.message
    raise LayerLabError(NO_TRIAL_FINISHED.format(study_id=summary.id, counts=counts or "none ran",
                                                 why=why or ""))


def describe(summary: StudySummary, importances: dict[str, float] | None = None) -> list[str]:
    """Plain sentences about the study: the best trial, what mattered, what was pruned."""
    lines = []
    names = {p.name: p.plain for p in summary.definition.space}
    if summary.best is not None:
        b = summary.best
        lines.append(f"The best trial so far is trial {b.number} ({b.run_id}), with a "
                     f"{summary.objective_label} of {b.value:.4g}.")
    if importances:
        top = max(importances, key=importances.get)
        lines.append(f"{names.get(top, top).capitalize()} mattered most "
                     f"({importances[top]:.0%} of the differences between trials).")
    c = summary.counts
    if c["pruned"]:
        d = summary.definition
        epochs = int(d.config.get("epochs", 20))
        rungs = ", ".join(str(3 ** k) for k in range(8) if 3 ** k < epochs)  # Hyperband's, factor 3
        lines.append(PRUNED_SENTENCE.get(d.pruner, PRUNED_SENTENCE["median"]).format(
            n=c["pruned"], rungs=rungs))
    lines += _diverged_lines(summary, "lr" in names)
    d = summary.definition
    if d.timeout_s and d.trials and summary.state in ("done", "stopped") \
            and len(summary.trials) < d.trials:
        lines.append(TIME_TOO_SHORT.format(trials=d.trials, timeout=d.timeout_s))
    return lines


def _diverged_lines(summary: StudySummary, has_lr: bool) -> list[str]:
    """Where trials diverged: "at or above lr X every trial diverged" when that is so."""
    diverged = [t for t in summary.trials if t.status == "diverged"]
    if not diverged or not has_lr:
        return []
    low = min(t.params.get("lr", math.inf) for t in diverged)
    above = [t for t in summary.trials if t.params.get("lr", -math.inf) >= low
             and t.state != "running"]
    if len(diverged) >= 2 and all(t.status == "diverged" for t in above):
        return [DIVERGED_ABOVE.format(low=low, lo=low / 100)]
    return [f"{len(diverged)} trial(s) diverged; the smallest learning rate that diverged was "
            f"{low:.2g}."]


def importance_note(summary: StudySummary) -> str | None:
    """Why importances are not shown yet (too few finished trials), or None."""
    n = summary.counts["complete"]
    return IMPORTANCE_TOO_FEW.format(need=MIN_FOR_IMPORTANCE, n=n) if n < MIN_FOR_IMPORTANCE else None


def trial_curves(store, summary: StudySummary) -> list[dict]:
    """Each trial's validation curve from its run's epochs (the objective's metric, by epoch)."""
    key = "val_loss" if summary.objective == "val_loss" else "val_metric"
    best = summary.best.number if summary.best else None
    out = []
    for t in summary.trials:
        if not t.run_id:
            continue
        rows = [r for r in store.epochs(t.run_id) if r.epoch >= 1 and getattr(r, key) is not None
                and math.isfinite(getattr(r, key))]
        out.append({"number": t.number, "state": t.state, "best": t.number == best,
                    "epochs": [r.epoch for r in rows], "values": [getattr(r, key) for r in rows]})
    return out


def importances(store, study_id: str) -> dict[str, float]:
    """Share of the variation in the score each setting explains (needs MIN_FOR_IMPORTANCE
    finished trials; see `importance_note`)."""
    import optuna

    study = load_study(store, study_id)
    if sum(t.state == optuna.trial.TrialState.COMPLETE for t in study.trials) < MIN_FOR_IMPORTANCE:
        return {}
    try:
        return dict(optuna.importance.get_param_importances(study))
    except (ValueError, RuntimeError):  # e.g. every trial had the same settings
        return {}


def request_stop(store, runner, study_id: str) -> None:
    """Stop a study: no new trial starts, and its running trials stop within ~2 s."""
    from core.train import stop_run

    study = load_study(store, study_id)
    study.set_user_attr("stop_requested", True)
    for t in study.get_trials(deepcopy=False):
        run_id = t.user_attrs.get("run_id")
        if t.state.name == "RUNNING" and run_id:
            stop_run(store, runner, run_id)
    job_id = study.user_attrs.get("job_id")
    if job_id and study.user_attrs.get("state") == "queued" and runner is not None:
        runner.cancel(job_id)
        study.set_user_attr("state", "stopped")


def trial_labels(store, runs) -> dict[str, tuple[str, str]]:
    """run id → (study id, "trial 3 · pruned at epoch 4") for the runs that are search trials."""
    from core.search._run import AUDIT_KIND, TRIAL_RUN

    out = {}
    for r in runs:
        if r.kind != TRIAL_RUN:
            continue
        rec = store.get_audit(r.id, AUDIT_KIND)  # written when the trial ends
        study, _, number = (r.name or "").partition(" trial ")
        if rec:
            study, number = rec["study_id"], rec["trial"]
        label = f"trial {number}"
        if rec and rec.get("pruned_epoch") is not None:
            label += f" · pruned at epoch {rec['pruned_epoch']}"
        out[r.id] = (study, label)
    return out
