"""Streamlit's chart look as a plain plotly template, for charts drawn with `theme=None`.

Why: `st.plotly_chart(theme="streamlit")` restyles the figure in the browser (a JSON round trip
of the whole figure, then a template merged in), and that costs the Experiments overlay of 20
runs about a fifth of its drawing time. The same look, sent with the figure, is drawn
directly. The values are those Streamlit 1.67's frontend applies (PlotlyChart's
CustomTheme, read from a themed chart's layout in the browser) for its default light and
dark themes; the app sets no custom theme (.streamlit/config.toml), so these are the two it
shows.
"""
from __future__ import annotations

FONT = '"Source Sans", sans-serif'
# kind -> (text, legend text, background, grid lines, hover border, chart colours)
_COLOURS = {
    "light": {"text": "#808495", "legend": "#262730", "bg": "#FFFFFF", "grid": "#e6eaf1",
              "hover_border": "#DCD8D4",
              "colorway": ["#0068c9", "#83c9ff", "#ff2b2b", "#ffabab", "#29b09d", "#7defa1",
                           "#ff8700", "#ffd16a", "#6d3fc0", "#d5dae5"]},
    "dark": {"text": "#e6eaf1", "legend": "#fafafa", "bg": "#171614", "grid": "#31333F",
             "hover_border": "#4A4742",
             "colorway": ["#83c9ff", "#0068c9", "#ffabab", "#ff2b2b", "#7defa1", "#29b09d",
                          "#ffd16a", "#ff8700", "#6d3fc0", "#d5dae5"]},
}


def streamlit_look(kind: str | None = "light") -> dict:
    """A plotly template {"layout": ...} that looks like Streamlit's chart theme of `kind`
    ("light" or "dark"; anything else, e.g. None before the browser has said, is light)."""
    c = _COLOURS["dark" if kind == "dark" else "light"]
    text = {"color": c["text"], "size": 12}
    axis = {"gridcolor": c["grid"], "zerolinecolor": c["grid"], "tickcolor": c["grid"],
            "minor": {"gridcolor": c["grid"]}, "tickfont": text,
            "ticklabelposition": "outside", "automargin": True}
    return {"layout": {
        "font": {"family": FONT, "weight": 400, **text},
        "colorway": c["colorway"],
        "paper_bgcolor": c["bg"], "plot_bgcolor": c["bg"],
        "margin": {"pad": 8, "l": 0, "r": 0},
        "legend": {"font": {"size": 12, "color": c["legend"]}, "valign": "top",
                   "bordercolor": "rgba(0,0,0,0)", "borderwidth": 0,  # transparent
                   "title": {"font": text, "side": "top"}},
        "hoverlabel": {"bgcolor": c["bg"], "bordercolor": c["hover_border"],
                       "font": {"family": FONT, **text}},
        "xaxis": {**axis, "showgrid": False, "zeroline": False,
                  "title": {"font": {"color": c["text"], "size": 14}, "standoff": 20}},
        "yaxis": {**axis, "title": {"font": {"color": c["text"], "size": 14}, "standoff": 24}},
    }}
