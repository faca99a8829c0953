"""Home: what LayerLab is, and the quickest path to a trained model."""
import streamlit as st

from core.errors import LayerLabError

st.title("LayerLab")
st.markdown(
    "LayerLab lets you build a neural network by dragging layers together, train it while "
    "you watch the curves live, and then check how well it works and whom it treats unfairly. "
    "No code needed: every number comes with what it means and what to try next."
)

with st.container(border=True):
    st.subheader("Quick start: one click to a trained model")
    st.markdown(
        "Train the **walkthrough MLP** from LayerLab's teaching notes (two hidden layers of 128 "
        "and 64 units) on **UCI Adult**, a census table where the task is to predict whether a "
        "person earns more than $50K a year. Training takes about ten seconds and you watch it live; "
        "*sex* and *race* are kept aside as sensitive columns for the fairness check."
    )
    if st.button("Train the walkthrough MLP on Adult", type="primary", icon=":material/play_arrow:"):
        from core.quickstart import start_walkthrough
        from ui.identity import user
        from ui.resources import get_runner, get_store

        try:
            run_id = start_walkthrough(get_store(), get_runner(), user())
        except LayerLabError as exc:
            st.error(str(exc))
        else:
            st.switch_page("views/train.py", query_params={"run": run_id})

st.subheader("Or go step by step")
c1, c2, c3, c4 = st.columns(4)
with c1:
    st.markdown("**1. Data**: a built-in dataset (Adult, toy 2-D sets, digits, sequences) or "
                "your CSV. Preprocessing is automatic and explained.")
    st.page_link("views/data.py", label="Choose data", icon=":material/table_chart:")
with c2:
    st.markdown("**2. Build**: drag layers into your model; shapes and parameter counts update "
                "as you go, and stacks that cannot work are explained.")
    st.page_link("views/build.py", label="Build a model", icon=":material/layers:")
with c3:
    st.markdown("**3. Train**: pick an optimizer and learning rate (good defaults are set) and "
                "watch loss and accuracy grow live; stop any time.")
    st.page_link("views/train.py", label="Train", icon=":material/model_training:")
with c4:
    st.markdown("**4. Compare**: every run is kept with what reproduces it; compare them side "
                "by side with your notes.")
    st.page_link("views/experiments.py", label="Experiments", icon=":material/science:")
