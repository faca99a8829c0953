"""Who is who: the id of the person using LayerLab, and who may manage whose runs.

A user id is a plain string:
- a signed-in user (the operator configured Streamlit's `st.login`): their e-mail, else the
  identity provider's `sub`. The page reads it (ui/identity.py) and passes it down;
- an anonymous browser: "anon-" + a random token the browser keeps (see ui/identity.py);
- the command line: the OS user name ("cli" when it cannot be read).
Anonymous ids can never look like an e-mail (no "@"), so typing one into a URL cannot borrow a
signed-in user's runs or draft. Admins (LAYERLAB_ADMINS, comma-separated ids) may manage every run.
"""
from __future__ import annotations

import getpass
import hashlib
import re
import secrets

from core import settings

ANON_PREFIX = "anon-"
# Letters, digits, "-" and "_" only, of a fixed-ish length: safe in a URL and a file name.
_ANON_RE = re.compile(r"^anon-[A-Za-z0-9_-]{16,64}$")
_UNSAFE = re.compile(r"[^A-Za-z0-9_.@-]+")


def new_anonymous_id() -> str:
    """A fresh anonymous id (128 random bits: not guessable by another visitor)."""
    return ANON_PREFIX + secrets.token_urlsafe(16)


def is_anonymous_id(value: object) -> bool:
    """True for an id made by `new_anonymous_id` (anything else from a URL is ignored)."""
    return isinstance(value, str) and bool(_ANON_RE.fullmatch(value))


def signed_in_id(email: object, sub: object = None) -> str | None:
    """The id of a signed-in user: their e-mail (lower-cased), else the provider's subject."""
    for value in (email, sub):
        if isinstance(value, str) and value.strip():
            return value.strip().lower()[:200]
    return None


def cli_user() -> str:
    """Who runs the command line: the OS user, or "cli" when the system cannot say."""
    try:
        return getpass.getuser() or "cli"
    except (KeyError, OSError):  # no passwd entry (some containers)
        return "cli"


def is_admin(user: str | None) -> bool:
    return bool(user) and user.lower() in settings.admins()


def file_stem(user: str) -> str:
    """A file name for `user` that can never leave its folder (no "/", "..", or hidden names).

    Readable part plus a hash of the full id, so two ids that clean to the same text
    (e.g. "a/b" and "a_b") still get different files."""
    readable = _UNSAFE.sub("_", user).strip("._")[:60] or "user"
    digest = hashlib.sha256(user.encode("utf-8")).hexdigest()[:12]
    return f"{readable}-{digest}"


def public_name(user: str | None) -> str:
    """How `user` is shown to others. An anonymous id is its only key (whoever has it *is* that
    user), so it is never shown: a short tag derived from it stands in."""
    if user is None:
        return "no one (made before runs had owners)"
    if is_anonymous_id(user):
        return "anonymous #" + hashlib.sha256(user.encode("utf-8")).hexdigest()[:6]
    return user
