"""Who is using this browser: the one place the pages read the user's identity.

- Sign-in configured (an `[auth]` section in `.streamlit/secrets.toml`, see the README): the
  user must sign in with `st.login`; their id is the e-mail (or `sub`) the provider returns.
- Otherwise: an anonymous id ("anon-" + 128 random bits) kept in the page URL as `?u=...`.
  Why the URL and not a cookie or localStorage: Streamlit cannot set cookies, and reading
  localStorage needs a custom component whose first render has no value yet (every page would
  draw twice and could write to a fresh id in between). A query parameter is read on the first
  run, survives a refresh and a server restart (the browser keeps the URL), and ships with no
  extra code. The cost, said plainly: whoever gets the URL is that anonymous user, and a
  bookmark without `?u=` starts a new one. It separates people's drafts; it is not security —
  operators who need that configure sign-in.
"""
from __future__ import annotations

import streamlit as st

from core.identity import is_anonymous_id, new_anonymous_id, signed_in_id

_KEY = "_layerlab_user"
URL_PARAM = "u"


def _sign_in_configured() -> bool:
    # st.user carries "is_logged_in" only when secrets.toml has an [auth] section.
    return "is_logged_in" in st.user.to_dict()


def current_user() -> str:
    """The id of this browser's user; asks for sign-in (and ends the page run) when required.

    Called by app.py on every page run, so the id is back in the URL after each navigation."""
    if _sign_in_configured():
        if not st.user.is_logged_in:
            st.title("LayerLab")
            st.markdown("This LayerLab server is shared: sign in so your drafts and runs are yours.")
            st.button("Sign in", type="primary", icon=":material/login:", on_click=st.login)
            st.stop()
        user = signed_in_id(st.user.get("email"), st.user.get("sub"))
        st.session_state[_KEY] = user
        return user
    from_url = st.query_params.get(URL_PARAM)
    user = from_url if is_anonymous_id(from_url) else st.session_state.get(_KEY)
    if not is_anonymous_id(user):
        user = new_anonymous_id()
    st.session_state[_KEY] = user
    if from_url != user:
        st.query_params[URL_PARAM] = user  # page switches drop it: put it back every run
    return user


def user() -> str:
    """The id `current_user()` settled on for this session (pages call this one)."""
    return st.session_state.get(_KEY) or current_user()


def link_params() -> dict[str, str]:
    """Query parameters a link opening in a new tab needs to stay the same anonymous user."""
    uid = user()
    return {URL_PARAM: uid} if is_anonymous_id(uid) else {}


def signed_in() -> bool:
    return _sign_in_configured() and bool(st.user.is_logged_in)


def sidebar_identity() -> None:
    """Say in the sidebar whose drafts and runs these are, and how to come back to them."""
    from ui.text import md

    if signed_in():
        st.sidebar.caption(f"Signed in as {md(user())}.")
        st.sidebar.button("Sign out", icon=":material/logout:", on_click=st.logout)
    else:
        st.sidebar.caption("Your drafts and runs are kept under this page's address: bookmark "
                           "it to come back to them (anyone with the address shares them).")
