"""Schema migrations: a store written before Alembic opens and upgrades in place, an empty one is
created at head, the migrations make exactly the tables the code uses, first opens may race.

`fixtures/store_v0.sqlite` was written by the code of commit cccc996 (see fixtures/README.md).
"""
import multiprocessing
import shutil
import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa

from core.errors import LayerLabError
from core.runs import EpochRow, SqlRunStore
from core.runs._engine import HEAD_REVISION, current_revision
from core.runs.messages import SCHEMA_TOO_NEW

FIXTURE = Path(__file__).parent / "fixtures" / "store_v0.sqlite"


def _revision(path) -> str | None:
    with sqlite3.connect(path) as con:
        return con.execute("SELECT version_num FROM alembic_version").fetchone()[0]


def test_a_store_made_before_migrations_opens_upgraded_in_place_with_nothing_lost(tmp_path):
    path = tmp_path / "runs.db"
    shutil.copy(FIXTURE, path)
    store = SqlRunStore(f"sqlite:///{path}")
    assert _revision(path) == HEAD_REVISION
    assert [r.id for r in store.list_runs()] == ["run-0002", "run-0001"]
    first = store.get_run("run-0001")
    assert (first.name, first.status, first.task, first.seed, first.notes) == (
        "moons mlp", "finished", "binary", 7, "first run")
    assert first.spec == {"layers": [{"type": "Dense", "units": 8}]}
    assert first.config == {"lr": 0.01, "epochs": 2}
    assert first.test_metrics == {"accuracy": 0.7} and first.preprocessing == ["standardize x"]
    assert first.best_val_loss == pytest.approx(0.52) and first.metric_name == "accuracy"
    epochs = store.epochs("run-0001")
    assert [e.epoch for e in epochs] == [0, 1, 2]
    assert epochs[2].val_loss == pytest.approx(0.52) and epochs[2].extra == {"val_auc": 0.8}
    assert len(store.steps("run-0001")) == 12 and len(store.internals("run-0001")) == 3
    assert store.get_audit("run-0001", "fairness") == {"gap": 0.12, "groups": ["a", "b"]}
    assert [(x.level, x.message) for x in store.logs("run-0001")] == [("INFO", "training finished")]
    second = store.get_run("run-0002")
    assert (second.status, second.parent_id, second.kind, second.error) == (
        "failed", "run-0001", "mitigated", "The worker process stopped.")
    # writes work, and ids keep counting from the old rows
    new = store.create_run(name="after upgrade", dataset={}, dataset_hash="x", spec={},
                           config={}, task="binary")
    assert new == "run-0003"
    store.add_epoch(new, EpochRow(epoch=0, train_loss=0.5))
    assert store.epochs(new)[0].train_loss == pytest.approx(0.5)


def test_an_empty_store_is_created_at_head(tmp_path):
    path = tmp_path / "new.db"
    SqlRunStore(f"sqlite:///{path}")
    assert _revision(path) == HEAD_REVISION


def test_a_store_at_head_costs_one_query(tmp_path):
    from core.runs._engine import migrate

    url = f"sqlite:///{tmp_path / 'runs.db'}"
    SqlRunStore(url)
    engine = sa.create_engine(url)
    statements = []
    sa.event.listen(engine, "before_cursor_execute",
                    lambda conn, cursor, stmt, *a: statements.append(stmt))
    migrate(engine)
    assert statements == ["SELECT version_num FROM alembic_version"]


def test_migrations_make_exactly_the_tables_the_code_uses(tmp_path):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from core.jobs._queue import metadata as jobs_metadata
    from core.runs._schema import metadata as runs_metadata

    store = SqlRunStore(f"sqlite:///{tmp_path / 'runs.db'}")
    with store.engine.connect() as conn:
        assert current_revision(conn) == HEAD_REVISION
        diff = compare_metadata(MigrationContext.configure(conn), [runs_metadata, jobs_metadata])
    assert diff == []


def test_a_store_from_a_newer_layerlab_is_refused_with_a_clear_message(tmp_path):
    path = tmp_path / "runs.db"
    shutil.copy(FIXTURE, path)
    with sqlite3.connect(path) as con:
        con.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)")
        con.execute("INSERT INTO alembic_version VALUES ('9999')")
    url = f"sqlite:///{path}"
    with pytest.raises(LayerLabError) as err:
        SqlRunStore(url)
    assert str(err.value) == SCHEMA_TOO_NEW.format(url=url, found="9999", head=HEAD_REVISION)


def _open_and_write(url: str) -> str:
    store = SqlRunStore(url)
    return store.create_run(name="racer", dataset={}, dataset_hash="x", spec={}, config={},
                            task="binary")


@pytest.mark.parametrize("start", ["empty", "old"])
def test_several_processes_may_open_a_new_or_old_store_at_once(tmp_path, start):
    path = tmp_path / "runs.db"
    if start == "old":
        shutil.copy(FIXTURE, path)
    url = f"sqlite:///{path}"
    with multiprocessing.get_context("spawn").Pool(4) as pool:
        ids = pool.map(_open_and_write, [url] * 8)
    assert len(set(ids)) == 8
    assert _revision(path) == HEAD_REVISION
    with sqlite3.connect(path) as con:
        assert con.execute("SELECT count(*) FROM alembic_version").fetchone()[0] == 1
        assert con.execute("SELECT count(*) FROM runs").fetchone()[0] == 8 + (2 * (start == "old"))


def test_an_old_store_that_never_queued_a_job_gains_the_queue_tables(tmp_path):
    # The code before migrations made the jobs/workers tables on the job runner's first use, so
    # a store only ever used from the CLI lacks them: the upgrade must add them, not assume them.
    path = tmp_path / "runs.db"
    shutil.copy(FIXTURE, path)
    with sqlite3.connect(path) as con:
        con.execute("DROP TABLE workers")
        con.execute("DROP TABLE jobs")
    store = SqlRunStore(f"sqlite:///{path}")
    assert _revision(path) == HEAD_REVISION
    assert [r.id for r in store.list_runs()] == ["run-0002", "run-0001"]
    from core.jobs import LocalJobRunner

    runner = LocalJobRunner(store, slots=1)
    assert runner.workers() == [] and runner.queue() == []
    with sqlite3.connect(path) as con:
        indexes = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='index'")}
    assert {"ix_jobs_run_id", "ix_jobs_status"} <= indexes
