"""Compress command: a finished network made smaller, as a new run linked to its parent.

    python -m core compress RUN_ID --prune 0.3 [--finetune-epochs N] [--json]
    python -m core compress RUN_ID --quantize [--json]
"""
from __future__ import annotations

import argparse

from core.cli import print_json
from core.errors import LayerLabError

CHOOSE_ONE = "Choose what to do: --prune FRACTION (for example 0.3) or --quantize."


def register(sub) -> None:
    p = sub.add_parser("compress", help="prune units (and fine-tune) or quantize to int8 ONNX")
    p.add_argument("run_id", metavar="RUN_ID", help="a finished run id (see `runs`)")
    what = p.add_mutually_exclusive_group()
    what.add_argument("--prune", type=float, metavar="FRACTION",
                      help="share of the units of each Dense/Conv2D layer to remove (0 < f <= 0.9)")
    what.add_argument("--quantize", action="store_true",
                      help="store the exported ONNX file's weights as int8 and measure both")
    p.add_argument("--finetune-epochs", type=int, default=None, metavar="N",
                   help="epochs of fine-tuning after pruning (default 3)")
    p.add_argument("--json", action="store_true", help="print one JSON object as the last line")
    p.set_defaults(func=cmd_compress)


def cmd_compress(args: argparse.Namespace) -> int:
    from core.compress import (FINETUNE_EPOCHS, check_fraction, prune_run, prune_sentences,
                               quantize_run)
    from core.identity import cli_user
    from core.runs import open_store

    if args.prune is None and not args.quantize:
        raise LayerLabError(CHOOSE_ONE)
    store = open_store()
    if args.quantize:
        result = quantize_run(store, args.run_id, user=cli_user())
        sentences = result["sentences"]
    else:
        fraction = check_fraction(args.prune)  # a bad fraction fails before any model is loaded
        epochs = FINETUNE_EPOCHS if args.finetune_epochs is None else args.finetune_epochs
        result = prune_run(store, args.run_id, fraction, epochs, user=cli_user())
        sentences = prune_sentences(result)
    print(f"{result['parent_id']} → {result['child_id']}")
    for line in sentences:
        print(f"  {line}")
    if args.json:
        print_json({k: v for k, v in result.items() if k != "sentences"})
    return 0
