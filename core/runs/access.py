"""Who may see and change which run: owners, private runs, admins, and per-user limits.

The rules live here, in core, so the pages, the CLI and any script obey the same ones (a page
only greys out what this module would refuse anyway):
- everyone sees every run, except a private run, which only its owner and admins see;
- only the owner or an admin (LAYERLAB_ADMINS) may stop, delete, rename or hide a run; a run
  without owner (made before owners existed) may be managed by anyone;
- a run made from another run (mitigated, pruned, adversarially trained...) belongs to whoever
  asked for it (`child_owner`), not to the parent's owner;
- one user may have at most LAYERLAB_MAX_QUEUED_PER_USER waiting and
  LAYERLAB_MAX_RUNNING_PER_USER training runs, whatever job makes them (training, search,
  compression, mitigation, adversarial training).
`as_user(store, user)` wraps a store so that everything read or changed through it follows
these rules for `user` (the web pages use it); a user of None means "no one in particular"
(the command line on its own machine, workers, tests) and is not restricted.
"""
from __future__ import annotations

import re
from typing import Any

from core import settings
from core.errors import LayerLabError
from core.identity import is_admin, public_name
from core.runs._base import RunStore
from core.runs._types import Run

NOT_YOURS = ("Run {run_id} belongs to {owner}: only its owner or an admin can {action} it. "
             "Train your own copy from the Train page instead.")
PRIVATE_RUN = ("There is no run '{run_id}' that you can open: it does not exist, or its owner "
               "made it private.")
BAD_RUN_ID = ("{value!r} is not a run id: run ids look like 'run-0007'. Pick a run from the "
              "runs list.")
TOO_MANY_QUEUED = ("You already have {count} runs waiting to start (the limit is {limit} per "
                   "person, so everyone gets a turn). Wait for one to start or stop one on the "
                   "Experiments page, then try again.")
TOO_MANY_RUNNING = ("You already have {count} runs training (the limit is {limit} per person). "
                    "Wait for one to finish or stop one, then try again.")

_RUN_ID = re.compile(r"^run-\d{4,9}$")


def check_run_id(value: object) -> str:
    """`value` if it is a well-formed run id; else BAD_RUN_ID (ids from URLs reach file paths)."""
    if not isinstance(value, str) or not _RUN_ID.fullmatch(value):
        raise LayerLabError(BAD_RUN_ID.format(value=str(value)[:80]))
    return value


def can_see(run: Run, user: str | None) -> bool:
    return (user is None or not run.private or run.owner in (None, user) or is_admin(user))


def can_manage(run: Run, user: str | None) -> bool:
    return user is None or run.owner in (None, user) or is_admin(user)


def why_not(run: Run, user: str | None, action: str) -> str | None:
    """None when `user` may `action` ("stop", "delete", "rename"...) the run; else the reason."""
    if can_manage(run, user):
        return None
    return NOT_YOURS.format(run_id=run.id, owner=public_name(run.owner), action=action)


def check_can_manage(run: Run, user: str | None, action: str) -> None:
    reason = why_not(run, user, action)
    if reason:
        raise LayerLabError(reason)


def check_quota(store: RunStore, user: str | None, waiting: int = 0) -> None:
    """TOO_MANY_QUEUED / TOO_MANY_RUNNING when `user` may not queue one more run now.

    `waiting`: the user's queued jobs that will make runs but have none yet (a search, a
    compression; core.jobs.waiting_run_jobs), counted as queued runs."""
    if user is None:
        return
    mine = [r for r in store.list_runs(limit=100_000) if r.owner == user]
    for status, limit, message in (
            ("queued", settings.max_queued_per_user(), TOO_MANY_QUEUED),
            ("running", settings.max_running_per_user(), TOO_MANY_RUNNING)):
        count = sum(r.status == status for r in mine) + (waiting if status == "queued" else 0)
        if count >= limit:
            raise LayerLabError(message.format(count=count, limit=limit))


def requester(store, user: str | None = None) -> str | None:
    """Who asks: `user` when given, else the user of a store seen through `as_user`, else None."""
    return user if user is not None else getattr(store, "user", None)


def child_owner(parent: Run, user: str | None) -> dict[str, Any]:
    """`owner` and `private` for a run made from `parent` at the request of `user`.

    The requester owns the result (user B may mitigate user A's public run; the new run is B's).
    No user means a job queued before jobs carried one: the parent's owner is the best guess.
    A private parent gives a private child only when its owner asked: anyone else who could see
    it is an admin, whose copy follows the usual default (public) rather than hiding it from
    everyone but its new owner without saying so."""
    owner = user if user is not None else parent.owner
    return {"owner": owner, "private": bool(parent.private and owner == parent.owner)}


class UserRunStore:
    """A run store as seen by one user: others' private runs are absent, changes are checked.

    Everything not listed here is passed to the wrapped store unchanged (curves, audits, logs
    of a run the user could open)."""

    def __init__(self, store: RunStore, user: str | None):
        self._store = store
        self.user = user

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)

    def get_run(self, run_id: str) -> Run:
        run = self._store.get_run(check_run_id(run_id))
        if not can_see(run, self.user):
            raise LayerLabError(PRIVATE_RUN.format(run_id=run_id))
        return run

    def list_runs(self, limit: int = 500) -> list[Run]:
        return [r for r in self._store.list_runs(limit) if can_see(r, self.user)]

    def _managed(self, run_id: str, action: str) -> Run:
        run = self.get_run(run_id)
        check_can_manage(run, self.user, action)
        return run

    def create_run(self, **kwargs: Any) -> str:
        kwargs.setdefault("owner", self.user)
        return self._store.create_run(**kwargs)

    def rename_run(self, run_id: str, name: str) -> None:
        self._managed(run_id, "rename")
        self._store.update_run(run_id, name=str(name).strip()[:200] or run_id)

    def set_private(self, run_id: str, private: bool) -> None:
        self._managed(run_id, "hide or show")
        self._store.update_run(run_id, private=bool(private))

    def delete_run(self, run_id: str) -> None:
        self._managed(run_id, "delete")
        self._store.delete_run(run_id)

    def request_stop(self, run_id: str) -> None:
        self._managed(run_id, "stop")
        self._store.request_stop(run_id)

    def set_notes(self, run_id: str, text: str) -> None:
        self._managed(run_id, "write notes on")
        self._store.set_notes(run_id, text)


def as_user(store: RunStore, user: str | None) -> UserRunStore:
    """`store` as `user` sees it (see the module docstring)."""
    return UserRunStore(getattr(store, "_store", store), user)
