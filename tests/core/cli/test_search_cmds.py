"""`python -m core search`: the JSON result, and bad input exiting 2 with its named message."""
import json

import pytest

from core.__main__ import main
from core.runs import open_store
from core.search.messages import ALL_DIVERGED, EMPTY_RANGE, UNKNOWN_PARAM, ZERO_BUDGET

BASE = ["search", "--preset", "walkthrough_mlp", "--dataset", "moons"]


def test_search_json_names_the_study_and_its_best_run(capsys):
    assert main(BASE + ["--trials", "3", "--epochs", "3", "--param", "lr=1e-3:1e-1:log",
                        "--param", "optimizer=adam,sgd_momentum", "--json"]) == 0
    out = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert out["study_id"] == "search-0001" and out["objective"] == "val_loss"
    assert out["complete"] + out["pruned"] + out["failed"] == 3
    best = open_store().get_run(out["best_run_id"])
    assert best.kind == "trial" and best.best_val_loss == pytest.approx(out["best_value"])
    assert set(out["best_params"]) == {"lr", "optimizer"} and best.config["lr"] == out["best_params"]["lr"]


@pytest.mark.parametrize("extra, message", [
    (["--trials", "0"], ZERO_BUDGET.format(what="0 trials")),
    (["--param", "lr=0.01:0.01"], EMPTY_RANGE.format(name="lr", low="0.01", high="0.01")),
    (["--param", "width=1:4"], UNKNOWN_PARAM.format(
        name="width", known="lr, batch_size, optimizer, l2, units_1, units_2, blocks")),
])
def test_bad_input_exits_2_with_its_message(extra, message, capsys):
    assert main(BASE + extra) == 2
    assert capsys.readouterr().err.strip().splitlines()[-1] == f"error: {message}"


def test_all_diverged_exits_2_and_suggests_a_lower_range(capsys):
    assert main(BASE + ["--trials", "2", "--epochs", "2", "--param", "lr=100:1000:log",
                        "--param", "optimizer=sgd", "--json"]) == 2
    err = capsys.readouterr().err.strip().splitlines()[-1]
    assert err == "error: " + ALL_DIVERGED.format(study_id="search-0001", low=0.1, high=100)
