"""Thread and slot rules (hand-computed), and the warm worker the web server starts."""
import time
from pathlib import Path

import pytest

from core.jobs import LocalJobRunner, default_slots, worker_threads
from core.runs import open_store


@pytest.mark.parametrize("cores, slots, expected", [
    (2, 1, 1),   # two cores: one for the worker, one for the web server and the browsers
    (4, 2, 1),   # (4 - 1) // 2
    (16, 8, 1),  # (16 - 1) // 8
    (16, 2, 7),  # (16 - 1) // 2
    (1, 1, 1),   # never fewer than one
])
def test_threads_leave_one_core_for_the_server(cores, slots, expected):
    assert worker_threads(slots, cores=cores, env={}) == expected


def test_settings_override_the_rules():
    assert worker_threads(1, cores=2, env={"LAYERLAB_WORKER_THREADS": "4"}) == 4
    assert default_slots(cores=16, env={"LAYERLAB_SLOTS": "3"}) == 3
    assert default_slots(cores=16, env={}) == 8
    assert default_slots(cores=1, env={}) == 1


def _torch_loaded(pid: int) -> bool:
    try:
        return "libtorch" in Path(f"/proc/{pid}/maps").read_text()
    except OSError:
        return False


def test_prestart_leaves_one_idle_worker_with_torch_imported(monkeypatch):
    monkeypatch.setenv("LAYERLAB_WORKER_IDLE_S", "30")
    monkeypatch.setenv("LAYERLAB_WARM_DATASETS", "moons")  # small: the test stays quick
    runner = LocalJobRunner(open_store(), slots=1)
    try:
        runner.prestart()
        runner.prestart()  # a second call (another page, a restart) starts no second worker
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            workers = runner.workers()
            if workers and workers[0].pid and _torch_loaded(workers[0].pid):
                break
            time.sleep(0.2)
        workers = runner.workers()
        assert len(workers) == 1
        assert workers[0].job_id is None  # idle, waiting for the first run
        assert _torch_loaded(workers[0].pid)
    finally:
        runner.shutdown()
