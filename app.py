"""LayerLab: routes only. Each page lives in views/ and calls into core/.

The folder is views/, not the pages/ of CONVENTIONS.md: Streamlit treats a pages/ folder next
to the main script as an old-style multipage app and, when a page's URL is opened directly (a
refresh), runs that file without app.py (no navigation groups, no wide layout).
"""
import streamlit as st


def run() -> None:
    st.set_page_config(page_title="LayerLab", page_icon=":material/layers:", layout="wide")
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
                        st.Page("views/compress.py", title="Compress", icon=":material/compress:")],
    }
    st.navigation(pages).run()


run()
