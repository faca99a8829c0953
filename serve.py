"""LayerLab's web server: the Streamlit app (app.py, which routes the pages) plus one HTTP
route of our own, the live points of a training run (ui/live_feed.py). Start it with
`python -m streamlit run serve.py`; `streamlit run app.py` also works, with live charts that
follow a run by rerunning the page (more work for the watching browser)."""
import streamlit as st

from ui.live_feed import routes

app = st.App("app.py", routes=routes())
