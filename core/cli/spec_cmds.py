"""`python -m core presets [NAME]` and `python -m core validate SPEC.json --dataset NAME_OR_CSV`."""
from __future__ import annotations

import argparse
from pathlib import Path

from core.cli import print_json
from core.errors import DataError, SpecError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("presets", help="list the preset models, or print one preset's spec JSON")
    p.add_argument("name", nargs="?", help="a preset name (see the list)")
    p.add_argument("--json", action="store_true", help="print one JSON object as the last line")
    p.set_defaults(func=cmd_presets)

    v = sub.add_parser("validate", help="check a spec file against a dataset: shapes, parameters, "
                                        "memory and problems")
    v.add_argument("spec", help="a spec JSON file (exported from the Build page or a preset)")
    v.add_argument("--dataset", required=True,
                   help="a built-in dataset name (adult, digits, waves, ...) or a CSV file path")
    v.add_argument("--target", help="the column to predict (default: the dataset's own)")
    v.add_argument("--json", action="store_true", help="print the report as one JSON object")
    v.set_defaults(func=cmd_validate)


def cmd_presets(args: argparse.Namespace) -> int:
    from core.spec import export_spec, get_preset, presets

    if args.name:
        spec = get_preset(args.name)
        if args.json:
            print_json(spec.model_dump(mode="json"))
        else:
            print(export_spec(spec))
        return 0
    items = presets()
    if args.json:
        print_json({"presets": [{"name": p.name, "title": p.title, "description": p.description,
                                 "recommended": p.recommended,
                                 "modality": p.modality, "spec": p.spec.model_dump(mode="json")}
                                for p in items]})
        return 0
    width = max(len(p.name) for p in items)
    for p in items:
        print(f"{p.name:<{width}}  {p.modality:<8}  {p.title}")
    print("\nShow one with: python -m core presets NAME")
    return 0


def _dataset_ref(name_or_csv: str, target: str | None):
    """A CSV path (stored in LayerLab's uploads, as the Data page does) or a built-in name."""
    from core.data import builtin_datasets, default_ref, ingest_csv

    path = Path(name_or_csv)
    if path.is_file():
        ref = ingest_csv(path.read_bytes(), path.name)
        return ref.model_copy(update={"target": target}) if target else ref
    if name_or_csv in {info.name for info in builtin_datasets()}:
        return default_ref(name_or_csv, **({"target": target} if target else {}))
    raise DataError(f"'{name_or_csv}' is neither a CSV file nor a built-in dataset. Give the path "
                    "of a CSV file, or a name from `python -m core datasets`.")


def cmd_validate(args: argparse.Namespace) -> int:
    from core.data import load, prepare
    from core.spec import analyse, parse_spec

    spec = parse_spec(Path(args.spec).read_bytes())
    prepared = prepare(load(_dataset_ref(args.dataset, args.target)))
    report = analyse(spec, prepared.input_shape, prepared.task, prepared.n_outputs)
    if args.json:
        print_json({"spec": spec.name, "dataset": args.dataset, "task": prepared.task,
                    **report.to_dict()})
    else:
        _print_report(report, spec.name, prepared.task)
    if not report.ok:
        raise SpecError("\n".join(report.errors))
    return 0


def _print_report(report, name: str, task: str) -> None:
    from core.spec import human_bytes

    print(f"{name} ({task})")
    rows = []
    for row in report.rows:
        indent = "  " * max(len(row.path) - 1, 0)
        number = ".".join(map(str, row.path))
        shape = "-" if row.output_shape is None else str(tuple(row.output_shape))
        params = "-" if row.params is None else f"{row.params:,}"
        rows.append((number, indent + row.label, shape, params, "  <- problem" if row.error else ""))
    widths = [max(len(r[i]) for r in rows + [("#", "Layer", "Output shape", "Params", "")])
              for i in range(4)]
    print(f"{'#':<{widths[0]}}  {'Layer':<{widths[1]}}  {'Output shape':<{widths[2]}}  "
          f"{'Params':>{widths[3]}}")
    for number, label, shape, params, note in rows:
        print(f"{number:<{widths[0]}}  {label:<{widths[1]}}  {shape:<{widths[2]}}  "
              f"{params:>{widths[3]}}{note}")
    print(f"Total parameters: {report.total_params:,} "
          f"(trainable {report.trainable_params:,})")
    print(f"Estimated training memory: {human_bytes(report.memory_bytes)} (batch of 256)")
    for warning in report.warnings:
        print(f"warning: {warning}")
    if report.ok:
        print("OK: this model can be trained on this data.")
    else:
        count = len(report.errors)
        print(f"{count} problem{'s' if count > 1 else ''} to fix (listed below).")
