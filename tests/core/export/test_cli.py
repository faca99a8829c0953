"""`python -m core export`: exit 0 with the check, exit 2 with the message on bad input."""
import json

from core.__main__ import main
from core.export import NOT_FINISHED, WHAT_INSTEAD


def test_export_all_prints_the_check(runs, tmp_path, capsys):
    import warnings

    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        assert main(["export", runs["multiclass"], "--out", str(tmp_path), "--json"]) == 0
    captured = capsys.readouterr()
    # The exporters' own notices (deprecations, "torchvision is not installed") stay off the CLI.
    assert [str(w.message) for w in seen] == [] and "torchvision" not in captured.err
    out = captured.out.strip().splitlines()
    result = json.loads(out[-1])
    assert result["formats"] == ["onnx", "pt2", "safetensors", "script"] and result["check"]["max_abs_diff"] <= 1e-4
    assert any("same probabilities as LayerLab" in line for line in out)
    assert {p.name for p in tmp_path.iterdir()} >= {"model.onnx", "model.pt2", "weights.safetensors",
                                                     "README.md", "manifest.json", "reproduce.py", "data.csv"}


def test_unfinished_run_exits_2(runs, tmp_path, capsys):
    assert main(["export", runs["queued"], "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert NOT_FINISHED.format(run_id=runs["queued"], status="queued",
                               what=WHAT_INSTEAD["queued"]) in err
