"""The run store on a real PostgreSQL server: bad settings at start, a server that goes away and
comes back, and files (checkpoints, uploads) that a second node with an empty home can read."""
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from core.errors import LayerLabError
from core.runs import SqlRunStore, open_store
from core.runs.messages import STORE_BAD_URL, STORE_LOGIN_FAILED, STORE_RETRYING, STORE_UNREACHABLE
from tests.servers.postgres import PASSWORD, free_port, start_server, stop_server


def _prefix(template: str) -> str:
    return template.partition("{")[0]


@pytest.fixture(scope="module")
def own_server():
    """A server of this module's own: the tests stop and start it."""
    server = start_server()
    yield server
    stop_server(server)


@pytest.mark.parametrize("url", ["postgresql+psycopg://u:p@127.0.0.1:notaport/db",
                                 "nosuchdb://somewhere/x", "just some words"])
def test_malformed_url_names_the_setting(url):
    with pytest.raises(LayerLabError) as err:
        open_store(url)
    text = str(err.value)
    assert text.startswith(_prefix(STORE_BAD_URL)) and "Runs cannot be stored" in text


def test_unreachable_server_names_the_setting_host_and_port():
    port = free_port()  # nothing listens there
    with pytest.raises(LayerLabError) as err:
        open_store(f"postgresql+psycopg://postgres:secret@127.0.0.1:{port}/layerlab")
    text = str(err.value)
    assert text.startswith(_prefix(STORE_UNREACHABLE) +
                           f"127.0.0.1:{port}/layerlab (LAYERLAB_STORE_URL) does not answer:")
    assert "secret" not in text and "Check that PostgreSQL is running" in text


def test_wrong_password_says_to_check_the_login(postgres_server):
    url = postgres_server.url("postgres", password="not-the-password")
    with pytest.raises(LayerLabError) as err:
        open_store(url)
    text = str(err.value)
    where = f"127.0.0.1:{postgres_server.port}/postgres"
    assert text.startswith(_prefix(STORE_LOGIN_FAILED) + where + " (LAYERLAB_STORE_URL) refused")
    assert "password authentication failed" in text and "not-the-password" not in text
    assert PASSWORD not in text


def test_a_page_store_says_retrying_while_the_server_is_down_and_recovers(own_server):
    url = own_server.create_database("pages")
    store = open_store(url)  # a page's store: no waiting, the page polls again
    rid = store.create_run(name="r", dataset={}, dataset_hash="h", spec={}, config={}, task="binary")
    own_server.stop()
    try:
        with pytest.raises(LayerLabError) as err:
            store.get_run(rid)
        assert str(err.value).startswith(_prefix(STORE_RETRYING))
        assert str(err.value).startswith("The run store is unreachable; retrying… (")
    finally:
        own_server.start()
    assert store.get_run(rid).name == "r"  # the same handle works again: no restart needed


def test_a_worker_store_waits_out_a_restart(own_server):
    import threading

    url = own_server.create_database("worker")
    store = SqlRunStore(url, patient=True)
    rid = store.create_run(name="r", dataset={}, dataset_hash="h", spec={}, config={}, task="binary")
    own_server.stop()
    threading.Timer(1.5, own_server.start).start()  # back while the worker is retrying
    store.set_notes(rid, "written across the restart")
    assert open_store(url).get_run(rid).notes == "written across the restart"


def test_a_second_node_with_an_empty_home_reads_the_model_and_its_upload(
        postgres_url, tmp_path, monkeypatch):
    from sklearn.datasets import make_moons

    from core.data import ingest_csv
    from core.spec import get_preset
    from core.train import TrainConfig, create_run, train_run
    from core.trained import load_trained

    node_a, node_b = tmp_path / "node_a", tmp_path / "node_b"
    node_a.mkdir(), node_b.mkdir()
    monkeypatch.setenv("LAYERLAB_STORE_URL", postgres_url)
    monkeypatch.setenv("LAYERLAB_HOME", str(node_a))
    store = open_store()
    X, y = make_moons(200, noise=0.2, random_state=0)
    csv = pd.DataFrame({"a": X[:, 0], "b": X[:, 1], "label": np.where(y == 1, "yes", "no")})
    ref = ingest_csv(csv.to_csv(index=False).encode(), "moons.csv")
    run_id = create_run(store, ref, get_preset("walkthrough_mlp"),
                        TrainConfig(epochs=3, batch_size=32))
    assert train_run(store, run_id).status == "finished"
    run = store.get_run(run_id)
    assert run.checkpoint_path.startswith("blob:")  # not a path on node A
    expected = load_trained(store, run_id).proba("test")

    # Another machine: a fresh process whose LayerLab home is empty, sharing only the store URL.
    code = ("import sys, numpy as np; from core.runs import open_store; "
            "from core.trained import load_trained; "
            f"m = load_trained(open_store(), {run_id!r}); np.save(sys.argv[1], m.proba('test'))")
    env = {**os.environ, "LAYERLAB_HOME": str(node_b)}
    out = tmp_path / "proba.npy"
    subprocess.run([sys.executable, "-c", code, str(out)], env=env, check=True, timeout=120,
                   cwd=Path(__file__).resolve().parents[3])
    np.testing.assert_allclose(np.load(out), expected, rtol=0, atol=1e-6)
    assert list((node_b / "uploads").glob("*.csv"))  # the upload came from the store
    assert list((node_b / "cache" / "blobs").glob("*.safetensors"))  # the checkpoint, cached once


def test_migrations_bring_an_empty_postgresql_database_to_head(postgres_url):
    import sqlalchemy as sa

    from core.runs._engine import HEAD_REVISION

    store = open_store(postgres_url)
    with store.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar() \
            == HEAD_REVISION == "0002_owners"
        tables = set(sa.inspect(conn).get_table_names())
    assert {"runs", "epochs", "steps", "internals", "audits", "logs", "jobs", "workers",
            "blobs"} <= tables
    digest = store.put_blob(b"weights")
    assert store.put_blob(b"weights") == digest and store.get_blob(digest) == b"weights"
