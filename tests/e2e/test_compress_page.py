"""The Compress page in a real browser: prune a run as a job, read the before/after table and
the sentences, then quantize it; both results are child runs linked to the picked run."""
import os
from pathlib import Path

from tests.core.export.conftest import mixed_ref
from tests.e2e.conftest import nav, wait_for_app

# Screenshots for people looking at the pages: only when LAYERLAB_SHOTS names a folder.
SCREENS = Path(os.environ.get("LAYERLAB_SHOTS", "/nonexistent-layerlab-shots"))


def test_compress_prune_and_quantize(page, app_url):
    from core.runs import open_store
    from core.spec import get_preset
    from core.train import create_run, default_config, train_run

    store = open_store()
    rid = create_run(store, mixed_ref(), get_preset("walkthrough_mlp"), default_config("binary", epochs=2))
    assert train_run(store, rid).status == "finished"

    page.goto(app_url)
    wait_for_app(page)
    nav(page, "Compress")
    page.wait_for_url("**/compress**")
    wait_for_app(page)
    page.get_by_role("button", name="Prune", exact=True).click()
    page.get_by_text("30% of the units of each prunable layer were removed").wait_for(timeout=150_000)
    page.get_by_text("weights and biases the network holds").wait_for()
    page.get_by_role("tab", name="Quantize to int8").click()
    page.get_by_role("button", name="Quantize", exact=True).click()
    page.get_by_text("The weights were stored as 8-bit integers").wait_for(timeout=150_000)
    if SCREENS.is_dir():
        page.screenshot(path=str(SCREENS / "compress.png"), full_page=True)
    children = {r.kind: r for r in store.list_runs() if r.parent_id == rid}
    assert {"pruned", "quantized"} <= set(children)
    assert children["pruned"].spec["layers"][0]["units"] == 90
