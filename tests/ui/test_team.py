"""Two people on one server, under AppTest: each sees others' public runs with their owner, not
their private ones (not even through the URL), cannot stop them (the button says why), and user
text (run names, notes, file names) is shown as typed, never as a link or HTML."""
from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from core.identity import new_anonymous_id, public_name
from core.runs import open_store
from core.runs.access import BAD_RUN_ID, NOT_YOURS, PRIVATE_RUN

APP = str(Path(__file__).resolve().parents[2] / "app.py")
HOSTILE = "<img src=x onerror=alert(1)> [click me](http://evil.example) **bold**"


@pytest.fixture
def two_users():
    alice, bob = new_anonymous_id(), new_anonymous_id()
    store = open_store()

    def new(owner, name, private=False):
        rid = store.create_run(name=name, dataset={"name": "moons"}, dataset_hash="h",
                               spec={"layers": []}, config={}, task="binary", owner=owner,
                               private=private)
        store.set_notes(rid, HOSTILE)
        return rid

    # Hidden first, so the newest run, shown when the URL's run is refused, is the public one;
    # the public run stays queued (a live run: its page offers Stop).
    hidden, public = new(alice, "alice's secret", private=True), new(alice, HOSTILE)
    return alice, bob, public, hidden


def _as(user: str, page: str, **params) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=180)
    at.session_state["_layerlab_user"] = user  # what ui/identity.py settled on for this browser
    at.run()
    for key, value in params.items():
        at.query_params[key] = value
    at.switch_page(page).run()
    assert not at.exception
    return at


def _texts(at: AppTest) -> list[str]:
    return [e.value for kind in ("markdown", "caption", "warning", "error", "info")
            for e in getattr(at, kind)]


def test_others_see_public_runs_with_owner_but_not_private_ones(two_users):
    alice, bob, public, hidden = two_users
    at = _as(bob, "views/experiments.py")
    table = at.dataframe[0].value
    assert list(table["Run"]) == [public]
    assert list(table["Owner"]) == [public_name(alice)] and alice not in " ".join(_texts(at))
    mine = _as(alice, "views/experiments.py").dataframe[0].value
    assert list(mine["Run"]) == [public, hidden] and set(mine["Owner"]) == {"you"}


def test_a_private_run_or_a_path_cannot_be_opened_through_the_url(two_users):
    alice, bob, public, hidden = two_users
    at = _as(bob, "views/train.py", run=hidden)
    assert PRIVATE_RUN.format(run_id=hidden) in [w.value for w in at.warning]
    assert "alice's secret" not in " ".join(_texts(at))
    at = _as(bob, "views/train.py", run="../../etc/passwd")
    assert BAD_RUN_ID.format(value="../../etc/passwd") in [w.value for w in at.warning]


def test_the_stop_button_is_greyed_out_on_someone_elses_run_with_the_reason(two_users):
    alice, bob, public, hidden = two_users
    at = _as(bob, "views/train.py", run=public)
    [stop] = [b for b in at.button if b.label == "Stop training"]
    reason = NOT_YOURS.format(run_id=public, owner=public_name(alice), action="stop")
    assert stop.disabled and stop.help == reason
    at = _as(alice, "views/train.py", run=public)
    [stop] = [b for b in at.button if b.label == "Stop training"]
    assert not stop.disabled


def _compare_page():
    from tests.ui.test_team import HOSTILE
    from ui.compare_views import changes

    changes({"reference": "run-0001", "runs": [{"id": "run-0002", "name": HOSTILE}],
             "changes": {"run-0002": [f"column {HOSTILE} was added"]}})


def test_user_text_never_renders_as_a_link_or_html():
    """Rendered by a CommonMark renderer (markdown-it, the reference for Streamlit's Markdown),
    every text the page writes with a run name or column name in it has no link and no tag."""
    from markdown_it import MarkdownIt

    at = AppTest.from_function(_compare_page, default_timeout=60).run()
    assert not at.exception
    shown = [m.value for m in at.markdown]
    assert len(shown) == 2 and all("click me" in text for text in shown)
    renderer = MarkdownIt("commonmark")
    for text in shown:
        html = renderer.render(text)
        assert "<a " not in html and "<img" not in html and "<strong>bold" not in html, html
        assert "[click me](http://evil.example)" in html.replace("\\", "")  # shown as typed
    # The same text unescaped would have been a link: the check above can fail.
    assert "<a href" in renderer.render(HOSTILE)
