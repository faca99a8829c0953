"""Long-lived handles shared by every page and every browser session of this server.

`st.cache_resource` keeps one run store and one job runner per server process (keyed by the
store URL, so tests that point LAYERLAB_HOME elsewhere get their own). The handles hold no
per-user state: everything a user sees comes from the store.
Reading the store never starts or stops processes, so the runner's reaper thread (started once
per server and store with the runner) notices dead workers while pages only poll.
"""
from __future__ import annotations

import streamlit as st

from core import settings


@st.cache_resource(show_spinner=False)
def _store(url: str):
    from core.runs import open_store

    return open_store(url)


@st.cache_resource(show_spinner=False)
def _runner(url: str):
    from core.jobs import default_runner

    runner = default_runner(_store(url))
    runner.start_reaper(interval_s=2.0)
    return runner


def get_store():
    """The run store of this LayerLab home (SQLite unless LAYERLAB_STORE_URL says otherwise),
    as this browser's user sees it: others' private runs are absent, and stopping, deleting or
    renaming someone else's run is refused (core.runs.access)."""
    from core.runs.access import as_user
    from ui.identity import user

    url = settings.store_url()
    _runner(url)  # a page that only reads runs still needs the reaper running
    return as_user(_store(url), user())


def get_runner():
    """The job runner that trains runs in background worker processes."""
    return _runner(settings.store_url())
