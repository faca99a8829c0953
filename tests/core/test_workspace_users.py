"""One draft per user: two users never see each other's choices; a new user starts from the
shared default draft; no user id can put a draft file outside the workspaces folder."""
from core import settings
from core.data import DatasetRef
from core.identity import new_anonymous_id
from core.workspace import Workspace, load_workspace, save_workspace


def test_two_users_keep_their_own_drafts_and_a_new_user_starts_from_the_default():
    save_workspace(Workspace(dataset=DatasetRef(name="circles")))  # the CLI's / old single draft
    a, b = new_anonymous_id(), "bob@example.org"
    assert load_workspace(a).dataset.name == "circles"  # carried over on first visit
    save_workspace(Workspace(dataset=DatasetRef(name="moons")), a)
    save_workspace(Workspace(dataset=DatasetRef(name="xor")), b)
    assert [load_workspace(u).dataset.name for u in (a, b, None)] == ["moons", "xor", "circles"]


def test_hostile_user_ids_stay_inside_the_workspaces_folder(tmp_path):
    folder = settings.home() / "workspaces"
    for user in ("../../evil", "/etc/passwd", "..", "a\x00b", "x" * 500):
        save_workspace(Workspace(dataset=DatasetRef(name="xor")), user)
        assert load_workspace(user).dataset.name == "xor"
    files = list(settings.home().rglob("*.json"))
    assert len(files) == 5 and all(f.parent == folder for f in files)
