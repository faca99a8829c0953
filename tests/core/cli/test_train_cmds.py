import json

from core.__main__ import main
from core.runs import open_store
from core.train import TrainConfig, default_config


def _last_json(capsys):
    return json.loads(capsys.readouterr().out.strip().splitlines()[-1])


def test_train_preset_on_moons_json(capsys):
    assert main(["train", "--preset", "walkthrough_mlp", "--dataset", "moons", "--epochs", "2",
                 "--json"]) == 0
    out = _last_json(capsys)
    run = open_store().get_run(out["run_id"])
    assert out["status"] == "finished" == run.status
    assert out["test_metrics"] == run.test_metrics and 0 <= out["test_metrics"]["accuracy"] <= 1
    assert out["val_metric"] == open_store().epochs(run.id)[-1].val_metric


def test_runs_json_lists_the_cli_run(capsys):
    main(["train", "--preset", "walkthrough_mlp", "--dataset", "moons", "--epochs", "1"])
    capsys.readouterr()
    assert main(["runs", "--json"]) == 0
    runs = _last_json(capsys)["runs"]
    assert [(r["id"], r["status"], r["architecture"]) for r in runs] == [
        ("run-0001", "finished", "Dense128 → Dense64 → out")]


def test_config_prints_the_default_config(capsys):
    assert main(["config", "--task", "binary"]) == 0
    cfg = TrainConfig.model_validate_json(capsys.readouterr().out)
    assert cfg == default_config("binary")  # the data-aware rules with the size unknown


def test_bad_config_file_exits_2_with_a_message(tmp_path, capsys):
    path = tmp_path / "cfg.json"
    path.write_text('{"lr": -1}')
    assert main(["train", "--preset", "walkthrough_mlp", "--dataset", "moons",
                 "--config", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: The config file {path} is not valid: lr: Input should be greater than 0.")


def test_runs_notices_a_dead_training_process_before_listing(capsys):
    import os
    import subprocess
    import sys

    from core.jobs.messages import DEATH_REASON, DURING_EPOCH, NO_CHECKPOINT

    store = open_store()
    run_id = store.create_run(name="cli", dataset={}, dataset_hash="x", spec={"layers": []},
                              config={}, task="binary")
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    store.set_status(run_id, "running")
    store.update_run(run_id, pid=dead.pid, host=os.uname().nodename, epoch=2)
    assert main(["runs", "--json"]) == 0
    [row] = _last_json(capsys)["runs"]
    assert row["status"] == "failed"
    assert row["error"] == DEATH_REASON.format(what="training process",
                                               during=DURING_EPOCH.format(epoch=2),
                                               kept=NO_CHECKPOINT)
