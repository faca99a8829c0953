"""An unreachable Ray cluster at start: the app still opens, says jobs cannot run and why
(naming LAYERLAB_RAY_ADDRESS), and the Experiments page still lists runs."""
from __future__ import annotations

import socket
from pathlib import Path

from streamlit.testing.v1 import AppTest

from core.jobs.messages import RAY_UNREACHABLE

APP = str(Path(__file__).resolve().parents[2] / "app.py")


def test_app_starts_and_says_jobs_cannot_run(monkeypatch):
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        address = f"127.0.0.1:{s.getsockname()[1]}"
    monkeypatch.setenv("LAYERLAB_RAY_ADDRESS", address)
    at = AppTest.from_file(APP, default_timeout=90)
    at.run()
    expected = RAY_UNREACHABLE.format(address=address,
                                      why=f"cannot connect to {address}: Connection refused")
    assert [e.value for e in at.error] == [expected]
    assert not at.exception
    at.switch_page("views/experiments.py").run()
    assert [e.value for e in at.error] == [expected] and not at.exception
    assert "No runs yet" in " ".join(i.value for i in at.info)
