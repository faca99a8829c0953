"""`python -m core presets` and `python -m core validate`, in-process and once as a subprocess."""
import json
import subprocess
import sys
from pathlib import Path

from core.__main__ import main
from core.build import build_model
from core.spec import export_spec, get_preset, parse_spec, presets

REPO = Path(__file__).resolve().parents[3]


def _last_json(out: str) -> dict:
    return json.loads(out.strip().splitlines()[-1])


def test_presets_lists_every_preset(capsys):
    assert main(["presets"]) == 0
    out = capsys.readouterr().out
    for preset in presets():
        assert preset.name in out and preset.title in out


def test_presets_json_lists_names_modalities_and_specs(capsys):
    assert main(["presets", "--json"]) == 0
    data = _last_json(capsys.readouterr().out)
    assert [p["name"] for p in data["presets"]] == [p.name for p in presets()]
    assert parse_spec(json.dumps(data["presets"][1]["spec"])) == get_preset("lenet_cnn")


def test_one_preset_prints_its_spec_json(capsys):
    assert main(["presets", "lstm_sequence"]) == 0
    assert parse_spec(capsys.readouterr().out) == get_preset("lstm_sequence")
    assert main(["presets", "lstm_sequence", "--json"]) == 0
    assert parse_spec(json.dumps(_last_json(capsys.readouterr().out))) == get_preset("lstm_sequence")


def test_unknown_preset_exits_2_with_the_names(capsys):
    assert main(["presets", "vgg"]) == 2
    assert capsys.readouterr().err.startswith("error: There is no preset called 'vgg'. Presets: "
                                              "walkthrough_mlp, lenet_cnn")


def test_validate_prints_shapes_params_and_total(tmp_path, capsys):
    path = tmp_path / "lenet.json"
    path.write_text(export_spec(get_preset("lenet_cnn")), encoding="utf-8")
    assert main(["validate", str(path), "--dataset", "digits"]) == 0
    out = capsys.readouterr().out
    total = sum(p.numel() for p in build_model(get_preset("lenet_cnn"), (1, 8, 8), "multiclass",
                                               10).parameters())
    assert f"Total parameters: {total:,}" in out
    assert "(16, 2, 2)" in out and "Output · Dense 10" in out
    assert "OK: this model can be trained on this data." in out


def test_validate_json_report(tmp_path, capsys):
    path = tmp_path / "lstm.json"
    path.write_text(export_spec(get_preset("lstm_sequence")), encoding="utf-8")
    assert main(["validate", str(path), "--dataset", "waves", "--json"]) == 0
    data = _last_json(capsys.readouterr().out)
    assert data["ok"] is True and data["task"] == "multiclass"
    assert [r["output_shape"] for r in data["rows"]] == [[50, 1], [32], [3]]
    # LSTM 32 on 1 feature: 4 gates x (1*32 + 32*32 + 2 biases of 32); head 32*3 + 3.
    assert data["total_params"] == 4 * (32 + 32 * 32 + 64) + 32 * 3 + 3


def test_validate_a_csv_follows_its_columns(tmp_path, capsys):
    csv = tmp_path / "people.csv"
    rows = ["age,height,label"] + [f"{20 + i % 40},{150 + i % 7},{'yes' if i % 3 else 'no'}"
                                   for i in range(60)]
    csv.write_text("\n".join(rows) + "\n", encoding="utf-8")
    spec_path = tmp_path / "mlp.json"
    spec_path.write_text(export_spec(get_preset("walkthrough_mlp")), encoding="utf-8")
    assert main(["validate", str(spec_path), "--dataset", str(csv), "--target", "label",
                 "--json"]) == 0
    data = _last_json(capsys.readouterr().out)
    assert data["rows"][0]["output_shape"] == [2]  # two numeric input columns
    assert data["total_params"] == (2 * 128 + 128) + (128 * 64 + 64) + 65


def test_validate_a_spec_that_cannot_work_exits_2_with_the_errors(tmp_path, capsys):
    path = tmp_path / "lenet.json"
    path.write_text(export_spec(get_preset("lenet_cnn")), encoding="utf-8")
    assert main(["validate", str(path), "--dataset", "waves", "--json"]) == 2
    captured = capsys.readouterr()
    data = _last_json(captured.out)
    assert data["ok"] is False
    expected = ("Layer 1 (Conv2D) needs image input (channels, height, width) but receives a "
                "sequence of 50 steps with 1 feature each. Use LSTM, GRU or TransformerEncoder "
                "for a sequence, or pick an image dataset.")
    assert data["errors"] == [expected]
    assert captured.err == f"error: {expected}\n"


def test_validate_unknown_dataset(tmp_path, capsys):
    path = tmp_path / "s.json"
    path.write_text('{"layers": []}', encoding="utf-8")
    assert main(["validate", str(path), "--dataset", "nosuchset"]) == 2
    assert capsys.readouterr().err == (
        "error: 'nosuchset' is neither a CSV file nor a built-in dataset. Give the path of a CSV "
        "file, or a name from `python -m core datasets`.\n")


def test_validate_a_broken_file_exits_2_in_a_subprocess(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"layers": [\n  {"type": "Dense", "units": 1000000000}\n]}', encoding="utf-8")
    out = subprocess.run([sys.executable, "-m", "core", "validate", str(path), "--dataset",
                          "digits"], cwd=REPO, capture_output=True, text=True, timeout=120,
                         env={**__import__("os").environ})
    assert out.returncode == 2
    assert out.stderr.strip() == ("error: Layer 1 (Dense): units must be at most 65,536 "
                                  "(got 1,000,000,000).")
    assert "Traceback" not in out.stderr
