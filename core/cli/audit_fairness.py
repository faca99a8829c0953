"""`python -m core audit fairness RUN_ID [--sensitive COL] [--mitigate METHOD] [--json]`.

Prints the summary, the group table and the disparity metrics of a run's test split; with
--mitigate it trains the mitigated run in this process (same code as the app's job) and prints
the before/after table. With --json the last line is one JSON object.
"""
from __future__ import annotations

import sys

from core.cli import print_json

_METHODS = ("threshold_optimizer", "reweighing", "correlation_remover", "exponentiated_gradient",
            "grid_search")
_CONSTRAINTS = ("demographic_parity", "equalized_odds", "true_positive_rate_parity")


def register(kinds) -> None:
    p = kinds.add_parser("fairness", help="group metrics, disparities and mitigation of a run")
    p.add_argument("run_id", metavar="RUN_ID")
    p.add_argument("--sensitive", metavar="COL",
                   help="one of the run's sensitive columns (default: all, intersectional)")
    p.add_argument("--mitigate", choices=_METHODS, metavar="METHOD",
                   help=f"train a mitigated run: {', '.join(_METHODS)}")
    p.add_argument("--constraint", choices=_CONSTRAINTS, default="demographic_parity")
    p.add_argument("--positive", type=int, metavar="CLASS_NUMBER",
                   help="multiclass: the class compared one-vs-rest (default: the last)")
    p.add_argument("--n-boot", type=int, default=50, help="bootstrap draws for the intervals (0: none)")
    p.add_argument("--json", action="store_true", help="print one JSON object as the last line")
    p.set_defaults(func=cmd_fairness)


def _fmt(x) -> str:
    return "-" if x is None else f"{x:.3f}" if isinstance(x, float) else str(x)


def _print_report(rep: dict) -> None:
    print(f"Fairness of {rep['run_id']} ({rep['run_name']}) by {' × '.join(rep['sensitive'])}, "
          f"test split ({rep['n']} rows)")
    for sentence in rep["summary"]:
        print(f"  {sentence}")
    if rep.get("note"):
        print(f"  {rep['note']}")
    metrics = list(rep["groups"]["metrics"])
    print("\n" + "  ".join(["group".ljust(24)] + [m[:20].rjust(20) for m in metrics]))
    for row in rep["groups"]["rows"]:
        flag = " (small)" if row["small"] else ""
        print("  ".join([(row["group"] + flag)[:24].ljust(24)] +
                        [_fmt(row.get(m)).rjust(20) for m in metrics]))
    for name, value in rep["disparities"].items():
        print(f"{name:32s} {_fmt(value)}")


def _print_comparison(rows: list[dict]) -> None:
    keys = ("accuracy", "demographic_parity_difference", "equalized_odds_difference")
    print("\nBefore / after (test split)")
    print("  ".join(["run".ljust(10), "method".ljust(24)] + [k[:28].rjust(28) for k in keys] +
                    ["seconds".rjust(8)]))
    for r in rows:
        print("  ".join([r["run_id"].ljust(10), r["method"].ljust(24)] +
                        [_fmt(r[k]).rjust(28) for k in keys] + [_fmt(r["seconds"]).rjust(8)]))


def cmd_fairness(args) -> int:
    from core.audit.fairness import audit_run, compare_runs, mitigate_run
    from core.identity import cli_user
    from core.runs import open_store

    store = open_store()
    rep = audit_run(store, args.run_id, args.sensitive, n_boot=args.n_boot or None,
                    positive=args.positive)
    _print_report(rep)
    out = {"run_id": args.run_id, "report": rep}
    if args.mitigate:
        def progress(fraction: float, message: str = "") -> None:
            print(f"\r{100 * fraction:5.1f} % {message[:60]:60s}", end="", file=sys.stderr)

        child = mitigate_run(store, args.run_id, args.mitigate, sensitive=args.sensitive,
                             constraint=args.constraint, progress=progress, user=cli_user())
        print(file=sys.stderr)
        rows = compare_runs(store, args.run_id, args.sensitive, child_ids=[child])
        _print_comparison(rows)
        out.update(mitigated_run_id=child, comparison=rows,
                   mitigated_report=audit_run(store, child, args.sensitive, n_boot=None))
    if args.json:
        print_json(out)
    return 0
