"""The Predict page in a real browser: on a trained Adult run, upload a CSV of new rows with one
bad row, see the others predicted and the message naming the bad row and column, and download
predictions that equal LayerLab's own."""
import os
import io
from pathlib import Path

import pandas as pd

from core.data import default_ref
from tests.e2e.conftest import nav, wait_for_app

# Screenshots for people looking at the pages: only when LAYERLAB_SHOTS names a folder.
SCREENS = Path(os.environ.get("LAYERLAB_SHOTS", "/nonexistent-layerlab-shots"))


def test_predict_adult_rows_with_one_bad_row(page, app_url, tmp_path):
    from core.predict import UNSEEN_CATEGORY, Predictor
    from core.runs import open_store
    from core.spec import ModelSpec
    from core.train import TrainConfig, create_run, train_run

    store = open_store()
    spec = ModelSpec.model_validate({"name": "Adult MLP",
                                     "layers": [{"type": "Dense", "units": 16, "activation": "relu"}]})
    rid = create_run(store, default_ref("adult"), spec, TrainConfig(epochs=1, batch_size=512))
    assert train_run(store, rid).status == "finished"
    predictor = Predictor(store, rid)
    frame = pd.read_csv(io.BytesIO(predictor.raw_csv(predictor.space.test_frame().head(5))),
                        dtype=str, keep_default_na=False)
    frame.loc[2, "workclass"] = "Astronaut"  # row 3 of the file, line 4
    raw = frame.to_csv(index=False).encode()
    expected = predictor.predict_csv(raw)

    page.goto(app_url)
    wait_for_app(page)
    nav(page, "Predict")
    page.wait_for_url("**/predict**")
    wait_for_app(page)
    # The server prepares Adult and loads the model on first view (slow on a busy CPU).
    page.get_by_text("The file needs these columns: age", exact=False).wait_for(timeout=180_000)
    page.locator("input[type=file]").set_input_files(
        {"name": "new.csv", "mimeType": "text/csv", "buffer": raw})
    page.get_by_text("Predicted 4 of 5 rows; 1 held back", exact=False).wait_for(timeout=60_000)
    message = expected.problems[0]["message"]
    assert [(p["row"], p["line"], p["column"]) for p in expected.problems] == [(3, 4, "workclass")]
    assert message.startswith(UNSEEN_CATEGORY.split("{seen}")[0].format(
        row=3, line=4, column="workclass", value="Astronaut"))
    page.get_by_text(message).wait_for()
    with page.expect_download() as info:
        page.get_by_role("button", name="Download the predictions (CSV)").click()
    got = pd.read_csv(info.value.path(), dtype=str, keep_default_na=False)
    assert got["prediction"].tolist() == expected.to_frame()["prediction"].tolist()
    assert got["prediction"].iloc[2] == "" and got["problem"].iloc[2] == message
    assert (got["prediction"] != "").sum() == 4
    if SCREENS.is_dir():
        page.screenshot(path=str(SCREENS / "predict.png"), full_page=True)
    page.get_by_role("tab", name="One case").click()
    page.get_by_text("Why: the columns that moved this answer most", exact=False).wait_for()
    page.get_by_text("how sure the model is of this answer", exact=False).wait_for()
    if SCREENS.is_dir():
        page.screenshot(path=str(SCREENS / "predict_one_case.png"), full_page=True)
