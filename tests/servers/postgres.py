"""A real, private PostgreSQL server for the tests (no mocks): one per test session.

`postgres_server` starts `postgres` from Debian's package in a temporary folder on a free
127.0.0.1 port (loopback only), as the `postgres` user when the tests run as root (initdb
refuses root), and stops it by its pid at the end. `postgres_url` gives each test its own
empty database, so tests never see each other's runs. Missing binaries FAIL the tests with the
install command: the PostgreSQL store is a promised feature, not an optional one.
"""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

INSTALL_HINT = ("PostgreSQL's server binaries (initdb, pg_ctl) were not found. Install them with "
                "`apt-get install -y postgresql` (the CI script .ci/run does).")
PASSWORD = "layerlab-test"  # a throwaway server on loopback, deleted after the tests
_BIN_DIRS = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)


def _binary(name: str) -> str:
    for folder in _BIN_DIRS:
        if (folder / name).exists():
            return str(folder / name)
    found = shutil.which(name)
    if found is None:
        pytest.fail(INSTALL_HINT, pytrace=False)
    return found


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class PostgresServer:
    """One running server: its data folder, port, socket folder and the OS user that owns it."""
    data: Path
    port: int
    sockdir: Path
    user: str | None  # the OS user to run pg_ctl as (None: the current user)

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        cmd = [_binary(args[0]), *args[1:]]
        if self.user:
            cmd = ["runuser", "-u", self.user, "--", *cmd]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
        if check and done.returncode:
            pytest.fail(f"{' '.join(cmd)} failed:\n{done.stdout}\n{done.stderr}", pytrace=False)
        return done

    def start(self) -> None:
        opts = f"-p {self.port} -k {self.sockdir} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run("pg_ctl", "-w", "-D", str(self.data), "-l", str(self.data / "server.log"),
                  "-o", opts, "start")

    def stop(self) -> None:
        """Fast shutdown by the postmaster's pid (never by process name)."""
        pid = self.pid()
        if pid is None:
            return
        os.kill(pid, signal.SIGINT)  # SIGINT = PostgreSQL's "fast" shutdown
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and _alive(pid):
            time.sleep(0.05)

    def restart(self) -> None:
        self.stop()
        self.start()

    def pid(self) -> int | None:
        pidfile = self.data / "postmaster.pid"
        if not pidfile.exists():
            return None
        return int(pidfile.read_text().split()[0])

    def url(self, db: str = "postgres", password: str = PASSWORD) -> str:
        return f"postgresql+psycopg://postgres:{password}@127.0.0.1:{self.port}/{db}"

    def create_database(self, name: str) -> str:
        import psycopg

        with psycopg.connect(host="127.0.0.1", port=self.port, user="postgres",
                             password=PASSWORD, dbname="postgres", autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False


def start_server() -> PostgresServer:
    """initdb + start in a new folder under /tmp (pytest's own tmp folders are private to root,
    and the server runs as the postgres user when we are root). `stop_server` removes it."""
    root = Path(tempfile.mkdtemp(prefix="layerlab-pg-"))
    os.chmod(root, 0o755)
    user = "postgres" if os.geteuid() == 0 else None
    data, sockdir = root / "data", root / "sock"
    sockdir.mkdir(parents=True)
    if user:
        shutil.chown(root, user)
        shutil.chown(sockdir, user)
    server = PostgresServer(data=data, port=free_port(), sockdir=sockdir, user=user)
    pwfile = root / "pw"
    pwfile.write_text(PASSWORD)
    if user:
        shutil.chown(pwfile, user)
    # TCP logins need the password (so a wrong one is refused, as on a real deployment).
    server._run("initdb", "-D", str(data), "--auth-local=trust", "--auth-host=scram-sha-256",
                "-U", "postgres", f"--pwfile={pwfile}", "--no-sync")
    server.start()
    return server


def stop_server(server: PostgresServer) -> None:
    server.stop()
    shutil.rmtree(server.data.parent, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_server():
    server = start_server()
    try:
        yield server
    finally:
        stop_server(server)


@pytest.fixture
def postgres_url(postgres_server):
    """A fresh empty database on the session's server, as a LAYERLAB_STORE_URL."""
    return postgres_server.create_database(f"t_{uuid.uuid4().hex[:12]}")
