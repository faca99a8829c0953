"""Long-lived handles shared by every page and every browser session of this server.

`st.cache_resource` keeps one run store and one job runner per server process (keyed by the
store URL, so tests that point LAYERLAB_HOME elsewhere get their own). The handles hold no
per-user state: everything a user sees comes from the store.
Reading the store never starts or stops processes, so the runner's reaper thread (started once
per server and store with the runner) notices dead workers while pages only poll.
"""
from __future__ import annotations

import time

import streamlit as st

from core import settings

RETRY_S = 30.0  # how long pages show "jobs cannot run" before trying the runner again


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
    return runner


def _live_runner(url: str):
    from core.jobs import UnavailableRunner

    runner = _runner(url)
    if isinstance(runner, UnavailableRunner) and time.monotonic() - runner.since > RETRY_S:
        _runner.clear()  # try the cluster again: it may have been started since
        runner = _runner(url)
    return runner


def get_store():
    """The run store of this LayerLab home (SQLite unless LAYERLAB_STORE_URL says otherwise)."""
    url = settings.store_url()
    _live_runner(url)  # a page that only reads runs still needs the reaper running
    return _store(url)


def get_runner():
    """The job runner that trains runs in background worker processes (or on Ray)."""
    return _live_runner(settings.store_url())


def jobs_notice() -> None:
    """Above every page while jobs cannot run (an unreachable Ray cluster), say so and why.
    Only with LAYERLAB_RAY_ADDRESS set: the local pool needs no connection at start."""
    import os

    from core.jobs import RAY_ADDRESS_ENV

    if os.environ.get(RAY_ADDRESS_ENV):
        reason = getattr(get_runner(), "reason", None)
        if reason:
            st.error(reason, icon=":material/cloud_off:")
