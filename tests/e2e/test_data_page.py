"""The Data page in a real browser: Adult's preparation and baseline, moons with its noise
slider (saved to the workspace), and a bad CSV upload answered with a plain message."""
from core.workspace import load_workspace
from tests.e2e.conftest import browser_user, wait_for_app


def _select(page, label: str, option: str) -> None:
    page.get_by_role("combobox", name=label, exact=True).click()
    page.get_by_role("option", name=option, exact=True).click()
    wait_for_app(page)


def _saved_noise(page, home, timeout_ms: int = 20_000):
    """The moons noise the page saved to this browser's workspace, once it is there."""
    for _ in range(timeout_ms // 250):
        saved = load_workspace(browser_user(page)).dataset.model_dump()
        if saved["name"] == "moons" and saved["params"].get("noise") == 0.5:
            break
        page.wait_for_timeout(250)
    return saved["params"].get("noise")


def test_data_page_journey(page, app_url, layerlab_home):
    page.goto(app_url + "/data")
    wait_for_app(page)
    page.get_by_text("Choose the data your model will learn from").wait_for()
    page.get_by_text("6 numeric columns were standardised (age, fnlwgt").wait_for()
    page.get_by_text("Always answering '<=50K' is right 76 % of the time").wait_for()

    _select(page, "Dataset", "Two moons")
    page.get_by_text("2 numeric columns were standardised (x1 and x2).").wait_for()
    thumb = page.locator('[data-testid="stSlider"]').filter(has_text="Noise").get_by_role("slider")
    thumb.focus()
    thumb.press("End")  # one key press, one new value: the top of the range
    wait_for_app(page)
    assert _saved_noise(page, layerlab_home) == 0.5
    page.get_by_text("Always answering").wait_for()

    page.get_by_text("My own CSV file").click()
    wait_for_app(page)
    page.locator('input[type="file"]').set_input_files(
        files=[{"name": "broken.csv", "mimeType": "text/csv", "buffer": b"a,b,c\n1,2,3\n4,5\n"}])
    page.get_by_text("Line 3 has 2 fields but the header has 3 columns.").wait_for()
