"""The upfront budget warning: one trial's time, and what happens when the trials cannot fit."""
import pytest

from core.__main__ import main
from core.data import DatasetRef
from core.runs import open_store
from core.search import budget_message, estimate_trial_s, make_study_def
from core.search.messages import BUDGET_SHORT
from core.spec import get_preset
from core.train import TrainConfig, create_run, train_run

MLP = get_preset("walkthrough_mlp")
MOONS = DatasetRef(name="moons")


def test_the_message_counts_the_trials_that_fit():
    # 600 s / 50 s = 12 trials one after another; 24 two at a time.
    assert budget_message(30, 600, 1, 50.0) == (
        "About 12 of 30 trials will finish in 10 minutes (one trial takes about 50 s); the search "
        "stops at the time limit and keeps the best so far. Trials that are pruned end sooner, "
        "so a few more may fit.")
    assert budget_message(30, 600, 2, 50.0).startswith(
        "About 24 of 30 trials will finish in 10 minutes (one trial takes about 50 s, 2 at a time)")
    assert budget_message(12, 600, 1, 50.0) is None  # they fit
    assert budget_message(30, None, 1, 50.0) is None  # no time limit: nothing to warn about
    assert budget_message(5, 30, 1, 50.0).startswith("Not even one trial fits in 30 s")


def test_a_trial_takes_as_long_as_the_last_run_of_that_model():
    store = open_store()
    run = train_run(store, create_run(store, MOONS, MLP, TrainConfig(epochs=3)))
    per_epoch = (run.finished_at - run.started_at).total_seconds() / run.epoch
    d = make_study_def(MOONS, MLP, TrainConfig(epochs=10), trials=4)
    seconds, source = estimate_trial_s(store, d)
    assert isinstance(seconds, float) and seconds == pytest.approx(per_epoch * 10) and source == run.id
    other = make_study_def(MOONS, get_preset("deep_sigmoid"), TrainConfig(epochs=10), trials=4)
    seconds, source = estimate_trial_s(store, other)  # no run of that model: measured here
    assert source == "measured" and seconds > 0


def test_the_cli_says_what_will_happen_before_it_starts(capsys):
    store = open_store()
    cli_moons = DatasetRef(name="moons", target="label")  # as the CLI names it
    run = train_run(store, create_run(store, cli_moons, MLP, TrainConfig(epochs=2)))
    trial_s = (run.finished_at - run.started_at).total_seconds() / run.epoch * 2
    timeout = trial_s * 1.5  # one trial fits, not five
    assert main(["search", "--preset", "walkthrough_mlp", "--dataset", "moons", "--trials", "5",
                 "--epochs", "2", "--timeout", str(timeout), "--param", "lr=1e-3:1e-2:log"]) == 0
    err = capsys.readouterr().err
    assert BUDGET_SHORT.format(fit=1, trials=5, limit=f"{timeout:.3g} s", trial_s=trial_s,
                               side_by_side="") in err
