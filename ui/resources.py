"""Long-lived handles shared by every page and every browser session of this server.

`st.cache_resource` keeps one run store and one job runner per server process (keyed by the
store URL, so tests that point LAYERLAB_HOME elsewhere get their own). The handles hold no
per-user state: everything a user sees comes from the store.
Reading the store never starts or stops processes, so the runner's reaper thread (started once
per server and store with the runner) notices dead workers while pages only poll.
"""
from __future__ import annotations

import threading

import streamlit as st

from core import settings

_PRESTART_AFTER_S = 1.0


@st.cache_resource(show_spinner=False)
def _store(url: str):
    from core.runs import open_store

    return open_store(url)


@st.cache_resource(show_spinner=False)
def _runner(url: str):
    from core.jobs import default_runner

    runner = default_runner(_store(url))
    runner.start_reaper(interval_s=2.0)
    # A warm worker for the first run (torch imported, Adult prepared, in its own process: the
    # server imports no torch for it). Started a moment later so the first page comes first.
    timer = threading.Timer(_PRESTART_AFTER_S, runner.prestart)
    timer.daemon = True  # never holds the server up when it stops
    timer.start()
    return runner


def get_store():
    """The run store of this LayerLab home (SQLite unless LAYERLAB_STORE_URL says otherwise)."""
    url = settings.store_url()
    _runner(url)  # a page that only reads runs still needs the reaper running
    return _store(url)


def get_runner():
    """The job runner that trains runs in background worker processes."""
    return _runner(settings.store_url())
