"""`python -m core audit stress RUN_ID [--attack NAME] [--eps 0,0.1,0.2] [--json]`.

Runs the stress test in this process (the same code the "stress" job runs), saves the result
with the run (so the Stress test page shows it), and prints one accuracy-vs-strength table per
attack or corruption, the summary, and the per-group attack success rates.
"""
from __future__ import annotations

import sys

from core.cli import print_json
from core.errors import LayerLabError

_NAMES = ("fgsm", "pgd_linf", "pgd_l2", "noise", "flip", "missing", "blur", "occlusion")


def register(kinds) -> None:
    p = kinds.add_parser("stress", help="adversarial attacks, noise and corruptions: "
                                        "accuracy vs strength, per-group success rates")
    p.add_argument("run_id", metavar="RUN_ID")
    p.add_argument("--attack", action="append", choices=_NAMES, metavar="NAME",
                   help=f"repeatable; one of {', '.join(_NAMES)} (default: all that fit the data)")
    p.add_argument("--eps", metavar="LIST", help="comma-separated strengths, e.g. 0,0.05,0.1,0.2")
    p.add_argument("--steps", type=int, default=10, help="PGD steps (default 10)")
    p.add_argument("--rows", type=int, default=1000, help="test rows to attack (default 1000)")
    p.add_argument("--lock", action="append", default=[], metavar="COLUMN",
                   help="a table column the attacks must not move (repeatable)")
    p.add_argument("--json", action="store_true", help="print one JSON object as the last line")
    p.set_defaults(func=cmd_stress)


def _settings(args):
    from pydantic import ValidationError

    from core.audit.stress import ATTACKS, StressSettings

    strengths = None
    if args.eps:
        try:
            strengths = [float(v) for v in args.eps.split(",") if v.strip()]
        except ValueError:
            raise LayerLabError(f"--eps {args.eps!r} is not a comma-separated list of numbers; "
                                "write for example --eps 0,0.05,0.1.") from None
    chosen = args.attack or []
    try:
        return StressSettings(
            attacks=[a for a in chosen if a in ATTACKS] if chosen else list(ATTACKS),
            corruptions=[c for c in chosen if c not in ATTACKS] if chosen else None,
            strengths=strengths, steps=args.steps, n_rows=args.rows, locked=args.lock)
    except ValidationError as exc:
        err = exc.errors()[0]
        raise LayerLabError(f"Bad setting {'.'.join(map(str, err['loc']))}: {err['msg']}.") from None


def cmd_stress(args) -> int:
    from core.audit.progress import Progress
    from core.audit.stress import AUDIT_KIND, stress_run
    from core.runs import open_store

    store = open_store()
    progress = Progress(store, args.run_id, AUDIT_KIND)
    result = stress_run(store, args.run_id, _settings(args), progress=_stderr_progress)
    progress.done(result)
    _print_tables(result)
    if args.json:
        print_json({"run_id": args.run_id, "metric": result["metric"], "clean": result["clean"],
                    "summary": result["summary"], "curves": result["curves"],
                    "groups": result["groups"], "n_rows": result["n_rows"],
                    "explanation": result["explanation"], "notes": result["notes"]})
    return 0


def _stderr_progress(fraction: float, message: str) -> None:
    print(f"\r{100 * fraction:5.1f} % {message}", end="", file=sys.stderr, flush=True)
    if fraction >= 1:
        print(file=sys.stderr)


def _fmt(value, metric: str) -> str:
    if value is None:
        return "-"
    return f"{100 * value:6.1f} %" if metric in ("accuracy", "success") else f"{value:8.4g}"


def _print_tables(r: dict) -> None:
    metric = r["metric"]
    label = "accuracy" if metric == "accuracy" else "MAE"
    changed = "flipped" if metric == "accuracy" else "moved by"
    print(f"Run {r['run_id']}: clean {label} {_fmt(r['clean'], metric).strip()} on "
          f"{r['n_rows']:,} test rows. {r['explanation']}")
    for c in r["curves"]:
        print(f"\n{c['title']} ({c['meaning']})")
        print(f"  {'strength':>9}  {label:>8}  {changed:>8}")
        for p in c["points"]:
            print(f"  {p['strength']:9.3g}  {_fmt(p['metric'], metric)}  "
                  f"{_fmt(p['changed'], 'success' if metric == 'accuracy' else metric)}")
    print(f"\n{r['summary']}")
    if r["groups"]:
        g0 = r["groups"][0]
        print(f"\nAttack success rate by group ({g0['attack']} at ε = {g0['strength']:g}: share "
              "of rows predicted right that the attack turns wrong)")
        print(f"  {'column':<12} {'group':<22} {'rows':>6}  {label:>8}  {'attacked':>8}  {'success':>8}")
        for g in r["groups"]:
            print(f"  {g['column'][:12]:<12} {str(g['group'])[:22]:<22} {g['n']:6d}  "
                  f"{_fmt(g['clean'], metric)}  {_fmt(g['attacked'], metric)}  "
                  f"{_fmt(g['success_rate'], 'success')}")
    for note in r["notes"]:
        print(note)
