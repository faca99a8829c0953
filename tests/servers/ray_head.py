"""A real Ray head on 127.0.0.1 for the whole test session (`ray_head` fixture: its address).

Started with `ray start --head --block` in its own process group, with the dashboard off and
RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER=0 so it binds loopback only (without it Ray rewrites
127.0.0.1 to the machine's address); stopped by killing that process group, never by name
(`ray stop` would end every Ray on the machine). Ray missing fails the tests that need it.
"""
from __future__ import annotations

import importlib.util
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

RAY_MISSING = "Ray is not installed: run `pip install -r requirements.txt` (it pins ray)."
_START_TIMEOUT_S = 90.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _answers(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        return True
    except OSError:
        return False


def _wait_ready(proc: subprocess.Popen, port: int, log: Path) -> None:
    deadline = time.monotonic() + _START_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"ray start exited ({proc.returncode}):\n{log.read_text()[-3000:]}")
        # The head is usable once the GCS port answers and `ray start` printed its banner.
        if _answers(port) and "Ray runtime started" in log.read_text():
            return
        time.sleep(0.3)
    pytest.fail(f"the Ray head did not start within {_START_TIMEOUT_S:g} s:\n"
                f"{log.read_text()[-3000:]}")


@pytest.fixture(scope="session")
def ray_head():
    """'127.0.0.1:PORT' of a Ray head with 2 CPUs, shared by every test of the session."""
    ray_bin = Path(sys.executable).with_name("ray")
    # Found, not imported: Ray reads RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER when first imported, and
    # core.jobs sets it for a loopback address just before that.
    if importlib.util.find_spec("ray") is None or not ray_bin.exists():
        pytest.fail(RAY_MISSING)
    port = _free_port()
    tmp = Path(tempfile.mkdtemp(prefix="rt", dir="/tmp"))  # Ray's socket paths must stay short
    log = tmp / "head.log"
    env = {**os.environ, "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0", "RAY_USAGE_STATS_ENABLED": "0"}
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [str(ray_bin), "start", "--head", "--num-cpus", "2", "--include-dashboard=false",
             "--node-ip-address", "127.0.0.1", "--port", str(port), "--temp-dir", str(tmp),
             "--disable-usage-stats", "--block"],
            env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        _wait_ready(proc, port, log)
        yield f"127.0.0.1:{port}"
    finally:
        if "ray" in sys.modules:
            sys.modules["ray"].shutdown()  # disconnect this process before its cluster goes
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=20)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        shutil.rmtree(tmp, ignore_errors=True)
