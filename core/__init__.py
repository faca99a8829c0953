"""LayerLab's core: the data path from dataset to audited model, as plain Python.

Read it in the order of the data path (see DESIGN.md): data -> spec -> build -> train ->
runs/jobs -> audit -> export. Nothing here imports streamlit; pages only render and call in.
"""
