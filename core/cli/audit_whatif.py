"""`python -m core audit whatif|counterfactual|errors RUN_ID ...`.

`--row` is a position in the run's test split; values are in the user's own columns. With
--json the last line is one JSON object holding the rows in those columns.
"""
from __future__ import annotations

from core.cli import print_json
from core.errors import LayerLabError

NEEDS_ROW = "Say which test row to flip with --row N (or ask for --by-group)."
BAD_SET = "--set takes COLUMN=VALUE (e.g. --set hours-per-week=45); got '{text}'."


def register(kinds) -> None:
    p = kinds.add_parser("whatif", help="change a test row's values and predict it again")
    p.add_argument("run_id", metavar="RUN_ID")
    p.add_argument("--row", type=int, required=True, help="position in the test split")
    p.add_argument("--set", action="append", default=[], metavar="COLUMN=VALUE",
                   help="a value to change (repeat for several)")
    p.add_argument("--json", action="store_true", help="end with one JSON object")
    p.set_defaults(func=_whatif)

    p = kinds.add_parser("counterfactual", help="the smallest changes that flip a test row's answer")
    p.add_argument("run_id", metavar="RUN_ID")
    p.add_argument("--row", type=int, default=None, help="position in the test split")
    p.add_argument("--count", type=int, default=3, help="how many counterfactuals (default 3)")
    p.add_argument("--lock", action="append", default=[], metavar="COLUMN",
                   help="a column that must not change (sensitive and age-like ones always are)")
    p.add_argument("--unlock", action="append", default=[], metavar="COLUMN",
                   help="allow an age-like column to change")
    p.add_argument("--target", default=None,
                   help="class to reach (multiclass), or LOW:HIGH for regression")
    p.add_argument("--by-group", action="store_true",
                   help="instead of one row: changes needed per sensitive group, over rejected rows")
    p.add_argument("--rows", type=int, default=50, help="rejected rows sampled with --by-group")
    p.add_argument("--json", action="store_true", help="end with one JSON object")
    p.set_defaults(func=_counterfactual)

    p = kinds.add_parser("errors", help="the kinds of test rows the model gets wrong most")
    p.add_argument("run_id", metavar="RUN_ID")
    p.add_argument("--depth", type=int, default=3, help="depth of the error tree (default 3)")
    p.add_argument("--json", action="store_true", help="end with one JSON object")
    p.set_defaults(func=_errors)


def _pairs(items: list[str]) -> dict[str, str]:
    out = {}
    for text in items:
        column, sep, value = text.partition("=")
        if not sep or not column:
            raise LayerLabError(BAD_SET.format(text=text))
        out[column] = value
    return out


def _whatif(args) -> int:
    from core.audit.whatif import whatif
    from core.runs import open_store

    result = whatif(open_store(), args.run_id, args.row, _pairs(args.set))
    for c in result["changes"]:
        print(f"  {c['column']:<22} {c['from']!s:>18} → {c['to']}")
    print(result["sentence"])
    if args.json:
        print_json(result)
    return 0


def _with_interval(mean: float, low: float | None, high: float | None) -> str:
    """'2.30 (1.90-2.70)', or '2.30 (one row: no interval)'."""
    return f"{mean:.2f} ({low:.2f}-{high:.2f})" if low is not None else f"{mean:.2f} (one row)"


def _by_group(args) -> int:
    from core.audit.whatif import counterfactuals_by_group
    from core.runs import open_store

    result = counterfactuals_by_group(open_store(), args.run_id, rows=args.rows)
    print(f"{result['column']:<16}{'rows':>6}{'flipped':>9}{'mean changes (95 % CI)':>26}"
          f"{'mean size (95 % CI)':>24}")
    for g in result["groups"]:
        changes = size = "-"
        if g["mean_changes"] is not None:
            changes = _with_interval(g["mean_changes"], g["ci_low"], g["ci_high"])
            size = _with_interval(g["mean_distance"], g["distance_ci_low"], g["distance_ci_high"])
        print(f"{g['group']:<16}{g['n']:>6}{g['n_flipped']:>9}{changes:>26}{size:>24}")
    print(result["sentence"])
    if args.json:
        print_json(result)
    return 0


def _counterfactual(args) -> int:
    from core.audit.whatif import counterfactuals
    from core.runs import open_store

    if args.by_group:
        return _by_group(args)
    if args.row is None:
        raise LayerLabError(NEEDS_ROW)

    result = counterfactuals(open_store(), args.run_id, args.row, count=args.count,
                             lock=args.lock, unlock=args.unlock, target=args.target)
    print(f"Row {args.row}: the model says {result['before']['label']}; goal: {result['goal']}.")
    print(f"Locked: {', '.join(result['locked']) or 'nothing'}.")
    for i, cf in enumerate(result["counterfactuals"], 1):
        print(f"{i}. {cf['sentence']}")
    if result["note"]:
        print(result["note"])
    if args.json:
        print_json(result)
    return 0


def _errors(args) -> int:
    from core.audit.errors import error_analysis
    from core.runs import open_store

    result = error_analysis(open_store(), args.run_id, max_depth=args.depth)
    unit = "error rate" if result["task"] != "regression" else "mean abs error"
    print(f"{'rows':>7} {unit:>15} {'share of errors':>16}  cohort")
    for c in result["cohorts"]:
        rate = (f"{c['error_rate'] * 100:.1f} %" if result["task"] != "regression"
                else f"{c['error_rate']:.4g}")
        print(f"{c['n']:>7} {rate:>15} {c['share_of_errors'] * 100:>14.1f} %  {c['condition']}")
    print(result["summary"])
    if args.json:
        print_json({k: v for k, v in result.items() if k != "nodes"})
    return 0
