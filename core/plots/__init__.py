"""Charts as pure functions: data in, plotly figure out.

Pages and the exported report draw the same figure from the same function. Modules import
plotly inside their functions so that importing `core.plots.<topic>` stays cheap.
"""
