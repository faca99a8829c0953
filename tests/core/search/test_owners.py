"""The trial runs of a search belong to whoever started it, through the job's JSON."""
from core.data import DatasetRef
from core.runs import open_store
from core.runs.access import as_user
from core.search import TRIAL_RUN, make_study_def, study_summary, submit_search
from core.spec import get_preset
from core.train import TrainConfig
from tests.inline_runner import InlineRunner

BOB = "bob@example.org"


def test_trial_runs_belong_to_who_started_the_search():
    store, runner = open_store(), InlineRunner()
    sid = submit_search(as_user(store, BOB), runner,
                        make_study_def(DatasetRef(name="moons"), get_preset("walkthrough_mlp"),
                                       TrainConfig(epochs=1, batch_size=64), trials=1))
    assert runner.jobs[0][1] == {"study_id": sid, "user": BOB}
    runner.run_all(store)
    trials = study_summary(store, sid).trials
    assert len(trials) == 1 and trials[0].run_id
    run = store.get_run(trials[0].run_id)
    assert run.kind == TRIAL_RUN and run.owner == BOB
