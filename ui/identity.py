"""Who is using this browser: the one place the pages read the user's identity.

- Sign-in configured (an `[auth]` section in `.streamlit/secrets.toml`, see the README): the
  user must sign in with `st.login`; their id is the e-mail (or `sub`) the provider returns.
- Otherwise: an anonymous id ("anon-" + 128 random bits) kept in a first-party cookie.
  Streamlit reads cookies (`st.context.cookies`, sent with the page's connection) but cannot
  set them, so the first page run of a new browser writes it with one line of JavaScript
  (`st.html`, no component, nothing from a CDN). Why a cookie and not `?u=` in the URL: the
  URL is copied into chats and bookmarks (whoever has it would *be* that user), and every
  page switch would have to put it back. Why not localStorage: reading it needs a component
  whose first render has no value, so every page would draw twice. The cookie survives a
  refresh and a server restart; another browser (or a private window) is another user. It
  separates people's drafts; it is not authentication — operators who need that configure
  sign-in.
"""
from __future__ import annotations

import streamlit as st

from core.identity import is_anonymous_id, new_anonymous_id, signed_in_id

_KEY = "_layerlab_user"  # session_state key; AppTests set it to act as a given user
COOKIE = "layerlab_user"


def _sign_in_configured() -> bool:
    # st.user carries "is_logged_in" only when secrets.toml has an [auth] section.
    return "is_logged_in" in st.user.to_dict()


def current_user() -> str:
    """The id of this browser's user; asks for sign-in (and ends the page run) when required.

    Called by app.py on every page run, before the page itself."""
    if _sign_in_configured():
        if not st.user.is_logged_in:
            st.title("LayerLab")
            st.markdown("This LayerLab server is shared: sign in so your drafts and runs are yours.")
            st.button("Sign in", type="primary", icon=":material/login:", on_click=st.login)
            st.stop()
        user = signed_in_id(st.user.get("email"), st.user.get("sub"))
        st.session_state[_KEY] = user
        return user
    from_cookie = st.context.cookies.get(COOKIE)
    user = st.session_state.get(_KEY)
    if not is_anonymous_id(user):
        user = from_cookie if is_anonymous_id(from_cookie) else new_anonymous_id()
    st.session_state[_KEY] = user
    if from_cookie != user:
        # First visit: let the browser keep it (1 year, this site only). Written on every run
        # of this session (the connection's cookies do not change): a run cut short by a click
        # may never have shown the script.
        st.sidebar.html(f"<script>document.cookie = '{COOKIE}={user}; path=/; "
                        f"max-age=31536000; SameSite=Strict';</script>",
                        unsafe_allow_javascript=True)  # `user` is [A-Za-z0-9_-]: nothing to escape
    return user


def user() -> str:
    """The id `current_user()` settled on for this session (pages call this one)."""
    return st.session_state.get(_KEY) or current_user()


def signed_in() -> bool:
    return _sign_in_configured() and bool(st.user.is_logged_in)


def sidebar_identity() -> None:
    """Say in the sidebar whose drafts and runs these are, and how to come back to them."""
    from ui.text import md

    if signed_in():
        st.sidebar.caption(f"Signed in as {md(user())}.")
        st.sidebar.button("Sign out", icon=":material/logout:", on_click=st.logout)
    else:
        st.sidebar.caption("Your drafts and runs are tied to this browser (a cookie); another "
                           "browser or a private window starts afresh.")
