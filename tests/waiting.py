"""Polling helper for tests that wait on other processes (workers, a Ray head, a server)."""
import time


def wait_until(predicate, what: str, timeout_s: float):
    """The first truthy value of `predicate()`, polled every 0.1 s; AssertionError naming `what`
    after `timeout_s` seconds."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")
