"""Process helpers: is a pid alive (zombies count as dead), kill it, start a detached worker."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

HOST = socket.gethostname()
STORE_URL_ENV = "LAYERLAB_STORE_URL"  # read by core.settings.store_url() in the worker
_REPO_ROOT = Path(__file__).resolve().parents[2]
_children: list[subprocess.Popen] = []  # polled so finished children never linger as zombies


def pid_alive(pid: int | None) -> bool:
    if not pid:
        return False
    for child in list(_children):
        if child.poll() is not None:
            _children.remove(child)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie (dead, not yet waited for) still answers kill(0)
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        if state in ("Z", "X"):
            try:
                os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                pass
            return False
    except (OSError, IndexError):
        pass
    return True


def kill_hard(pid: int | None) -> None:
    if not pid:
        return
    try:
        os.kill(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def spawn_worker(url: str, slot: int, threads: int, log_path: Path) -> int:
    """Start a worker in its own session: it outlives the web server and its Ctrl-C.

    The store URL may hold a password, so it goes in the child's environment, never on its
    command line (which `ps` shows to every user of the machine)."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    env[STORE_URL_ENV] = url
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(_REPO_ROOT), env.get("PYTHONPATH")]))
    with open(log_path, "ab") as log_file:
        proc = subprocess.Popen(
            [sys.executable, "-m", "core.jobs.worker", "--slot", str(slot),
             "--threads", str(threads)],
            cwd=_REPO_ROOT, env=env, stdin=subprocess.DEVNULL, stdout=log_file,
            stderr=subprocess.STDOUT, start_new_session=True, close_fds=True)
    _children.append(proc)
    return proc.pid
