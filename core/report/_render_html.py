"""The report as one self-contained HTML file: inline CSS, plotly's JavaScript included once.

No <script src> and no web fonts: the file opens with networking off. plotly's bundle (from
the pip package) goes in with the first chart (include_plotlyjs=True) and every later chart
reuses it (include_plotlyjs=False). User text is escaped with html.escape; plotly escapes
"<" and ">" inside the figure JSON itself.
"""
from __future__ import annotations

from html import escape

from core.report._model import DONE, Report, Section, Table

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;max-width:1000px;margin:2rem auto;
padding:0 1rem;color:#1d1d1f;line-height:1.5}
h1{font-size:1.8rem;margin-bottom:.2rem}h2{border-bottom:2px solid #e5e5e5;padding-bottom:.2rem;margin-top:2.2rem}
h3{font-size:1rem;margin:1rem 0 .3rem}
.intro{color:#444;font-style:italic}.meta{color:#666;font-size:.9rem}
table{border-collapse:collapse;margin:.5rem 0 1rem;font-size:.9rem}
th,td{border:1px solid #ddd;padding:.3rem .6rem;text-align:left;vertical-align:top}th{background:#f5f5f7}
.badge{display:inline-block;padding:.1rem .5rem;border-radius:.6rem;font-size:.8rem;margin-left:.5rem}
.done{background:#e3f4e6;color:#1b5e20}.not-run{background:#fff3e0;color:#8a4b00}
.not-applicable{background:#eceff1;color:#455a64}
nav ul{columns:2;padding-left:1.2rem}.chart{margin:.5rem 0 1rem}
.mapping{color:#888;font-size:.8rem}
"""


def _table(t: Table) -> str:
    head = "".join(f"<th>{escape(str(c))}</th>" for c in t.columns)
    body = "".join("<tr>" + "".join(f"<td>{escape(_cell(v))}</td>" for v in row) + "</tr>"
                   for row in t.rows)
    return f"<h3>{escape(t.title)}</h3><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _cell(v) -> str:
    if v is None:
        return "n/a"
    return f"{v:,}" if isinstance(v, int) and not isinstance(v, bool) else str(v)


def _chart(chart, first: bool) -> str:
    import plotly.io as pio

    div = pio.to_html(chart.figure, full_html=False, include_plotlyjs=bool(first),
                      div_id=f"chart-{chart.key}", validate=False,
                      config={"displaylogo": False, "responsive": True})
    return f'<div class="chart" data-chart="{escape(chart.key)}">{div}</div>'


def _section(s: Section, first_chart: list[bool]) -> str:
    status = s.status.replace(" ", "-")
    parts = [f'<section id="{escape(s.key)}" class="section status-{status}">',
             f"<h2>{escape(s.title)}<span class=\"badge {status}\">{escape(s.status)}</span></h2>",
             f'<p class="intro">{escape(s.intro)}</p>']
    parts += [f"<p>{escape(p)}</p>" for p in s.paragraphs]
    for heading, items in s.lists.items():
        if items:
            parts.append(f"<h3>{escape(heading)}</h3><ul>"
                         + "".join(f"<li>{escape(i)}</li>" for i in items) + "</ul>")
    for chart in s.charts:
        parts.append(_chart(chart, first_chart[0]))
        first_chart[0] = False
    parts += [_table(t) for t in s.tables]
    if s.hf_section or s.mct_field:
        parts.append(f'<p class="mapping">Model card section: {escape(s.hf_section)} · Model Card '
                     f"Toolkit field: {escape(s.mct_field)}</p>")
    parts.append("</section>")
    return "\n".join(parts)


def render_html(report: Report) -> str:
    """The whole report as one HTML document (a str)."""
    first_chart = [True]
    nav = "".join(f'<li><a href="#{escape(s.key)}">{escape(s.title)}</a>'
                  + ("" if s.status == DONE else f" ({escape(s.status)})") + "</li>"
                  for s in report.sections)
    body = "\n".join(_section(s, first_chart) for s in report.sections)
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{escape(report.title)}</title><style>{CSS}</style></head><body>"
            f"<h1>{escape(report.title)}</h1>"
            f'<p class="meta">Run {escape(report.run_id)} · made by LayerLab on '
            f"{escape(report.generated_at)} · report schema {escape(report.schema_version)}</p>"
            f"<p>This report gathers what LayerLab knows about one trained model: its data, its "
            f"layers, its training, its test scores and every audit.</p>"
            f"<nav><ul>{nav}</ul></nav>\n{body}\n</body></html>\n")
