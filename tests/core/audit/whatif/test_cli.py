"""`python -m core audit whatif | counterfactual | errors`: tables, then one JSON line."""
import json

import pytest

from core.__main__ import main
from core.cli.audit_whatif import BAD_SET


@pytest.fixture
def adult_cli(adult, monkeypatch):
    store, run_id, _ = adult
    monkeypatch.setenv("LAYERLAB_STORE_URL", store.url)
    return run_id


def _last(capsys):
    return json.loads(capsys.readouterr().out.strip().splitlines()[-1])


def test_whatif_cli(adult_cli, capsys):
    assert main(["audit", "whatif", adult_cli, "--row", "3", "--set", "hours-per-week=50",
                 "--set", "education=Masters", "--json"]) == 0
    out = _last(capsys)
    assert out["row"] == 3 and out["changed"]["hours-per-week"] == 50
    assert out["changed"]["education"] == "Masters"
    assert main(["audit", "whatif", adult_cli, "--row", "3", "--set", "education"]) == 2
    assert capsys.readouterr().err.strip() == "error: " + BAD_SET.format(text="education")


def test_counterfactual_and_errors_cli(adult_cli, capsys):
    assert main(["audit", "counterfactual", adult_cli, "--row", "1", "--count", "2",
                 "--lock", "occupation", "--json"]) == 0
    out = _last(capsys)
    assert out["locked"] == ["sex", "race", "age", "occupation"]
    assert 1 <= len(out["counterfactuals"]) <= 2
    assert all(cf["row"]["occupation"] == out["original"]["occupation"] for cf in out["counterfactuals"])
    assert main(["audit", "errors", adult_cli, "--json"]) == 0
    out = _last(capsys)
    assert sum(c["n"] for c in out["cohorts"]) == out["n_rows"]
    assert out["summary"].startswith("The model is wrong on")
