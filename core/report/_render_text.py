"""The report as a Markdown model card (charts become short tables) and as JSON."""
from __future__ import annotations

import json
import math
import re

from core.report._model import DONE, Report, Section, Table

# Characters Markdown (and the HTML it may contain) gives a meaning to.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]()#!|~])")


def md_escape(text) -> str:
    """User or data text made inert in Markdown: no links, emphasis, raw HTML or table breaks."""
    text = str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", text).replace("\n", " ")


def _cell(v) -> str:
    if v is None:
        return "n/a"
    return md_escape(f"{v:,}" if isinstance(v, int) and not isinstance(v, bool) else v)


def _table(t: Table) -> list[str]:
    lines = [f"**{md_escape(t.title)}**", "", "| " + " | ".join(md_escape(c) for c in t.columns) + " |",
             "|" + "---|" * len(t.columns)]
    lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in t.rows]
    return lines + [""]


def _section(s: Section) -> list[str]:
    status = "" if s.status == DONE else f" ({s.status})"
    lines = [f"## {md_escape(s.title)}{status}", "", f"_{md_escape(s.intro)}_", ""]
    for p in s.paragraphs:
        lines += [md_escape(p), ""]
    for heading, items in s.lists.items():
        if items:
            lines += [f"**{md_escape(heading)}**", ""] + [f"- {md_escape(i)}" for i in items] + [""]
    for chart in s.charts:
        if chart.table is not None:
            lines += _table(chart.table)
    for t in s.tables:
        lines += _table(t)
    if s.hf_section:
        lines += [f"<!-- HF model card: {md_escape(s.hf_section)}; Model Card Toolkit: "
                  f"{md_escape(s.mct_field)} -->", ""]
    return lines


def render_markdown(report: Report) -> str:
    details = report.section("model_details").data
    front = ["---", "library_name: pytorch", f"datasets: [{json.dumps(str(details['dataset']))}]",
             f"tags: [layerlab, {json.dumps(details['task'])}]", "---", ""]
    lines = front + [f"# {md_escape(report.title)}", "",
                     f"Run {md_escape(report.run_id)} · made by LayerLab on "
                     f"{md_escape(report.generated_at)} · report schema {report.schema_version}", ""]
    for s in report.sections:
        lines += _section(s)
    return "\n".join(lines).rstrip() + "\n"


def _plain(x):
    if isinstance(x, float) and not math.isfinite(x):
        return None
    if isinstance(x, dict):
        return {str(k): _plain(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_plain(v) for v in x]
    return x


def render_json(report: Report, *, indent: int | None = 1) -> str:
    """The structure itself (with its schema_version), NaN written as null."""
    return json.dumps(_plain(report.as_dict()), indent=indent, ensure_ascii=False, default=str)
