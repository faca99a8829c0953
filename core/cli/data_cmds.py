"""Data commands: `datasets` (the built-in catalogue) and `inspect` (what LayerLab makes of a CSV).

    python -m core datasets [--json]
    python -m core inspect people.csv --target income [--sensitive sex] [--json]
    python -m core inspect adult --json
"""
from __future__ import annotations

import argparse
from pathlib import Path

from core.cli import print_json
from core.errors import DataError, LayerLabError

_KINDS = ("numeric", "categorical", "boolean", "id", "date", "text")


def register(sub) -> None:
    p = sub.add_parser("datasets", help="list the built-in datasets")
    p.add_argument("--json", action="store_true", help="print one JSON object as the last line")
    p.set_defaults(func=cmd_datasets)

    p = sub.add_parser("inspect", help="show column kinds, task and preprocessing of a dataset")
    p.add_argument("file", metavar="FILE", help="a CSV file, or the name of a built-in dataset")
    p.add_argument("--target", help="the column to predict (default: the dataset's, or the last column)")
    p.add_argument("--task", choices=("binary", "multiclass", "regression"),
                   help="override the detected task")
    p.add_argument("--sensitive", action="append", default=None, metavar="COL",
                   help="a sensitive column (at most 2; repeat the option)")
    p.add_argument("--no-sensitive", action="store_true",
                   help="no sensitive columns (built-in sets otherwise use their defaults)")
    p.add_argument("--include-sensitive", action="store_true",
                   help="use the sensitive columns as model inputs too")
    p.add_argument("--kind", action="append", default=[], metavar="COL=KIND",
                   help=f"correct a column's kind ({', '.join(_KINDS)})")
    p.add_argument("--exclude", action="append", default=[], metavar="COL", help="leave a column out")
    p.add_argument("--seed", type=int, default=0, help="split seed (default 0)")
    p.add_argument("--json", action="store_true", help="print one JSON object as the last line")
    p.set_defaults(func=cmd_inspect)


def cmd_datasets(args: argparse.Namespace) -> int:
    from core.data import builtin_datasets

    infos = builtin_datasets()
    rows = [{"name": i.name, "title": i.title, "modality": i.modality, "task": i.task,
             "rows": i.rows, "description": i.description,
             "params": [p.name for p in i.params]} for i in infos]
    for r in rows:
        print(f"{r['name']:<20} {r['modality']:<9} {r['task']:<11} {r['rows']:>6,}  {r['description']}")
    if args.json:
        print_json({"datasets": rows})
    return 0


def _parse_kinds(items: list[str]) -> dict[str, str]:
    kinds = {}
    for item in items:
        col, sep, kind = item.rpartition("=")
        if not sep or not col or kind not in _KINDS:
            raise DataError(f"--kind takes COLUMN=KIND with KIND one of {', '.join(_KINDS)}; got '{item}'.")
        kinds[col] = kind
    return kinds


def _ref_from_args(args: argparse.Namespace):
    from core.data import builtin_datasets, check_sensitive_count, default_ref, ingest_csv

    sensitive = [] if args.no_sensitive else args.sensitive
    if sensitive:
        check_sensitive_count(sensitive)
    common = {"target": args.target, "task": args.task, "include_sensitive": args.include_sensitive,
              "kinds": _parse_kinds(args.kind), "exclude": args.exclude, "split_seed": args.seed}
    path = Path(args.file)
    if path.is_file():
        ref = ingest_csv(path.read_bytes(), path.name)
        return ref.model_copy(update={**common, "sensitive": sensitive or []})
    if args.file in {i.name for i in builtin_datasets()}:
        extra = {} if sensitive is None else {"sensitive": sensitive}
        ref = default_ref(args.file, **extra)
        return ref.model_copy(update={k: v for k, v in common.items() if k != "target" or v})
    raise DataError(f"'{args.file}' is neither a CSV file nor a built-in dataset. Give the path of a "
                    "CSV file, or a name from `python -m core datasets`.")


def _print_report(rep: dict) -> None:
    print(f"{rep['title']}: {rep['rows']:,} rows, target '{rep['target']}', task {rep['task']}, "
          f"{rep['modality']}")
    for note in rep["notes"]:
        print(f"  note: {note}")
    if rep["class_counts"]:
        total = sum(rep["class_counts"].values())
        counts = ", ".join(f"'{k}' {v:,} ({v / total:.0%})" for k, v in rep["class_counts"].items())
        print(f"Classes: {counts}")
    print("Columns:")
    width = max(len(c["name"]) for c in rep["columns"])
    for c in rep["columns"]:
        note = f"  {c['note']}" if c["note"] else ""
        print(f"  {c['name']:<{width}}  {c['kind']:<11} {c['role']:<17} missing {c['missing']:>6,}  "
              f"unique {c['unique']:>6,}{note}")
    print("Preprocessing:")
    for sentence in rep["preprocessing"]:
        print(f"  {sentence}")


def cmd_inspect(args: argparse.Namespace) -> int:
    from core.data import dataset_report, load, prepare

    try:
        bundle = load(_ref_from_args(args))
        rep = dataset_report(bundle, prepare(bundle))
    except LayerLabError as exc:
        if args.json:  # the --json contract holds on refusal too: the last line is the object
            print_json({"error": str(exc), "exit_code": 2})
        raise
    _print_report(rep)
    if args.json:
        print_json(rep)
    return 0
