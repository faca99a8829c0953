"""Export command: a finished run's model as files that work without LayerLab.

    python -m core export RUN_ID --format onnx|pt2|safetensors|script|all --out DIR [--json]

The ONNX file is checked in onnxruntime against LayerLab's own predictions on the test rows
before it is written; the check's largest difference is printed and kept in manifest.json.
"""
from __future__ import annotations

import argparse

from core.cli import print_json


def register(sub) -> None:
    p = sub.add_parser("export", help="write a finished run as ONNX and/or safetensors + JSON")
    p.add_argument("run_id", metavar="RUN_ID", help="a finished run id (see `runs`)")
    p.add_argument("--format", default="all", metavar="FORMAT",
                   help="onnx (whole pipeline: raw columns in), pt2 (torch.export program of "
                        "the network), safetensors (weights + spec, config and preprocessing "
                        "JSON), script (reproduce.py: retrains the run from the CSV), a comma list, or all (default)")
    p.add_argument("--out", required=True, metavar="DIR", help="folder to write the files into")
    p.add_argument("--json", action="store_true", help="print one JSON object as the last line")
    p.set_defaults(func=cmd_export)


def cmd_export(args: argparse.Namespace) -> int:
    from core.export import export_run, parse_formats
    from core.runs import open_store

    formats = parse_formats(args.format)  # a bad format fails before any model is loaded
    manifest = export_run(open_store(), args.run_id, args.out, formats)
    print(f"{manifest['run_id']}: exported to {args.out}")
    onnx = manifest["formats"].get("onnx")
    if onnx:
        print(f"  model.onnx  {onnx['check_sentence']}")
    if manifest["formats"].get("pt2"):
        print(f"  model.pt2   largest difference from LayerLab "
              f"{manifest['formats']['pt2']['check']['max_abs_diff']:.1g} on the test rows")
    if manifest["formats"].get("safetensors"):
        print("  weights.safetensors, spec.json, config.json, preprocessing.json")
    if manifest["formats"].get("script"):
        print("  reproduce.py, data.csv: `python reproduce.py` retrains the run and prints its "
              "test metric")
    print("  README.md says how to load each file; manifest.json lists them.")
    if args.json:
        print_json({"run_id": manifest["run_id"], "out": str(args.out),
                    "formats": sorted(manifest["formats"]),
                    "check": onnx["check"] if onnx else None})
    return 0
