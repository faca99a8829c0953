"""The home page loads in a real browser and leads to the Data and Build pages."""
from tests.e2e.conftest import wait_for_app


def test_home_page_explains_and_links(page, app_url):
    page.goto(app_url)
    wait_for_app(page)
    page.get_by_text("LayerLab lets you build a neural network").wait_for()
    page.get_by_role("link", name="Choose data").click()
    page.wait_for_url("**/data")
