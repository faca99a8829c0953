"""`python -m core predict`: a table, held-back rows, --out CSV, --json last line; exit 2 with
one message for a file the run cannot use."""
import json
import os
import subprocess
import sys

from core.__main__ import main


def test_predict_command_in_a_fresh_process(runs, shared_home, tmp_path):
    src = tmp_path / "new.csv"
    src.write_text("age,hours,job,grade\n30,40,nurse,2\n41,38,astronaut,1\n52,45,pilot,3\n")
    out = tmp_path / "preds.csv"
    env = {**os.environ, "LAYERLAB_HOME": str(shared_home)}
    env.pop("LAYERLAB_STORE_URL", None)
    proc = subprocess.run([sys.executable, "-m", "core", "predict", runs["binary"], str(src),
                           "--out", str(out), "--json"], capture_output=True, text=True, env=env,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""  # no Python warning reaches the user's terminal
    lines = proc.stdout.strip().splitlines()
    result = json.loads(lines[-1])
    assert result["counts"] == {"rows": 3, "predicted": 2, "held_back": 1, "flagged": 0}
    assert [p["row"] for p in result["problems"]] == [2] and result["problems"][0]["column"] == "job"
    assert any(line.startswith("held back: Row 2 (line 3), column 'job'") for line in lines)
    written = out.read_text().splitlines()
    assert written[0] == "age,hours,job,grade,prediction,probability,reason_1,reason_2,reason_3,problem"
    assert len(written) == 4


def test_missing_column_exits_2_with_the_message(runs, tmp_path, capsys):
    from core.predict import MISSING_COLUMNS

    src = tmp_path / "new.csv"
    src.write_text("age,hours,grade\n30,40,2\n")
    assert main(["predict", runs["binary"], str(src)]) == 2
    err = capsys.readouterr().err
    assert MISSING_COLUMNS.format(missing="'job'", run_id=runs["binary"],
                                  needed="age, hours, job, grade") in err
