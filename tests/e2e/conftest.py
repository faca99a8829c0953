"""Browser fixtures: the app on a free port with its own home, driven by Debian's chromium.

Each test that uses `app_url` gets a fresh Streamlit server (stopped afterwards) and
`page` gets a fresh browser context. Never downloads a browser: /usr/bin/chromium only.
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class AppServer:
    """A `streamlit run serve.py` process (the app as users start it); restartable on the same port and home (restart tests)."""

    def __init__(self, home: Path, port: int | None = None):
        self.home, self.port = home, port or free_port()
        self.proc: subprocess.Popen | None = None
        self.log = home / f"streamlit-{self.port}.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60) -> "AppServer":
        env = {**os.environ, "LAYERLAB_HOME": str(self.home), "PYTHONUNBUFFERED": "1"}
        cmd = [sys.executable, "-m", "streamlit", "run", str(REPO / "serve.py"),
               "--server.headless=true", f"--server.port={self.port}",
               "--server.address=127.0.0.1", "--browser.gatherUsageStats=false",
               "--server.fileWatcherType=none"]
        self.proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=open(self.log, "ab"),
                                     stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"streamlit exited early:\n{self.log.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(self.url + "/_stcore/health", timeout=1) as r:
                    if r.status == 200:
                        return self
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"streamlit did not answer in {timeout}s:\n{self.log.read_text()[-3000:]}")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)


@pytest.fixture(autouse=True)
def small_worker_pool(monkeypatch):
    # Set before any app server starts, so its job workers inherit them: one worker (runs
    # queue predictably), and it exits soon after the test instead of idling for minutes.
    monkeypatch.setenv("LAYERLAB_SLOTS", "1")
    monkeypatch.setenv("LAYERLAB_WORKER_IDLE_S", "20")


@pytest.fixture(autouse=True)
def stop_leftover_runs(layerlab_home):
    # A failing test must not leave a long run training in the background.
    yield
    from core.runs import open_store

    store = open_store()
    for run in store.list_runs():
        if not run.done:
            store.request_stop(run.id)


@pytest.fixture
def app_server(layerlab_home):
    server = AppServer(layerlab_home).start()
    yield server
    server.stop()


@pytest.fixture
def app_url(app_server):
    return app_server.url


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, tmp_path):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    pg = context.new_page()
    pg.set_default_timeout(20_000)
    yield pg
    pg.screenshot(path=str(tmp_path / "last.png"), full_page=True)
    context.close()


def wait_for_app(pg) -> None:
    """Wait until Streamlit has finished the current script run."""
    pg.wait_for_selector('[data-testid="stApp"]')
    pg.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"] [data-testid=\"stStatusWidgetRunningIcon\"]')"
        " && !document.querySelector('[data-testid=\"stSkeleton\"]')", timeout=60_000)


def nav(pg, title: str) -> None:
    """Click a page in the sidebar navigation (exact title: pages also link to each other inline)."""
    pg.get_by_test_id("stSidebarNav").get_by_role("link", name=title, exact=True).click()


def browser_user(pg, timeout_s: float = 20) -> str:
    """The anonymous user id the app gave this browser (its cookie; see ui/identity.py)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        for cookie in pg.context.cookies():
            if cookie["name"] == "layerlab_user":
                return cookie["value"]
        pg.wait_for_timeout(200)
    raise AssertionError("the app set no user cookie")
