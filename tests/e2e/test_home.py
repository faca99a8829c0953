"""The home page loads in a real browser and leads to the Data and Build pages."""
from tests.e2e.conftest import wait_for_app


def test_home_page_explains_and_links(page, app_url):
    page.goto(app_url)
    wait_for_app(page)
    page.get_by_text("LayerLab lets you build a neural network").wait_for()
    page.get_by_role("link", name="Choose data").click()
    page.wait_for_url("**/data")


def test_opening_a_page_url_directly_keeps_the_app_navigation(page, app_url):
    # A refresh on /build must run app.py (navigation groups, wide layout), not the file alone.
    page.goto(app_url + "/build")
    wait_for_app(page)
    nav = page.get_by_test_id("stSidebarNav")
    nav.get_by_text("Build and train").wait_for()
    assert nav.get_by_text("Audit").is_visible()
    assert not nav.get_by_text("app", exact=True).is_visible()
    page.get_by_role("heading", name="Build").wait_for()
