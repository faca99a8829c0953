"""The headless CLI: `python -m core COMMAND ...` (see `python -m core --help`).

Each command group lives in `core/cli/` and registers its sub-commands here. Every command
exits 0 on success and 2 with a one-paragraph message (no traceback) on bad input; with
`--json`, the last line printed is one JSON object.
"""
from __future__ import annotations

import argparse
import importlib
import logging
import sys

from core.errors import LayerLabError

# Command groups, each a module in core/cli with a `register(subparsers)` function.
_GROUPS = ("core.cli.data_cmds", "core.cli.spec_cmds", "core.cli.train_cmds",
           "core.cli.eval_cmds", "core.cli.audit_cmds", "core.cli.search_cmds",
           "core.cli.export_cmds", "core.cli.report_cmds", "core.cli.predict_cmds",
           "core.cli.compress_cmds")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m core", description="LayerLab, headless.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in _GROUPS:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:  # a real import error inside the module: surface it
                raise
            continue  # group not written yet
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except (LayerLabError, FileNotFoundError, PermissionError, IsADirectoryError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
