"""`python -m core datasets` and `inspect`: in-process through main(), plus one real subprocess."""
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from core.__main__ import main
from core.data import builtin_datasets

REPO = Path(__file__).resolve().parents[3]


def _last_json(out: str) -> dict:
    return json.loads(out.strip().splitlines()[-1])


def test_datasets_lists_every_builtin(capsys):
    assert main(["datasets", "--json"]) == 0
    out = capsys.readouterr().out
    listed = _last_json(out)["datasets"]
    assert [d["name"] for d in listed] == [i.name for i in builtin_datasets()]
    adult = next(d for d in listed if d["name"] == "adult")
    assert adult["rows"] == 32561 and adult["task"] == "binary" and adult["modality"] == "tabular"
    assert out.splitlines()[0].startswith("adult ")


@pytest.fixture
def people_csv(tmp_path):
    rng = np.random.default_rng(0)
    n = 90
    frame = pd.DataFrame({"age": rng.integers(18, 80, n), "job": rng.choice(["a", "b", "?"], n),
                          "sex": rng.choice(["F", "M"], n), "income": ["low", "high", "low"] * 30})
    path = tmp_path / "people.csv"
    frame.to_csv(path, index=False)
    return path, frame


def test_inspect_csv_reports_kinds_task_and_preprocessing(capsys, people_csv):
    path, frame = people_csv
    code = main(["inspect", str(path), "--target", "income", "--sensitive", "sex", "--json"])
    assert code == 0
    out = capsys.readouterr().out
    rep = _last_json(out)
    assert rep["task"] == "binary" and rep["target"] == "income" and rep["rows"] == 90
    kinds = {c["name"]: c["kind"] for c in rep["columns"]}
    assert kinds == {"age": "numeric", "job": "categorical", "sex": "categorical", "income": "categorical"}
    job = next(c for c in rep["columns"] if c["name"] == "job")
    assert job["missing"] == int((frame["job"] == "?").sum())
    assert "'sex' is sensitive and left out of the model inputs (toggle to include them)." in rep["preprocessing"]
    assert rep["class_counts"] == {"low": 60, "high": 30}
    assert "Preprocessing:" in out and "1 numeric column was standardised (age)." in out


def test_inspect_builtin_uses_its_defaults(capsys):
    assert main(["inspect", "moons", "--json"]) == 0
    rep = _last_json(capsys.readouterr().out)
    assert rep["target"] == "label" and rep["task"] == "binary" and rep["n_inputs"] == 2


@pytest.mark.parametrize("argv,message", [
    (["inspect", "no_such_thing"], "error: 'no_such_thing' is neither a CSV file nor a built-in dataset."),
    (["inspect", "adult", "--target", "salary"], "error: The target column 'salary' is not in the data."),
    (["inspect", "adult", "--sensitive", "sex", "--sensitive", "race", "--sensitive", "age"],
     "error: Pick at most 2 sensitive columns (got 3: 'sex', 'race', 'age')."),
    (["inspect", "adult", "--kind", "age"], "error: --kind takes COLUMN=KIND with KIND one of"),
])
def test_inspect_bad_input_exits_2_with_a_message(capsys, argv, message):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith(message)
    assert "Traceback" not in err


def test_inspect_bad_csv_in_a_subprocess(tmp_path, layerlab_home):
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"a,b,c\n1,2,3\n4,5\n")
    proc = subprocess.run([sys.executable, "-m", "core", "inspect", str(bad), "--target", "c"],
                          cwd=REPO, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert proc.stderr.strip() == (
        "error: Line 3 has 2 fields but the header has 3 columns. Check that line for a missing "
        "value or an extra separator (a value containing a separator must be in double quotes).")
