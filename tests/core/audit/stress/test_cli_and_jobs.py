"""`python -m core audit stress`, the "stress" job, and adversarial training as a linked run."""
import json

import pytest

from core.__main__ import main
from core.audit.progress import audit_state
from core.audit.stress import AUDIT_KIND, StressSettings, stress_run
from core.audit.stress.jobs import stress_job


@pytest.fixture
def adult_home(adult_run, monkeypatch):
    """Point the CLI's default store at the session's Adult store."""
    store, run_id = adult_run
    monkeypatch.setenv("LAYERLAB_STORE_URL", store.url)
    return store, run_id


def test_cli_prints_tables_and_one_json_line(adult_home, capsys):
    store, run_id = adult_home
    code = main(["audit", "stress", run_id, "--attack", "pgd_linf", "--attack", "noise",
                 "--eps", "0,0.1,0.3", "--rows", "300", "--steps", "5", "--json"])
    out = capsys.readouterr().out
    assert code == 0
    last = json.loads(out.strip().splitlines()[-1])
    assert [c["name"] for c in last["curves"]] == ["pgd_linf", "noise"]
    assert [p["strength"] for p in last["curves"][0]["points"]] == [0, 0.1, 0.3]
    assert "PGD (L∞) (every moving input changes by at most ε" in out
    assert "Attack success rate by group (pgd_linf at ε = 0.1" in out
    female = next(g for g in last["groups"] if g["group"] == "Female")
    table_rows = [line.split() for line in out.splitlines() if line.startswith("  sex ")]
    assert ["sex", "Female", str(female["n"])] in [r[:3] for r in table_rows]
    saved = store.get_audit(run_id, AUDIT_KIND)
    assert saved["state"] == "done" and saved["result"]["curves"] == last["curves"]


def test_cli_bad_eps_exits_2_with_the_reason(adult_home, capsys):
    _, run_id = adult_home
    assert main(["audit", "stress", run_id, "--eps", "0,-1"]) == 2
    assert capsys.readouterr().err.strip() == (
        "error: The strength ε = -1 is negative; ε is the size of a change and must be 0 or more.")
    assert main(["audit", "stress", run_id, "--eps", "a,b"]) == 2
    assert "is not a comma-separated list of numbers" in capsys.readouterr().err


def test_stress_job_saves_the_result_with_the_run(digits_run):
    store, run_id = digits_run
    settings = StressSettings(attacks=["fgsm"], corruptions=["blur"], strengths=[0, 0.1],
                              n_rows=60)
    stress_job({"run_id": run_id, "kind": "stress_job_test",
                "settings": settings.model_dump(mode="json")},
               store=store, job_id="job-1", run_id=None)
    rec = audit_state(store, None, run_id, "stress_job_test")
    direct = stress_run(store, run_id, settings)
    assert rec.state == "done" and rec.progress == 1.0
    assert rec.result["curves"] == direct["curves"]
