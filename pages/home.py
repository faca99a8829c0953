"""Home: what LayerLab is, and the quickest path to a trained model."""
import streamlit as st

st.title("LayerLab")
st.markdown(
    "LayerLab lets you build a neural network by dragging layers together, train it while "
    "you watch the curves live, and then check how well it works and whom it treats unfairly. "
    "No code needed: every number comes with what it means and what to try next."
)

st.subheader("How it works")
c1, c2 = st.columns(2)
with c1:
    st.markdown("**1. Data**: pick a built-in dataset (UCI Adult, toy 2-D sets, digits, "
                "sequences) or upload a CSV. Preprocessing is automatic and explained.")
    st.page_link("pages/data.py", label="Choose data", icon="📊")
with c2:
    st.markdown("**2. Build**: drag layers from the palette into your model; shapes and "
                "parameter counts update as you go, and impossible stacks are explained.")
    st.page_link("pages/build.py", label="Build a model", icon="🧱")
