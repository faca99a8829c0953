"""Predict command: new rows of a CSV through a finished tabular run.

    python -m core predict RUN_ID new.csv [--out preds.csv] [--json]

Prints a short table (row, prediction, probability, top reason) and every held-back row with
its message. Exit 0 once the file was read (row problems are reported, not fatal); 2 with one
message for a file the run cannot use (a missing column, no rows, an unreadable encoding).
"""
from __future__ import annotations

import argparse
from pathlib import Path

from core.cli import print_json

SHOWN_ROWS = 20  # the terminal table; --out has every row


def register(sub) -> None:
    p = sub.add_parser("predict", help="predict the rows of a CSV with a finished tabular run")
    p.add_argument("run_id", metavar="RUN_ID", help="a finished run id (see `runs`)")
    p.add_argument("csv", metavar="CSV", help="new rows with the run's input columns (no target needed)")
    p.add_argument("--out", metavar="FILE", help="write the file's columns plus prediction, "
                   "probability, reason_1..3 and problem as CSV")
    p.add_argument("--json", action="store_true", help="print one JSON object as the last line")
    p.set_defaults(func=cmd_predict)


def _table(result) -> None:
    shown = result.rows[:SHOWN_ROWS]
    if shown:
        print(f"{'row':>5}  {'prediction':<16} {'probability':>11}  top reason")
    for r in shown:
        prob = "" if r["probability"] is None else f"{r['probability']:.2f}"
        pred = r["prediction"] if isinstance(r["prediction"], str) else f"{r['prediction']:.4g}"
        reason = r["reason_texts"][0] if r["reason_texts"] else ""
        print(f"{r['row']:>5}  {pred:<16} {prob:>11}  {reason}{'  (flagged)' if r['flags'] else ''}")
    if len(result.rows) > len(shown):
        print(f"  ... and {len(result.rows) - len(shown):,} more rows (use --out for all of them)")


def cmd_predict(args: argparse.Namespace) -> int:
    from core.predict import predict_csv
    from core.runs import open_store

    result = predict_csv(open_store(), args.run_id, Path(args.csv))
    c = result.counts
    print(f"{result.run_id}: predicted {c['predicted']:,} of {c['rows']:,} rows; "
          f"{c['held_back']:,} held back, {c['flagged']:,} flagged.")
    if result.task != "regression":
        print("probability: how sure the model is of its answer (0.5 = a coin toss between two).")
    _table(result)
    for note in result.notes:
        print(f"note: {note}")
    for rec in result.rows:
        for flag in rec["flags"]:
            print(f"flagged: {flag}")
    for problem in result.problems:
        print(f"held back: {problem['message']}")
    if args.out:
        Path(args.out).write_bytes(result.to_csv_bytes())
        print(f"wrote {args.out}: the file's columns plus prediction, probability, reason_1..3, problem")
    if args.json:
        print_json(result.to_dict())
    return 0
