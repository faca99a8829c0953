"""reproduce.py retrains the run outside LayerLab (a fresh Python, no LayerLab on the path) and
prints a test metric within 0.5 points of the run's; runs it cannot reproduce are refused."""
import re
import subprocess
import sys

import pytest

from core.errors import LayerLabError
from core.export import SCRIPT_CANNOT_REPRODUCE, SCRIPT_LAYERS, export_run
from core.export._script import WHY_LAYER


@pytest.fixture(scope="module")
def script_runs(shared_home):
    from core.runs import open_store
    from core.spec import get_preset
    from core.train import create_run, default_config, train_run
    from tests.core.export.conftest import mixed_ref
    from tests.module_home import in_home

    with in_home(shared_home):
        store = open_store()
        cfg = default_config("binary", epochs=4, schedule="cosine", class_weights="balanced",
                             l2=1e-4, init="kaiming")
        plain = create_run(store, mixed_ref(), get_preset("walkthrough_mlp"), cfg)
        assert train_run(store, plain).status == "finished"
        from core.spec import ModelSpec

        spec = ModelSpec.model_validate({"name": "skip", "layers": [{"type": "Dense", "units": 8},
                                           {"type": "Residual", "layers": [{"type": "Dense", "units": 8}]}]})
        residual = create_run(store, mixed_ref(), spec, default_config("binary", epochs=1))
        assert train_run(store, residual).status == "finished"
        return {"plain": plain, "residual": residual}


def test_script_reproduces_the_test_metric(store, script_runs, tmp_path):
    rid = script_runs["plain"]
    manifest = export_run(store, rid, tmp_path, "script")
    assert {p.name for p in tmp_path.iterdir()} >= {"reproduce.py", "data.csv", "spec.json",
                                                     "config.json", "preprocessing.json"}
    assert "LayerLab" not in "".join(line for line in (tmp_path / "reproduce.py").read_text().splitlines()
                                      if line.startswith(("import", "from")))
    # -I: isolated mode, so neither the repository nor PYTHONPATH can supply LayerLab.
    out = subprocess.run([sys.executable, "-I", "reproduce.py"], cwd=tmp_path, capture_output=True,
                         text=True, timeout=600)
    assert out.returncode == 0, out.stderr
    got = float(re.search(r"^test accuracy: ([0-9.]+)$", out.stdout, re.M).group(1))
    run_metric = store.get_run(rid).test_metrics["accuracy"]
    assert manifest["formats"]["script"]["run_metric"] == pytest.approx(run_metric)
    assert abs(got - run_metric) * 100 <= 0.5


def test_layer_the_script_cannot_rebuild_is_refused(store, script_runs, tmp_path):
    rid = script_runs["residual"]
    with pytest.raises(LayerLabError) as e:
        export_run(store, rid, tmp_path / "out", "script")
    why = WHY_LAYER.format(index=2, type="Residual", known=", ".join(SCRIPT_LAYERS))
    assert str(e.value) == SCRIPT_CANNOT_REPRODUCE.format(run_id=rid, why=why)
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_all_formats_skip_the_script_with_the_reason(store, script_runs, tmp_path):
    manifest = export_run(store, script_runs["residual"], tmp_path, "safetensors,script")
    assert sorted(manifest["formats"]) == ["safetensors"]
    assert manifest["skipped"]["script"].startswith("The runnable script cannot reproduce")
