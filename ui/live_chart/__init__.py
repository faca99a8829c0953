"""Live curves that grow by appending: a Streamlit component (v1, an iframe) of our own.

The page sends the full figures once (when it opens a run and when the run ends) and, while
the run trains, only the points after the last ones the browser acknowledged; the frame
appends them with plotly's `extendTraces`, so nothing is redrawn and zoom and hover survive.

plotly.js comes from the installed plotly pip package (`plotly/package_data/plotly.min.js`),
never a CDN and never a copy in the repository: at server start the component's folder is
assembled in LayerLab's home with index.html and a hard link to the package's file (a copy
only when the home is on another file system, refreshed whenever the package's file differs),
so the served script is always the installed version.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import streamlit as st

_HERE = Path(__file__).parent
_FILES = ("index.html", "plotly.min.js")


def _plotly_js() -> Path:
    import plotly

    return Path(plotly.__file__).parent / "package_data" / "plotly.min.js"


def _same(a: Path, b: Path) -> bool:
    try:
        sa, sb = a.stat(), b.stat()
    except FileNotFoundError:
        return False
    return sa.st_ino == sb.st_ino or (sa.st_size == sb.st_size and sa.st_mtime == sb.st_mtime)


def _link(src: Path, dst: Path) -> None:
    if _same(src, dst):
        return
    tmp = dst.with_suffix(dst.suffix + f".{os.getpid()}.tmp")
    try:
        os.link(src, tmp)  # Streamlit resolves symlinks and refuses files outside the folder
    except OSError:
        shutil.copy2(src, tmp)
    os.replace(tmp, dst)


@st.cache_resource(show_spinner=False)
def _component(home: str):
    import streamlit.components.v1 as components

    folder = Path(home) / "components" / "live_chart"
    folder.mkdir(parents=True, exist_ok=True)
    _link(_HERE / "index.html", folder / "index.html")
    _link(_plotly_js(), folder / "plotly.min.js")
    return components.declare_component("layerlab_live_chart", path=str(folder))


def live_chart(*, run: str, version: str, figs: list | None, updates: list | None = None,
               upto: dict | None = None, replace: dict | None = None, feed: dict | None = None,
               key: str) -> dict | None:
    """Mount (or feed) the live charts; returns what the browser acknowledged:
    {"version", "epoch", "step"} (the last points drawn), or None before it first drew.

    `figs` (plotly figure dicts; None for a missing chart) are drawn when `version` is new to
    the browser; `updates` holds, per figure, traces ({name, x, y, ...}) of new points only.
    `replace` swaps whole trace properties instead of appending (a decision boundary's heatmap
    from a new checkpoint): {"stamp", "charts": [{"data": {prop: [value per trace]},
    "traces": [index...], "layout": {...}} | None, ...]}, applied once per new `stamp`.
    `feed` ({"url", "key", "progress", "poll_ms"}): the frame fetches new points from LayerLab's
    route itself (ui/live_feed.py), shows the progress line, and answers only when the run's
    state `key` changes (its acknowledgement then carries the new key: the panel reruns).
    """
    from core import settings

    comp = _component(str(settings.home()))
    return comp(run=run, version=version, figs=figs, updates=updates or [],
                upto=upto or {"epoch": -1, "step": -1}, replace=replace, feed=feed, key=key,
                default=None)


__all__ = ["live_chart"]
