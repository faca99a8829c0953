"""A server store (PostgreSQL) that stops answering for a while: bounded retries, then a message.

SQLite never gets here (a file does not restart). On a server store, a connection error
(refused, reset, "terminating connection due to administrator command", timed out) is retried
with backoff where waiting is right, and otherwise becomes `STORE_RETRYING`, a LayerLabError
that pages show as-is while their polling tries again. Every store method is one transaction
(or a read), so running it again is safe: a transaction cut by a restart was rolled back, and
epoch writes replace their row.
"""
from __future__ import annotations

import functools
import logging
import time

import sqlalchemy as sa

from core.errors import StoreUnavailable
from core.runs.messages import STORE_RETRYING

log = logging.getLogger(__name__)

# Workers (patient): 7 retries after 0.5, 1, 2, 4, 8, 8, 8 s = 31.5 s of waiting, enough for a
# PostgreSQL restart (1-5 s) or a managed failover (~30 s); a longer outage fails the run with
# STORE_RETRYING as its reason instead of training into the void. Pages wait for nothing: they
# show the message at once and their next poll (or rerun) is the retry. 31.5 s stays under the
# job runner's 60 s heartbeat timeout, so a worker that waits is never reaped as dead.
PATIENT_DELAYS_S = (0.5, 1.0, 2.0, 4.0, 8.0, 8.0, 8.0)


def is_connection_error(exc: BaseException) -> bool:
    return isinstance(exc, (sa.exc.OperationalError, sa.exc.InterfaceError)) or bool(
        getattr(exc, "connection_invalidated", False))


def reason_of(exc: BaseException) -> str:
    lines = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


def _resilient(method):
    @functools.wraps(method)
    def call(self, *args, **kwargs):
        delays = self.retry_delays_s
        for attempt in range(len(delays) + 1):
            try:
                return method(self, *args, **kwargs)
            except sa.exc.DBAPIError as exc:
                if self.engine.dialect.name == "sqlite" or not is_connection_error(exc):
                    raise
                if attempt == len(delays):
                    raise StoreUnavailable(STORE_RETRYING.format(reason=reason_of(exc))) from None
                log.warning("run store unreachable (%s); retry %d of %d in %.1f s",
                            reason_of(exc), attempt + 1, len(delays), delays[attempt])
                time.sleep(delays[attempt])
    return call


def resilient_methods(cls):
    """Wrap every public method of a store class (all of them talk to the database)."""
    for name, value in list(vars(cls).items()):
        if callable(value) and not name.startswith("_"):
            setattr(cls, name, _resilient(value))
    return cls
