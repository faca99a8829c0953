"""Build: drag layers into a model; shapes, parameter counts and problems update as you go."""
import streamlit as st

from core import spec as core_spec
from core.errors import LayerLabError
from core.workspace import load_workspace
from ui.identity import user
from ui.stack_builder import params, session, stack_builder, tools, tree

st.title("Build")
st.write("Build your neural network: drag layers from the palette into your model, then click "
         "a layer to set its size. Shapes and parameter counts update as you go, and anything "
         "that cannot work is explained on the layer itself.")

ws = load_workspace(user())
try:
    facts = session.dataset_facts(ws.dataset.model_dump_json())
except LayerLabError as exc:
    st.error(f"The chosen dataset could not be loaded: {exc}")
    st.page_link("views/data.py", label="Choose another dataset", icon=":material/table_chart:")
    st.stop()

data_col, link_col = st.columns([5, 1], vertical_alignment="center")
data_col.markdown(f"**Data:** {facts['summary']}")  # our own text (dataset titles are built-in or the file name)
link_col.page_link("views/data.py", label="Change data", icon=":material/table_chart:")

spec = ws.spec or core_spec.get_preset(core_spec.default_preset_for(facts["modality"]))
nodes = session.current_nodes(spec)
report = core_spec.analyse(spec, facts["input_shape"], facts["task"], facts["n_outputs"])

st.subheader(tree.totals_line(tree.count_layers(nodes), report.total_params, report.memory_bytes,
                              report.ok), anchor=False)
message = session.pop_error()
if message:
    st.error(message)
for error in report.errors:
    st.error(error, icon=":material/warning:")

builder_col, side_col = st.columns([5, 2], gap="medium")
with builder_col:
    catalogue = core_spec.catalogue()
    data = tree.component_data(nodes, report, catalogue, session.selected_id(), session.rev(),
                                input_note="follows the dataset")
    change = stack_builder(data, key="stack_builder")
    if change:
        session.apply_change(change, spec.name)
        st.rerun()
with side_col:
    with st.container(border=True):
        params.param_editor(nodes, catalogue, spec.name)

st.divider()
preset_col, name_col, file_col = st.columns(3, gap="medium")
with preset_col:
    tools.preset_picker(facts["modality"])
with name_col:
    tools.name_input(spec)
with file_col:
    tools.export_import(spec)

st.divider()
if report.ok:
    st.success("This model can be trained on your data. Next: choose how to train it.")
else:
    st.info("Fix the problems marked in red above before training.")
st.page_link("views/data.py", label="Back to the data", icon=":material/table_chart:")
