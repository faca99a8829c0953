"""A run outlives the web server: stop Streamlit mid-run, start it again on the same port and
home; the run finishes in its detached worker, its curve is complete, the page re-attaches."""
import time

from core.data._types import DatasetRef
from core.workspace import Workspace, save_workspace
from tests.e2e.conftest import wait_for_app
from tests.e2e.test_train_journey import POINTS_JS, wait_points_above

# Long enough that the restart lands mid-run even on a quiet machine (30 epochs finished before
# the server was stopped there): 2,000 points, 32 batches an epoch, ~10 s on two idle cores.
EPOCHS = 200


def test_run_finishes_across_a_server_restart(page, app_server):
    from core.jobs import default_runner
    from core.runs import open_store
    from core.spec import get_preset
    from core.train import default_config, submit_training

    ref = DatasetRef(name="moons", params={"n_points": 2000})
    save_workspace(Workspace(dataset=ref))
    store = open_store()
    config = default_config("binary").model_copy(update={"epochs": EPOCHS})
    run_id = submit_training(store, default_runner(store), ref, get_preset("walkthrough_mlp"),
                             config)
    try:
        page.goto(f"{app_server.url}/train?run={run_id}")
        wait_for_app(page)
        # Epoch 0 (before training) and the first epoch are drawn: training is under way.
        wait_points_above(page, 1, timeout=90_000)

        app_server.stop()
        assert store.get_run(run_id).status == "running"  # really mid-run
        seen = len(store.epochs(run_id))
        deadline = time.monotonic() + 60
        while len(store.epochs(run_id)) <= seen:  # the worker goes on without the server
            assert time.monotonic() < deadline, "no progress while the web server was down"
            time.sleep(0.2)
        app_server.start()

        # The open page reconnects by itself, keeps ?run=… and follows the run to its end.
        page.get_by_text("Finished", exact=True).first.wait_for(timeout=120_000)
        page.wait_for_function(f"() => ({POINTS_JS})() === {EPOCHS + 1}")
        run = store.get_run(run_id)
        assert run.status == "finished" and run.epoch == EPOCHS
        assert [r.epoch for r in store.epochs(run_id)] == list(range(EPOCHS + 1))
        assert page.evaluate("() => new URLSearchParams(location.search).get('run')") == run_id
    finally:
        if not store.get_run(run_id).done:
            store.request_stop(run_id)
