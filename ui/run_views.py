"""Render helpers for one run: status badge, progress bar, problems, and the live curves.

The live panel is a fragment that re-reads the run store every `POLL_S` seconds while the run
is queued or running; only the fragment reruns, so the rest of the page keeps answering.
When the run ends the fragment asks for one full rerun, which draws it without polling.
Workers never touch Streamlit: they write to the store, and this module only reads it.
"""
from __future__ import annotations

from typing import Any

import streamlit as st

from core.errors import LayerLabError, StoreUnavailable
from core.runs.access import why_not
from ui.resources import get_runner, get_store, store_guarded
from ui.text import md

# Each tick costs the server one small read, but the watching browser ~0.1 s of Streamlit's
# own page updating plus the chart's redraw: at 0.25 s one browser took a whole core beside a
# two-core machine's worker (watched epochs 1.41x slower). 0.5 s halves that and still puts a
# stored point on the chart 0.38 s later (median; p90 0.64 s, bench/live_latency.py).
POLL_S = 0.5
LIVE_STATUSES = ("queued", "running")
NO_TRAINED_MODEL = "No trained model yet: weights are saved after a run's first epoch. Train one first."

# label, badge colour, what it means in plain words
STATUS = {
    "queued": ("Waiting", "gray", "Waiting for a free worker; it starts when one is free."),
    "running": ("Training", "blue", "Training now; the charts update as each epoch ends."),
    "finished": ("Finished", "green", "Training finished."),
    "stopped": ("Stopped", "orange",
                "Stopped before the last epoch; the last saved weights are kept."),
    "failed": ("Failed", "red", "Training stopped with an error."),
    "diverged": ("Diverged", "red", "The loss blew up (became too large or not a number)."),
}


def format_duration(seconds: float | None) -> str:
    """'45 s', '3 min 05 s', '1 h 02 min'; '–' when unknown."""
    if seconds is None:
        return "–"
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min {seconds % 60:02d} s"
    return f"{seconds // 3600} h {seconds % 3600 // 60:02d} min"


EARLY_STOP_NOTE = (" · stopped early: the validation loss had stopped improving, so the weights "
                   "of its best epoch are kept")


def progress(run: Any) -> tuple[float, str]:
    """Fraction done (0..1) and a sentence: 'Epoch 3 / 20 · batch 12 / 40 · about 8 s left'."""
    if run.status == "queued":
        pos = run.queue_position
        return 0.0, f"Waiting in line (position {pos})" if pos else "Waiting in line"
    total, epoch = run.total_epochs or 0, run.epoch or 0
    if not total:
        return 0.0, "Starting: loading the data and building the model…"
    # `step` counts from the start of training; `epoch` is the one in progress (1-based).
    spe, step = run.steps_per_epoch or 0, run.step or 0
    done = step / spe if spe and step else epoch
    fraction = 1.0 if run.status == "finished" else min(1.0, max(0.0, done / total))
    text = f"Epoch {epoch} / {total}"
    if spe and run.status == "running":
        in_epoch = min(spe, max(0, step - max(epoch - 1, 0) * spe))
        text += f" · batch {in_epoch} / {spe}"
    if run.status == "running" and run.eta_s is not None:
        text += f" · about {format_duration(run.eta_s)} left"
    if run.status == "finished" and epoch < total:
        text += EARLY_STOP_NOTE
    return fraction, text


def status_badge(run: Any) -> None:
    label, colour, meaning = STATUS.get(run.status, (run.status, "gray", ""))
    st.badge(label, color=colour, help=meaning)


def show_problem(run: Any) -> None:
    """Error and advice of a failed, diverged or stopped run, in the words the worker wrote."""
    if run.error:
        (st.warning if run.status == "stopped" else st.error)(run.error)
    if run.advice:
        st.info(f"What to try: {run.advice}")


def config_line(run: Any) -> str:
    """The run's key settings in one line, e.g. 'adam · learning rate 0.001 · batch 64 · …'."""
    c = run.config or {}
    seed = run.seed if run.seed is not None else c.get("seed", "?")
    return (f"{c.get('optimizer', '?')} · learning rate {c.get('lr', '?')} · "
            f"batch {c.get('batch_size', '?')} · {c.get('epochs', '?')} epochs · seed {seed}")


def live_run(run_id: str) -> None:
    """Draw one run; poll the store while it is queued or running."""
    try:
        run = get_store().get_run(run_id)
    except StoreUnavailable:
        raise  # the page's guard (ui.resources.run_page) shows it and retries
    except LayerLabError as exc:
        st.warning(str(exc))
        return
    live = run.status in LIVE_STATUSES
    from ui.live_feed import mounted

    # With the live route the chart frame fetches new points itself and reruns the panel when
    # the run's state changes; without it (`streamlit run app.py`, page tests) the panel polls.
    polling = live and not mounted()
    st.fragment(_run_panel, run_every=POLL_S if polling else None)(run_id, live)


@store_guarded  # a store restart mid-run: a note for a few ticks, then the curves again
def _run_panel(run_id: str, was_live: bool) -> None:
    store = get_store()
    run = store.get_run(run_id)
    if was_live and run.status not in LIVE_STATUSES:
        st.rerun()  # ended: one full rerun draws the final state without polling
    status_badge(run)
    st.caption(config_line(run))
    feed = _feed(store, run)
    if feed is None:  # with the feed the chart frame draws the progress line, kept up to date
        fraction, text = progress(run)
        st.progress(fraction, text=text)
    if run.status == "queued" and (why := get_runner().waiting_reason(run_id)):
        st.caption(why)  # e.g. a Ray cluster with no free CPU
    if run.status in LIVE_STATUSES:
        stopping = run.stop_requested
        not_yours = why_not(run, store.user, "stop")  # the core refuses it too (NOT_YOURS)
        if st.button("Stopping…" if stopping else "Stop training", key=f"stop-{run_id}",
                     disabled=stopping or bool(not_yours), icon=":material/stop:",
                     help=not_yours or "Stop this run; the weights saved so far are kept."):
            from core.train import stop_run

            stop_run(store, get_runner(), run_id)
            run = store.get_run(run_id)
            if run.status not in LIVE_STATUSES:
                st.rerun()  # stopped at once (it was still waiting): draw the ended run
        if not_yours:
            st.caption(md(not_yours))
    show_problem(run)
    from ui.live_curves import live_curves

    live_curves(store, run, run.status in LIVE_STATUSES, feed)
    if run.status == "finished" and run.test_metrics:
        _test_metrics(run)


def _feed(store, run: Any) -> dict | None:
    """The live route's signed URL and what the frame shows until its first answer, while the
    run is queued or running and the route is mounted (ui/live_feed.py); else None."""
    from ui import live_feed

    if run.status not in LIVE_STATUSES or not live_feed.mounted():
        return None
    fraction, text = progress(run)
    return {"url": live_feed.feed_url(run.id, store.user), "key": live_feed.live_key(run),
            "progress": {"fraction": fraction, "text": text}, "poll_ms": int(POLL_S * 1000)}


_METRIC_WORDS = {"accuracy": "accuracy", "r2": "R²"}


def _metric_for(task: str) -> str:
    return "r2" if task == "regression" else "accuracy"


_TEST_LABELS = {"accuracy": ("Test accuracy", "share of test rows predicted correctly"),
                "loss": ("Test loss", "lower is better"),
                "r2": ("Test R²", "1 is perfect, 0 is no better than guessing the mean"),
                "mae": ("Test MAE", "average size of the error, in the target's units")}


def _test_metrics(run: Any) -> None:
    st.markdown("**On the test set** (rows held back from training and from choosing the "
                "best epoch):")
    shown = [(k, v) for k, v in run.test_metrics.items()
             if k in _TEST_LABELS and isinstance(v, (int, float))]
    for col, (k, v) in zip(st.columns(max(1, len(shown))), shown):
        label, meaning = _TEST_LABELS[k]
        col.metric(label, f"{v:.3f}", help=meaning)


def owner_label(owner: str | None) -> str:
    """Who started a run, in words: "you", an e-mail, or a short anonymous tag."""
    from core.identity import public_name
    from ui.identity import user

    if owner is None:
        return "–"
    return "you" if owner == user() else public_name(owner)


def runs_frame(runs: list[Any], compare: set[str]):
    """One row per run for the Experiments table (plain values; the page adds column help)."""
    import pandas as pd

    from core.train import architecture_summary

    rows = []
    for r in runs:
        c = r.config or {}
        done = r.epoch if r.epoch is not None else 0
        rows.append({
            "Compare": r.id in compare, "Run": r.id,
            "Status": STATUS.get(r.status, (r.status,))[0],
            "Dataset": (r.dataset or {}).get("name", "?"),
            "Architecture": architecture_summary(r.spec or {}),
            "Hyperparameters": f"{c.get('optimizer')} · lr {c.get('lr', 0):g} · "
                               f"batch {c.get('batch_size')}",
            "Epochs": f"{done} / {r.total_epochs or c.get('epochs', '?')}",
            "Best validation score": r.best_val_metric,
            "Metric": _METRIC_WORDS.get(r.metric_name or _metric_for(r.task)),
            "Best validation loss": r.best_val_loss, "Notes": r.notes or "",
            "Duration": format_duration(r.duration_s), "Device": r.device or "–",
            "Owner": owner_label(r.owner), "Private": r.private, "Node": r.host or "–",
            "Open": f"/train?run={r.id}",
        })
    return pd.DataFrame(rows)


def pick_run(runs: list, *, key: str) -> str:
    """Selectbox of runs (newest first): the URL's ?run= if given, else the newest finished run.

    The choice is written back to the URL, so a reload or a shared link shows the same run.
    """
    by_id = {r.id: r for r in runs}
    wanted = st.session_state.get(key) or st.query_params.get("run")
    explain_url_run(wanted if wanted not in by_id else None)
    if wanted not in by_id:
        finished = [r.id for r in runs if r.status == "finished"]
        wanted = finished[0] if finished else runs[0].id
    st.session_state[key] = wanted
    st.selectbox("Run", list(by_id), key=key,
                 format_func=lambda i: f"{i} · {by_id[i].name} · "
                                       f"{STATUS.get(by_id[i].status, (by_id[i].status,))[0]}",
                 help="Every run with saved weights, newest first.")
    st.query_params["run"] = st.session_state[key]
    return st.session_state[key]


def explain_url_run(run_id: str | None) -> None:
    """Say why a run named in the URL is not shown: a malformed id (BAD_RUN_ID), someone else's
    private run (PRIVATE_RUN) or no such run. The store's checks decide, not this page. The
    note is kept for the session (call with None on later runs): a page may rerun at once."""
    if run_id:
        try:
            get_store().get_run(run_id)
            st.session_state.pop("_url_run_note", None)
        except LayerLabError as exc:
            st.session_state["_url_run_note"] = str(exc)
    if note := st.session_state.get("_url_run_note"):
        st.warning(note)


def note_runs_without_one_network(runs: list, audit: str) -> None:
    """Say why mitigated runs that are not one network (threshold or mixture runs) are not listed."""
    skipped = [r.id for r in runs if r.status == "finished" and not r.checkpoint_path]
    if skipped:
        st.caption(f"Not listed: {', '.join(skipped)}. These mitigated runs combine several models or "
                   f"per-group thresholds rather than one network, so {audit} cannot look inside them; "
                   "open their parent run instead (the Fairness page compares them).")


def pick_network_run(store, *, audit: str, empty: str, key: str, finished_only: bool = True) -> tuple[str, list]:
    """The run picker of pages that look inside one network (attacks, SHAP, export).

    Lists runs with their own checkpoint (finished ones, or any that has not failed when
    `finished_only` is False), says why mitigated mixtures are missing, stops the page with
    `empty` when there is nothing yet; returns (picked run id, the listed runs)."""
    all_runs = store.list_runs()
    runs = [r for r in all_runs if r.checkpoint_path and (
        r.status == "finished" if finished_only else r.status not in ("failed", "diverged"))]
    note_runs_without_one_network(all_runs, audit)
    stop_without_runs(runs, empty)
    return pick_run(runs, key=key), runs


def stop_without_runs(runs: list, message: str) -> None:
    """When there is nothing to show yet: say so, point to the Train page, and end the page run."""
    if not runs:
        st.info(message)
        st.page_link("views/train.py", label="Go to Train", icon=":material/model_training:")
        st.stop()


def manage_run(store, runs: list) -> None:
    """Rename or delete one run; greyed out, with the reason, on runs that are not yours."""
    with st.expander("Rename or delete a run", icon=":material/edit:"):
        by_id = {r.id: r for r in runs}
        run_id = st.selectbox("Run", list(by_id), key="manage_run",
                              format_func=lambda i: f"{i} · {by_id[i].name}")
        run = by_id[run_id]
        reason = why_not(run, store.user, "rename or delete")
        if reason:
            st.caption(md(reason))
        name = st.text_input("New name", value=run.name, max_chars=200, disabled=bool(reason),
                             key=f"rename-{run_id}")
        left, right = st.columns(2)
        try:
            if left.button("Rename", disabled=bool(reason), icon=":material/edit:"):
                store.rename_run(run_id, name)
                st.rerun()
            if right.button("Delete", disabled=bool(reason) or run.status in LIVE_STATUSES,
                            icon=":material/delete:",
                            help="Stop it first if it is still training or waiting."):
                store.delete_run(run_id)
                st.rerun()
        except LayerLabError as exc:
            st.error(str(exc))
