"""`python -m core search`: a hyperparameter search, headless, in this process.

    python -m core search --preset walkthrough_mlp --dataset moons --trials 10 \
        [--timeout S] [--epochs N] [--param lr=1e-4:1e-1:log ...] [--objective accuracy] [--json]

Every trial is a run in the same store as the app's, so the search appears there too. One line
per trial goes to stderr; with --json the last stdout line is the study's result.
"""
from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from core.cli import print_json

NEED_DATASET = "Name the data to search on with --dataset (e.g. --dataset moons)."


def register(sub) -> None:
    p = sub.add_parser("search", help="search training settings with Optuna (each trial is a run)")
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--spec", metavar="SPEC.json", help="a model spec file exported from the app")
    src.add_argument("--preset", metavar="NAME", help="a preset model, e.g. walkthrough_mlp")
    src.add_argument("--from-run", metavar="RUN_ID", help="search around a finished run's settings")
    p.add_argument("--dataset", metavar="NAME_OR_CSV", help="a built-in dataset or a CSV file")
    p.add_argument("--target", help="the column to predict")
    p.add_argument("--config", metavar="CONFIG.json", help="the training settings trials start from")
    p.add_argument("--epochs", type=int, help="epochs of each trial")
    p.add_argument("--trials", type=int, help="how many settings to try (default 20)")
    p.add_argument("--timeout", type=float, metavar="S", help="stop starting trials after S seconds")
    p.add_argument("--param", action="append", default=[], metavar="NAME=RANGE",
                   help="a range to search, e.g. lr=1e-4:1e-1:log, units_1=16:256, "
                        "optimizer=adam,sgd_momentum (default: ranges around the current settings)")
    p.add_argument("--objective", choices=("val_loss", "accuracy", "r2", "fair_accuracy"))
    p.add_argument("--dp-bound", type=float, default=0.05,
                   help="for fair_accuracy: the largest demographic-parity difference allowed")
    p.add_argument("--pruner", choices=("median", "hyperband", "none"), default="median")
    p.add_argument("--parallel", type=int, default=1, metavar="N",
                   help="trials to train at the same time (default 1)")
    p.add_argument("--seed", type=int, default=0, help="the sampler's seed")
    p.add_argument("--json", action="store_true", help="print one JSON object as the last line")
    p.set_defaults(func=cmd_search)


def _base(args, store):
    """(dataset ref, spec, config) the trials start from."""
    from core.cli.train_cmds import _config, _dataset_ref
    from core.data import DatasetRef, prepared
    from core.errors import LayerLabError
    from core.search import study_def_from_run
    from core.spec import ModelSpec, get_preset, parse_spec
    from core.train import TrainConfig

    if args.from_run:
        base = study_def_from_run(store, args.from_run)  # FROM_FAILED_RUN for a failed run
        cfg = TrainConfig.model_validate(base.config)
        return (DatasetRef.model_validate(base.dataset), ModelSpec.model_validate(base.spec),
                cfg.model_copy(update={"epochs": args.epochs}) if args.epochs else cfg)
    if args.dataset is None:
        raise LayerLabError(NEED_DATASET)
    spec = get_preset(args.preset) if args.preset else parse_spec(Path(args.spec).read_bytes())
    ref = _dataset_ref(args.dataset, args.target)
    _bundle, data = prepared(ref)
    return ref, spec, _config(args.config, data.task, len(data.X_train), args.epochs, spec=spec)


def _definition(args, store):
    from core.search import DEFAULT_TRIALS, make_study_def, parse_param

    ref, spec, cfg = _base(args, store)
    space = [parse_param(t, spec) for t in args.param] or None
    trials = args.trials if args.trials is not None or args.timeout else DEFAULT_TRIALS
    return make_study_def(ref, spec, cfg, space=space, trials=trials, timeout_s=args.timeout,
                          objective=args.objective, dp_bound=args.dp_bound, pruner=args.pruner,
                          seed=args.seed, parallel=args.parallel)


def cmd_search(args: argparse.Namespace) -> int:
    from core.identity import cli_user
    from core.runs import open_store
    from core.search import (budget_warning, create_study, describe, require_best, run_study,
                             study_summary)

    for h in logging.getLogger().handlers:  # run logs go to the store; stderr shows the trials
        h.setLevel(logging.WARNING)
    store = open_store()
    definition = _definition(args, store)
    study_id = create_study(store, definition)
    budget = " and ".join(x for x in (f"{definition.trials} trials" if definition.trials else "",
                                       f"{definition.timeout_s:g} s" if definition.timeout_s else "") if x)
    print(f"{study_id}: searching {len(definition.space)} settings, {budget}, "
          f"{definition.config['epochs']} epochs each", file=sys.stderr)
    if warning := budget_warning(store, definition):
        print(warning, file=sys.stderr)
    run_study(store, study_id, on_trial=lambda line: print("  " + line, file=sys.stderr),
              user=cli_user())  # the trial runs are the OS user's, as `train` makes them
    summary = study_summary(store, study_id)
    best = require_best(summary)  # ALL_DIVERGED / NO_TRIAL_FINISHED: exit 2 with the reason
    for line in describe(summary):
        print(line)
    if args.json:
        print_json({"study_id": study_id, "best_run_id": best.run_id, "best_trial": best.number,
                    "objective": summary.objective, "best_value": best.value,
                    "best_params": best.params, "complete": summary.counts["complete"],
                    "pruned": summary.counts["pruned"], "failed": summary.counts["failed"]})
    return 0
