"""One SQLAlchemy engine per store URL per process, its schema migrated to head on first use.

Several processes open the same store at once (the web server, each worker, a CLI run), so the
first open of an empty or old file must be safe to race: on SQLite the migration runs inside
`BEGIN IMMEDIATE` (one writer at a time; the others wait on the busy timeout, then find the
schema at head), and a lost race that still ends in "already exists" is retried.
A store already at head costs one query (`SELECT version_num FROM alembic_version`).
"""
from __future__ import annotations

import logging
import os
import threading
import time
from pathlib import Path

import sqlalchemy as sa

from core.errors import LayerLabError, StoreUnavailable
from core.runs.messages import (SCHEMA_TOO_NEW, STORE_BAD_URL, STORE_LOGIN_FAILED,
                                STORE_UNREACHABLE)

log = logging.getLogger(__name__)

# The newest migration in migrations/versions; a store at this revision needs no Alembic at all.
HEAD_REVISION = "0002_owners"
# The schema that code before migrations created with `metadata.create_all` (no version table).
BASELINE_REVISION = "0001"
_MIGRATIONS = Path(__file__).resolve().parent / "migrations"
_RETRIES = 5

_ENGINES: dict[tuple[str, int], sa.Engine] = {}
_ENGINES_LOCK = threading.Lock()


def sql_engine(url: str) -> sa.Engine:
    """The engine of store `url` (schema at head), one per URL per process (never across a fork).

    Public because the local job queue keeps its jobs/workers tables in the same database: one
    file (or one PostgreSQL database) is a whole LayerLab home, and workers need only one URL.
    """
    key = (url, os.getpid())
    with _ENGINES_LOCK:
        if key not in _ENGINES:
            engine = _create(url)
            try:
                migrate(engine)
            except sa.exc.DBAPIError as exc:  # not cached: the next open tries again
                engine.dispose()
                if engine.dialect.name == "sqlite":
                    raise
                raise store_error(engine, exc) from None
            _ENGINES[key] = engine
        return _ENGINES[key]


# A server store is shared by one Streamlit process (pages of every browser session; each rerun
# holds a connection only for one short transaction) and, per machine, the worker processes
# (one training job each, one connection at a time, plus their heartbeat thread). 5 kept + 5
# extra connections per process cover a busy server's concurrent reruns without queueing, and
# 2 workers x 10 + 10 stays far below PostgreSQL's default max_connections=100 for a class-size
# deployment. pre_ping replaces connections a server restart killed before they are used;
# recycle (30 min) drops connections older than typical proxy/firewall idle cut-offs.
_POOL = dict(pool_size=5, max_overflow=5, pool_timeout=10, pool_pre_ping=True, pool_recycle=1800)
# A server that does not answer fails a connect in 5 s instead of the OS's minutes-long timeout.
_CONNECT_TIMEOUT_S = 5


def _create(url: str) -> sa.Engine:
    try:
        parsed = sa.engine.make_url(url)
        if parsed.get_backend_name() == "sqlite":
            engine = sa.create_engine(parsed)
            sa.event.listen(engine, "connect", _sqlite_pragmas)
            return engine
        return sa.create_engine(parsed, **_POOL,
                                connect_args={"connect_timeout": _CONNECT_TIMEOUT_S})
    except (sa.exc.ArgumentError, sa.exc.NoSuchModuleError, ImportError, ValueError) as exc:
        raise StoreUnavailable(STORE_BAD_URL.format(reason=str(exc).splitlines()[0])) from None


def store_error(engine: sa.Engine, exc: BaseException) -> StoreUnavailable:
    """The readable error for a server store that cannot be used (never shows the password)."""
    url = engine.url
    where = f"{url.host or 'localhost'}:{url.port or 5432}/{url.database or ''}"
    reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    reason = reason[0] if reason else type(exc).__name__
    low = reason.lower()
    login = ("password" in low or "authentication" in low or "does not exist" in low
             or "role" in low)
    return StoreUnavailable((STORE_LOGIN_FAILED if login else STORE_UNREACHABLE)
                         .format(where=where, reason=reason))


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    """Every new connection, in every process: WAL lets readers and one writer work at once."""
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA busy_timeout=15000")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def current_revision(conn: sa.Connection) -> str | None:
    """The store's Alembic revision, or None when it has no version table (empty or pre-Alembic)."""
    if not sa.inspect(conn).has_table("alembic_version"):
        return None
    return conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()


def migrate(engine: sa.Engine) -> None:
    """Bring the store's schema to head: stamp a pre-Alembic store at the baseline, then upgrade."""
    with engine.connect() as conn:
        try:
            if conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar() \
                    == HEAD_REVISION:
                return
        except sa.exc.DBAPIError:
            pass  # no version table yet: an empty or pre-Alembic store
    for attempt in range(_RETRIES):
        try:
            _upgrade(engine)
            return
        except sa.exc.OperationalError as exc:
            if "already exists" not in str(exc) or attempt == _RETRIES - 1:
                raise
            log.info("another process is creating the store's schema; trying again")
            time.sleep(0.2 * (attempt + 1))


def _upgrade(engine: sa.Engine) -> None:
    from alembic import command
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(_MIGRATIONS))
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            # pysqlite would autocommit each DDL statement; one IMMEDIATE transaction makes the
            # whole migration one writer's work, and other openers wait for it.
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        elif engine.dialect.name == "postgresql":
            # The same on PostgreSQL: one opener migrates, the others wait here, then find head.
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(7265727)"))  # any fixed key
        found = current_revision(conn)
        if found is not None and found != HEAD_REVISION:
            known = {s.revision for s in ScriptDirectory.from_config(cfg).walk_revisions()}
            if found not in known:
                conn.rollback()
                raise LayerLabError(SCHEMA_TOO_NEW.format(url=engine.url.render_as_string(),
                                                          found=found, head=HEAD_REVISION))
        cfg.attributes["connection"] = conn
        if found is None and sa.inspect(conn).has_table("runs"):
            # The baseline creates only what such a store lacks (see 0001_baseline.py).
            log.info("bringing a store made before migrations to revision %s", BASELINE_REVISION)
        command.upgrade(cfg, "head")
        conn.commit()
