"""Evaluation commands: `evaluate` (metrics + diagnosis) and `check` (the checklist tools).

    python -m core evaluate RUN_ID [--json]
    python -m core check overfit RUN_ID [--json]
    python -m core check lr-finder RUN_ID [--apply] [--json]

Both read and write the same store as the app, so results show on the Evaluate page too.
With --json the last stdout line is one JSON object.
"""
from __future__ import annotations

import argparse
import sys

from core.cli import print_json

_CHECKS = {"overfit": "overfit_check", "lr-finder": "lr_finder"}


def register(sub) -> None:
    p = sub.add_parser("evaluate", help="test-set metrics and a plain-language diagnosis of a run")
    p.add_argument("run_id", metavar="RUN_ID", help="a run id (see `runs`)")
    p.add_argument("--json", action="store_true", help="print one JSON object as the last line")
    p.set_defaults(func=cmd_evaluate)

    p = sub.add_parser("check", help="debugging checklist: overfit a tiny batch, or the LR finder")
    p.add_argument("which", choices=list(_CHECKS), help="overfit: can it fit 32 examples? "
                   "lr-finder: Smith's learning-rate range test")
    p.add_argument("run_id", metavar="RUN_ID", help="the run whose model and settings to test")
    p.add_argument("--apply", action="store_true",
                   help="lr-finder: put the suggested learning rate into the app's training settings")
    p.add_argument("--json", action="store_true", help="print one JSON object as the last line")
    p.set_defaults(func=cmd_check)


def _number(value) -> str:
    return "n/a" if value is None else f"{value:.4f}"


def cmd_evaluate(args: argparse.Namespace) -> int:
    from core.audit.diagnose import diagnose_run
    from core.audit.evaluate import evaluate_run, linear_baseline
    from core.errors import LayerLabError
    from core.runs import open_store

    store = open_store()
    run = store.get_run(args.run_id)  # unknown id: a LayerLabError, exit 2
    if not run.checkpoint_path:
        raise LayerLabError(f"Run {run.id} has no checkpoint to evaluate (status: {run.status}). "
                            "Train it, or wait until it has finished at least one epoch.")
    ev = evaluate_run(store, run.id)
    findings = diagnose_run(store, run.id, ev)
    print(f"{run.id}: {run.name} ({run.status}, {run.task})")
    print("Test-set metrics:")
    for m in ev.metrics:
        print(f"  {m.name:<18} {_number(m.value):>8}  {m.meaning}")
    print(f"  {ev.baseline.name:<18} {_number(ev.baseline.value):>8}  {ev.baseline.meaning}")
    linear = linear_baseline(store, run)  # issue 12: the second number to beat
    print(f"  {'linear_' + linear['metric']:<18} {_number(linear['value']):>8}  "
          f"{linear['sentence'][0].upper()}{linear['sentence'][1:]}")
    print("Diagnosis:")
    if not findings:
        print("  No problems found: the curves, gradients and scores look healthy.")
    for f in findings:
        print(f"  [{f.severity}] {f.title} ({f.kind})\n      {f.evidence}\n      Try: {f.advice}")
    if args.json:
        print_json({"run_id": run.id, "status": run.status, "task": run.task,
                    "metrics": {m.name: {"value": m.value, "meaning": m.meaning} for m in ev.metrics},
                    "baseline": {"name": ev.baseline.name, "value": ev.baseline.value,
                                 "meaning": ev.baseline.meaning},
                    "linear_baseline": linear,
                    "per_class": ev.per_class, "confusion": ev.confusion, "classes": ev.classes,
                    "diagnosis": [f.as_dict() for f in findings]})
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from core.audit.checklist import CHECKS, apply_suggested_lr, run_check
    from core.runs import open_store

    store = open_store()
    which = _CHECKS[args.which]
    store.get_run(args.run_id)  # unknown id: exit 2 before any work
    print(f"{args.run_id}: {CHECKS[which]}", file=sys.stderr)

    def progress(fraction: float, message: str) -> None:
        if not sys.stderr.isatty():
            return  # a log file or a pipe: no carriage-return animation
        sys.stderr.write(f"\r{fraction:4.0%} {message}".ljust(70))
        sys.stderr.flush()

    result = run_check(store, args.run_id, which, on_progress=progress)
    if sys.stderr.isatty():
        sys.stderr.write("\n")
    applied = None
    if which == "overfit_check":
        print(("PASSED: " if result["passed"] else "FAILED: ") + result["verdict"])
    else:
        lr = result["suggested_lr"]
        print(("suggested learning rate: " + (f"{lr:.3g}" if lr else "none")) + "\n"
              + result["explanation"])
        if args.apply and lr:
            applied = apply_suggested_lr(result, store=store)
            print(f"The training settings now use learning rate {applied:.3g}.")
    if args.json:
        print_json({"run_id": args.run_id, "check": which, "result": result, "applied_lr": applied})
    return 0
