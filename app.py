"""LayerLab: routes only. Each page lives in pages/ and calls into core/."""
import streamlit as st


def run() -> None:
    st.set_page_config(page_title="LayerLab", page_icon="🧱", layout="wide")
    pages = {
        "Start": [st.Page("pages/home.py", title="Home", icon="🏠", default=True)],
        "Workbench": [
            st.Page("pages/data.py", title="Data", icon="📊"),
            st.Page("pages/build.py", title="Build", icon="🧱"),
            st.Page("pages/train.py", title="Train", icon="🏋️"),
            st.Page("pages/experiments.py", title="Experiments", icon="🧪"),
            st.Page("pages/evaluate.py", title="Evaluate", icon=":material/fact_check:"),
            st.Page("pages/compare.py", title="Compare", icon=":material/compare_arrows:"),
            st.Page("pages/fairness.py", title="Fairness", icon=":material/balance:"),
            st.Page("pages/explain.py", title="Explain", icon=":material/psychology:"),
            st.Page("pages/stress.py", title="Stress test", icon=":material/bolt:"),
        ],
    }
    st.navigation(pages).run()


run()
