"""LayerLab's one HTTP route: a training run's points after those a browser has drawn.

Why a route beside Streamlit's page protocol: a Streamlit page learns about new data only by
rerunning (a fragment with `run_every`), and every rerun costs the watching browser Streamlit's
own page update, ~0.15 s of script on a small machine, twice a second. Two browsers watching
on the two-core machine that trains took most of a core from the worker (epochs 1.8x slower).
With this route the chart frame (`ui/live_chart`) asks for new points itself, a 1 ms request,
and the page reruns only when the run's state changes (started, stop asked, ended).

`serve.py` mounts it (`streamlit run serve.py`, the app's normal start); under a plain
`streamlit run app.py`, or in page tests, `mounted()` is False and the panel polls by
rerunning as before.

Access: the page, which has checked that its user may see the run, hands the frame a URL
signed with a key that lives only in this server process (HMAC-SHA256 of run, user and
expiry). The route checks the signature and reads the run as that user again, so a private
run stays private and a forged or expired URL gets 403 (the frame then asks the page for a
fresh one).
"""
from __future__ import annotations

import functools
import hashlib
import hmac
import math
import secrets
import time
from typing import Any
from urllib.parse import urlencode

_KEY = secrets.token_bytes(32)  # per process: URLs die with the server that signed them
TOKEN_TTL_S = 6 * 3600  # a page open longer than this asks for a fresh URL (one rerun)
PATH = "/layerlab/live"
_mounted_at: str | None = None

FORGED = "This live-curve link is not valid (signed by another server, or edited). Reload the page."
EXPIRED = "This live-curve link has expired. The page asks for a new one by itself."
BAD_POSITION = "'epoch' and 'step' must be whole numbers (the last point the chart has)."


def routes() -> list:
    """The starlette routes `serve.py` hands to `st.App`; from now on `mounted()` is True."""
    from starlette.routing import Route
    from streamlit import config

    global _mounted_at
    base = (config.get_option("server.baseUrlPath") or "").strip("/")
    _mounted_at = (f"/{base}" if base else "") + PATH
    return [Route(_mounted_at, _points, methods=["GET"])]


def mounted() -> bool:
    return _mounted_at is not None


def _signature(run_id: str, user: str, expires: int) -> str:
    message = f"{run_id}\n{user}\n{expires}".encode()
    return hmac.new(_KEY, message, hashlib.sha256).hexdigest()


def feed_url(run_id: str, user: str | None, *, now: float | None = None) -> str:
    """The signed URL of `run_id`'s points for `user` (the caller has checked they may see it)."""
    if _mounted_at is None:
        raise RuntimeError("the live route is not mounted (start the app with serve.py)")
    expires = int((time.time() if now is None else now) + TOKEN_TTL_S)
    query = {"run": run_id, "user": user or "", "exp": expires,
             "sig": _signature(run_id, user or "", expires)}
    return f"{_mounted_at}?{urlencode(query)}"


def check(query: dict, *, now: float | None = None) -> str | None:
    """Why a request's signature is refused (FORGED, EXPIRED), or None when it is good."""
    try:
        expires = int(query.get("exp", ""))
    except ValueError:
        return FORGED
    expected = _signature(query.get("run", ""), query.get("user", ""), expires)
    if not hmac.compare_digest(expected, str(query.get("sig", ""))):
        return FORGED
    if expires < (time.time() if now is None else now):
        return EXPIRED
    return None


@functools.lru_cache(maxsize=4)
def _store(url: str):
    # The route runs outside any page run (a starlette worker thread), so not st.cache_resource.
    from core.runs import open_store

    return open_store(url)


def payload(store: Any, run_id: str, after_epoch: int, after_step: int) -> dict:
    """What the frame needs after the points it has: new traces per chart, the progress line,
    and `key` (status and stop flag), whose change tells the frame to let the page rerun."""
    from ui.live_curves import points_after
    from ui.run_views import LIVE_STATUSES, progress

    run = store.get_run(run_id)
    updates, upto = points_after(store, run, after_epoch, after_step,
                                 run.status in LIVE_STATUSES)
    fraction, text = progress(run)
    return {"key": live_key(run), "progress": {"fraction": fraction, "text": text},
            "updates": updates, "upto": upto}


def live_key(run: Any) -> str:
    """The part of a run's state the page draws itself (badge, Stop button): a change reruns it."""
    return f"{run.status}/{int(bool(run.stop_requested))}"


def _finite(value: Any) -> Any:
    """NaN and infinities as null: JSON has no NaN (a diverged run's loss), plotly draws a gap."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value


def _points(request):
    """GET PATH?run=&user=&exp=&sig=&epoch=&step=: JSON as `payload` gives, or {"error"}."""
    from starlette.responses import JSONResponse

    from core import settings
    from core.errors import LayerLabError, StoreUnavailable
    from core.runs.access import as_user

    def answer(body: dict, status: int = 200):
        return JSONResponse(_finite(body), status_code=status,
                            headers={"Cache-Control": "no-store"})

    query = dict(request.query_params)
    if why := check(query):
        return answer({"error": why}, 403)
    try:
        after_epoch, after_step = int(query.get("epoch", -1)), int(query.get("step", -1))
    except ValueError:
        return answer({"error": BAD_POSITION}, 400)
    try:
        store = as_user(_store(settings.store_url()), query["user"] or None)
        return answer(payload(store, query["run"], after_epoch, after_step))
    except StoreUnavailable as exc:
        return answer({"error": str(exc)}, 503)
    except LayerLabError as exc:  # deleted meanwhile, or made private by its owner
        return answer({"error": str(exc)}, 404)
