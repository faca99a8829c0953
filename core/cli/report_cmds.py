"""`python -m core report RUN_ID --out report.html [--markdown card.md] [--json-out report.json]
[--intended-use TEXT] [--out-of-scope TEXT] [--run-missing] [--json]`.

Writes the run's report (core.report) as self-contained HTML, and optionally as a Markdown
model card and JSON. With --run-missing the audits not yet run are run here first, with a
progress line on stderr. With --json the last line printed is one JSON object.
"""
from __future__ import annotations

import sys
from pathlib import Path

from core.cli import print_json

WROTE = "Wrote {what}: {path}"


def register(sub) -> None:
    p = sub.add_parser("report", help="one report of a run (model card): HTML, Markdown, JSON")
    p.add_argument("run_id", metavar="RUN_ID")
    p.add_argument("--out", default="report.html", help="the HTML file to write (default report.html)")
    p.add_argument("--markdown", metavar="FILE", help="also write a Markdown model card")
    p.add_argument("--json-out", metavar="FILE", help="also write the report as JSON")
    p.add_argument("--intended-use", default="", metavar="TEXT",
                   help="who should use the model and for what (saved with the run)")
    p.add_argument("--out-of-scope", default="", metavar="TEXT",
                   help="what the model must not be used for (saved with the run)")
    p.add_argument("--run-missing", action="store_true", help="run the audits not yet run first")
    p.add_argument("--json", action="store_true", help="print one JSON object as the last line")
    p.set_defaults(func=cmd_report)


def _progress(fraction: float, message: str = "") -> None:
    print(f"\r{100 * fraction:5.1f} % {message[:60]:60s}", end="", file=sys.stderr, flush=True)


def cmd_report(args) -> int:
    from core.report import build_report, render_html, render_json, render_markdown
    from core.runs import open_store

    report = build_report(open_store(), args.run_id, intended_use=args.intended_use,
                          out_of_scope=args.out_of_scope, run_missing=args.run_missing,
                          progress=_progress if args.run_missing else None)
    if args.run_missing:
        print(file=sys.stderr)
    written = {"html": args.out}
    Path(args.out).write_text(render_html(report), encoding="utf-8")
    if args.markdown:
        Path(args.markdown).write_text(render_markdown(report), encoding="utf-8")
        written["markdown"] = args.markdown
    if args.json_out:
        Path(args.json_out).write_text(render_json(report), encoding="utf-8")
        written["json"] = args.json_out
    for what, path in written.items():
        print(WROTE.format(what=what, path=path))
    for name, state in report.audits.items():
        print(f"  {name:12s} {state}")
    if args.json:
        print_json({"run_id": report.run_id, "files": written, "audits": report.audits,
                    "schema_version": report.schema_version})
    return 0
