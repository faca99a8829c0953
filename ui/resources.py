"""Long-lived handles shared by every page and every browser session of this server.

`st.cache_resource` keeps one run store and one job runner per server process (keyed by the
store URL, so tests that point LAYERLAB_HOME elsewhere get their own). The handles hold no
per-user state: everything a user sees comes from the store.
Reading the store never starts or stops processes, so the runner's reaper thread (started once
per server and store with the runner) notices dead workers while pages only poll.
"""
from __future__ import annotations

import functools
import logging
import threading
import time

import streamlit as st

from core import settings
from core.errors import StoreUnavailable

# While the run store is unreachable, a page checks again this often and redraws itself once it
# answers (a PostgreSQL restart takes seconds; nobody should have to press reload).
STORE_RETRY_S = 3.0
STORE_OUTAGE_HINT = ("This page tries again every {every:.0f} seconds and comes back by itself; "
                     "a run that was training keeps the epochs it already wrote.")

RETRY_S = 30.0  # how long pages show "jobs cannot run" before trying the runner again

_PRESTART_AFTER_S = 1.0


@st.cache_resource(show_spinner=False)
def _store(url: str):
    from core.runs import open_store

    return open_store(url)


@st.cache_resource(show_spinner=False)
def _runner(url: str):
    from core.errors import LayerLabError
    from core.jobs import UnavailableRunner, default_runner

    try:  # with LAYERLAB_RAY_ADDRESS: connects to Ray once per server process, time-limited
        runner = default_runner(_store(url))
    except LayerLabError as exc:  # the app still starts; every page says jobs cannot run
        return UnavailableRunner(_store(url), str(exc))
    runner.start_reaper(interval_s=2.0)
    # A warm worker for the first run (torch imported, Adult prepared, in its own process: the
    # server imports no torch for it). Started a moment later so the first page comes first.
    timer = threading.Timer(_PRESTART_AFTER_S, _warm_up, args=(runner,))
    timer.daemon = True  # never holds the server up when it stops
    timer.start()
    return runner


def _warm_up(runner) -> None:
    """Start the warm worker, then load what a first Train click needs in this process:
    checking the model imports torch and sympy (4-7 s on a small machine), which would
    otherwise be spent after the click. Runs once, in a background thread."""
    runner.prestart()
    try:
        from core.spec import warm_up

        warm_up()
    except Exception:  # noqa: BLE001 - warming is an optimisation; the click still works
        logging.getLogger(__name__).exception("warming up the model checks failed")


def _live_runner(url: str):
    from core.jobs import UnavailableRunner

    runner = _runner(url)
    if isinstance(runner, UnavailableRunner) and time.monotonic() - runner.since > RETRY_S:
        _runner.clear()  # try the cluster again: it may have been started since
        runner = _runner(url)
    return runner


def get_store():
    """The run store of this LayerLab home (SQLite unless LAYERLAB_STORE_URL says otherwise),
    as this browser's user sees it: others' private runs are absent, and stopping, deleting or
    renaming someone else's run is refused (core.runs.access)."""
    from core.runs.access import as_user
    from ui.identity import user

    url = settings.store_url()
    _live_runner(url)  # a page that only reads runs still needs the reaper running
    return as_user(_store(url), user())


def get_runner():
    """The job runner that trains runs in background worker processes (or on Ray)."""
    return _live_runner(settings.store_url())


def show_store_outage(exc: StoreUnavailable) -> None:
    """The store's own message (it names LAYERLAB_STORE_URL or says it is retrying), not a traceback."""
    st.warning(str(exc), icon=":material/cloud_off:")
    st.caption(STORE_OUTAGE_HINT.format(every=STORE_RETRY_S)
               + f" Last try: {time.strftime('%H:%M:%S')}.")


def store_guarded(fn):
    """For polling fragments: an unreachable store shows the outage note; the next tick retries."""
    @functools.wraps(fn)
    def call(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except StoreUnavailable as exc:
            show_store_outage(exc)
    return call


def run_page(page) -> None:
    """Run the selected page; if the store is unreachable, say so and redraw once it is back."""
    try:
        page.run()
    except StoreUnavailable as exc:
        show_store_outage(exc)
        st.fragment(_rerun_when_store_answers, run_every=STORE_RETRY_S)()


def _rerun_when_store_answers() -> None:
    from core.runs import open_store

    try:
        open_store(settings.store_url()).list_runs(limit=1)
    except StoreUnavailable:
        return
    st.rerun(scope="app")


def jobs_notice() -> None:
    """Above every page while jobs cannot run (an unreachable Ray cluster), say so and why.
    Only with LAYERLAB_RAY_ADDRESS set: the local pool needs no connection at start."""
    import os

    from core.jobs import RAY_ADDRESS_ENV

    if os.environ.get(RAY_ADDRESS_ENV):
        reason = getattr(get_runner(), "reason", None)
        if reason:
            st.error(reason, icon=":material/cloud_off:")
