"""The Export page in a real browser: on an Adult run, export as a job, read the check in
words, download the zip, and load its ONNX file in onnxruntime: it answers like LayerLab."""
import os
import io
import json
import shutil
import zipfile
from pathlib import Path

import numpy as np
import onnxruntime as ort

from core.data import default_ref
from core.export import TOLERANCE, raw_feed
from tests.e2e.conftest import nav, wait_for_app

# Screenshots for people looking at the pages: only when LAYERLAB_SHOTS names a folder.
SCREENS = Path(os.environ.get("LAYERLAB_SHOTS", "/nonexistent-layerlab-shots"))


def test_export_adult(page, app_url, tmp_path):
    from core.runs import open_store
    from core.spec import get_preset
    from core.train import TrainConfig, create_run, train_run
    from core.trained import load_trained

    store = open_store()
    rid = create_run(store, default_ref("adult"), get_preset("walkthrough_mlp"),
                     TrainConfig(epochs=1, batch_size=512))
    assert train_run(store, rid).status == "finished"

    page.goto(app_url)
    wait_for_app(page)
    nav(page, "Export")
    page.wait_for_url("**/export**")
    wait_for_app(page)
    page.get_by_role("button", name="Export", exact=True).click()
    page.get_by_text("The exported file gives the same probabilities as LayerLab").wait_for(
        timeout=150_000)
    page.get_by_text("How to load each file, with a three-line example.").wait_for()
    if SCREENS.is_dir():
        page.screenshot(path=str(SCREENS / "export.png"), full_page=True)
    with page.expect_download() as info:
        page.get_by_role("button", name="Download the files (zip)").click()
    shutil.copy(info.value.path(), tmp_path / "export.zip")

    files = zipfile.ZipFile(tmp_path / "export.zip")
    manifest = json.loads(files.read("manifest.json"))
    session = ort.InferenceSession(files.read("model.onnx"), providers=["CPUExecutionProvider"])
    model = load_trained(store, rid)
    frame = model.bundle.frame.iloc[model.data.idx_test]
    got = session.run(None, raw_feed(frame, manifest["formats"]["onnx"]["inputs"]))[0]
    assert np.abs(got - model.proba("test")).max() <= TOLERANCE
    # Adult's strings go in as they are in the data: 'workclass' is one of the inputs.
    assert {"age", "workclass"} <= {c["name"] for c in manifest["formats"]["onnx"]["inputs"]}
    assert io.BytesIO(files.read("weights.safetensors")).getbuffer().nbytes > 0
