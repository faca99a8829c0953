"""The per-worker memory cap, with real detached workers: a job that allocates past the cap
fails with the cap named, and the same pool keeps serving other jobs."""
import time

import pytest

from core.jobs import OUT_OF_MEMORY, JOB_STATUSES, LocalJobRunner, is_out_of_memory
from core.jobs.messages import JOB_FAILED
from core.runs import open_store

CAP_GB = 3  # above a worker's own ~1.2-2 GB of address space (python + torch imported)


@pytest.fixture
def capped_runner(monkeypatch, extra_jobs):
    monkeypatch.setenv("LAYERLAB_WORKER_IDLE_S", "20")
    monkeypatch.setenv("LAYERLAB_WORKER_MEMORY_GB", str(CAP_GB))
    r = LocalJobRunner(open_store(), slots=1)
    yield r
    r.shutdown()


def _wait(predicate, what, timeout_s=90):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def _run(store):
    return store.create_run(name="hog", dataset={}, dataset_hash="h", spec={}, config={},
                            task="binary")


def test_a_job_past_the_cap_fails_with_the_cap_named_and_the_worker_carries_on(capped_runner):
    store = capped_runner.store
    hog_run, small_run = _run(store), _run(store)
    hog = capped_runner.submit("hog", {"gb": CAP_GB + 1}, run_id=hog_run)  # 4 GB > 3 GB cap
    small = capped_runner.submit("hog", {"gb": 0.05}, run_id=small_run)  # 50 MB fits
    _wait(lambda: capped_runner.status(small).status in JOB_STATUSES[2:], "the second job")
    message = OUT_OF_MEMORY.format(cap=CAP_GB)
    assert "ran out of memory (cap 3 GB)" in message
    assert (capped_runner.status(hog).status, capped_runner.status(hog).error) == ("failed", message)
    assert store.get_run(hog_run).status == "failed"
    assert store.get_run(hog_run).error == JOB_FAILED.format(error=message)
    # Same worker process, still alive and serving: the cap failed the job, not the process.
    assert capped_runner.status(small).status == "done"
    assert capped_runner.status(small).pid == capped_runner.status(hog).pid
    assert store.get_run(small_run).status == "finished"


def test_torch_and_numpy_allocation_failures_are_recognised():
    assert is_out_of_memory(MemoryError())
    assert is_out_of_memory(RuntimeError("[enforce fail at alloc_cpu.cpp:117] DefaultCPUAllocator: "
                                         "can't allocate memory: you tried to allocate 8 bytes."))
    assert not is_out_of_memory(RuntimeError("mat1 and mat2 shapes cannot be multiplied"))
