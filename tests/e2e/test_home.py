"""The home page loads in a real browser and leads to the Data and Build pages."""
from playwright.sync_api import expect

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


def test_pages_load_nothing_from_the_internet(page, app_url):
    # Every request the browser makes while the pages open goes to this server (loopback): no
    # CDN script, font or icon (Streamlit would fetch a ":material/…:" tab icon from Google).
    outside = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(
        ("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:", "about:")) else None)
    for path in ("", "/data", "/build", "/experiments", "/predict"):
        page.goto(app_url + path)
        wait_for_app(page)
    assert outside == []
    # The navigation lists every page (not folded behind "View more").
    nav = page.get_by_test_id("stSidebarNav")
    for title in ("Home", "Data", "Build", "Train", "Experiments", "Search", "Evaluate", "Compare",
                  "Fairness", "Explain", "Stress test", "What if", "Export", "Predict", "Compress",
                  "Report"):
        expect(nav.get_by_text(title, exact=True)).to_be_visible()
