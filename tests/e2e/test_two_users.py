"""Two people on one server, in two browser contexts (two cookies, two anonymous users): each
keeps their own dataset choice across a refresh; B does not see A's private run, not even
through its URL, and cannot stop A's run (the button says why, and the core refuses too).

Sign-in (st.login) is not driven here: it needs an OIDC provider; the owner rules are tested
through the identity the app reads (the user id ui/identity.py settles on)."""
import pytest

from core.errors import LayerLabError
from core.identity import public_name
from core.runs import open_store
from core.runs.access import NOT_YOURS, PRIVATE_RUN, as_user
from core.data import DatasetRef
from core.workspace import Workspace, load_workspace, save_workspace
from tests.e2e.conftest import browser_user, wait_for_app


def _pick_dataset(page, app_url, title: str) -> None:
    page.goto(app_url + "/data")
    wait_for_app(page)
    page.get_by_role("combobox", name="Dataset", exact=True).click()
    page.get_by_role("option", name=title, exact=True).click()
    wait_for_app(page)


def _shown_dataset(page) -> str:
    """What the Dataset box shows (its text, or the value of its input, whichever it uses)."""
    box = page.get_by_test_id("stSelectbox").filter(has_text="Dataset").first
    return box.evaluate("e => e.textContent + ' ' + "
                        "Array.from(e.querySelectorAll('input')).map(i => i.value).join(' ')")


@pytest.fixture
def two_pages(browser):
    contexts = [browser.new_context(viewport={"width": 1400, "height": 1000}) for _ in range(2)]
    pages = [c.new_page() for c in contexts]
    for p in pages:
        p.set_default_timeout(30_000)
    yield pages
    for c in contexts:
        c.close()


def test_two_users_keep_their_own_drafts_and_runs(two_pages, app_url, tmp_path):
    a, b = two_pages
    save_workspace(Workspace(dataset=DatasetRef(name="moons")))  # the shared starting draft (small)
    _pick_dataset(a, app_url, "Circles")
    _pick_dataset(b, app_url, "XOR (four quadrants)")
    user_a, user_b = browser_user(a), browser_user(b)
    assert user_a != user_b
    for page, user, title, name in ((a, user_a, "Circles", "circles"),
                                    (b, user_b, "XOR (four quadrants)", "xor")):
        page.reload()
        wait_for_app(page)
        assert title in _shown_dataset(page)  # a refresh keeps this user's own choice
        assert load_workspace(user).dataset.name == name
        assert browser_user(page) == user

    store = open_store()
    kw = dict(dataset={"name": "moons"}, dataset_hash="h", spec={"layers": []}, config={},
              task="binary", owner=user_a)
    secret = store.create_run(name="A's secret experiment", private=True, **kw)
    shared = store.create_run(name="A's shared experiment", **kw)  # queued: it can be stopped

    b.goto(f"{app_url}/train?run={secret}")  # B tries A's private run through the URL
    wait_for_app(b)
    b.get_by_text(PRIVATE_RUN.format(run_id=secret)).wait_for(timeout=60_000)  # a loaded CI is slow
    b.get_by_role("combobox", name="Run shown").click()
    options = b.get_by_role("option").all_inner_texts()
    assert any(shared in o for o in options) and not any(secret in o for o in options)
    b.keyboard.press("Escape")

    b.goto(f"{app_url}/train?run={shared}")
    wait_for_app(b)
    reason = NOT_YOURS.format(run_id=shared, owner=public_name(user_a), action="stop")
    stop = b.get_by_test_id("stMainBlockContainer").get_by_role("button", name="Stop training")
    assert stop.is_disabled()
    b.get_by_text(reason).wait_for()
    with pytest.raises(LayerLabError) as err:  # and the core refuses it, whatever the page shows
        as_user(store, user_b).request_stop(shared)
    assert str(err.value) == reason
    b.screenshot(path=str(tmp_path / "user-b-train.png"), full_page=True)

    a.goto(f"{app_url}/train?run={shared}")  # the owner may stop it
    wait_for_app(a)
    owner_stop = a.get_by_test_id("stMainBlockContainer").get_by_role("button", name="Stop training")
    assert owner_stop.is_enabled()
    owner_stop.click()
    a.get_by_text("Stopped", exact=True).first.wait_for()
    assert store.get_run(shared).status == "stopped"
