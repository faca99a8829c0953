"""LayerLab: routes only. Each page lives in views/ and calls into core/.

The folder is views/, not the pages/ of CONVENTIONS.md: Streamlit treats a pages/ folder next
to the main script as an old-style multipage app and, when a page's URL is opened directly (a
refresh), runs that file without app.py (no navigation groups, no wide layout).
"""
from pathlib import Path

import streamlit as st


def run() -> None:
    # The tab icon ships in the repo: a ":material/…:" icon would be fetched from Google's font server.
    st.set_page_config(page_title="LayerLab", page_icon=str(Path(__file__).parent / "assets" / "favicon.png"), layout="wide")
    from ui.identity import current_user, sidebar_identity

    current_user()  # the one place identity is read; asks for sign-in when it is configured
    sidebar_identity()
    pages = {
        "Start": [st.Page("views/home.py", title="Home", icon=":material/home:", default=True)],
        "Build and train": [
            st.Page("views/data.py", title="Data", icon=":material/table_chart:"),
            st.Page("views/build.py", title="Build", icon=":material/layers:"),
            st.Page("views/train.py", title="Train", icon=":material/model_training:"),
            st.Page("views/experiments.py", title="Experiments", icon=":material/science:"),
            st.Page("views/search.py", title="Search", icon=":material/travel_explore:"),
        ],
        "Audit": [
            st.Page("views/evaluate.py", title="Evaluate", icon=":material/fact_check:"),
            st.Page("views/compare.py", title="Compare", icon=":material/compare_arrows:"),
            st.Page("views/fairness.py", title="Fairness", icon=":material/balance:"),
            st.Page("views/explain.py", title="Explain", icon=":material/psychology:"),
            st.Page("views/stress.py", title="Stress test", icon=":material/bolt:"),
            st.Page("views/whatif.py", title="What if", icon=":material/alt_route:"),
        ],
        "Take it out": [st.Page("views/export.py", title="Export", icon=":material/output:"),
                        st.Page("views/predict.py", title="Predict", icon=":material/online_prediction:"),
                        st.Page("views/compress.py", title="Compress", icon=":material/compress:"),
                        st.Page("views/report.py", title="Report", icon=":material/summarize:")],
    }
    # expanded: every page listed (with many pages Streamlit folds the list behind 'View more').
    nav = st.navigation(pages, expanded=True)
    from ui.resources import jobs_notice, run_page

    jobs_notice()  # "jobs cannot run" above every page when the Ray cluster does not answer
    run_page(nav)  # an unreachable run store: a note that retries, no traceback


run()
