"""Training commands: `train` (headless, in this process), `runs` (the run list), `config`.

    python -m core train --preset walkthrough_mlp --dataset moons [--config cfg.json] [--json]
    python -m core train --spec my_model.json --dataset people.csv --target income
    python -m core runs [--json]
    python -m core config [--task binary]

`train` runs the same loop a worker runs and writes to the same store, so the run appears in
the app too. Progress goes to stderr; with --json the last stdout line is one JSON object.
"""
from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from core.cli import print_json


def register(sub) -> None:
    p = sub.add_parser("train", help="train a model headless (same loop and store as the app)")
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--spec", metavar="SPEC.json", help="a model spec file exported from the app")
    src.add_argument("--preset", metavar="NAME", help="a preset model, e.g. walkthrough_mlp")
    p.add_argument("--dataset", required=True, metavar="NAME_OR_CSV",
                   help="a built-in dataset name (see `datasets`) or a CSV file")
    p.add_argument("--target", help="the column to predict (default: the dataset's, or the last column)")
    p.add_argument("--config", metavar="CONFIG.json", help="training settings (see `config`)")
    p.add_argument("--epochs", type=int, help="override the number of epochs")
    p.add_argument("--name", help="a name for the run")
    p.add_argument("--json", action="store_true", help="print one JSON object as the last line")
    p.set_defaults(func=cmd_train)

    p = sub.add_parser("runs", help="list the runs in the store, newest first")
    p.add_argument("--limit", type=int, default=50)
    p.add_argument("--json", action="store_true", help="print one JSON object as the last line")
    p.set_defaults(func=cmd_runs)

    p = sub.add_parser("config", help="print the default training settings as JSON")
    p.add_argument("--task", choices=("binary", "multiclass", "regression"), default="binary")
    p.set_defaults(func=cmd_config)


def _dataset_ref(name_or_path: str, target: str | None):
    from core.data import default_ref, ingest_csv

    path = Path(name_or_path)
    if path.suffix.lower() in (".csv", ".gz", ".txt") or path.is_file():
        ref = ingest_csv(path.read_bytes(), path.name)  # FileNotFoundError: exit 2 with its text
        return ref.model_copy(update={"target": target}) if target else ref
    return default_ref(name_or_path, **({"target": target} if target else {}))


def _config(path: str | None, task: str, n_rows: int, epochs: int | None, spec=None):
    from pydantic import ValidationError

    from core.train import ConfigError, TrainConfig, default_config

    if path is None:
        cfg = default_config(task, n_rows, spec=spec)
    else:
        try:
            cfg = TrainConfig.model_validate_json(Path(path).read_text(encoding="utf-8"))
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(x) for x in first["loc"]) or "the file"
            raise ConfigError(f"The config file {path} is not valid: {where}: {first['msg']}. "
                              "Print a valid one with `python -m core config`.") from None
    return cfg.model_copy(update={"epochs": epochs}) if epochs else cfg


class _ProgressBar:
    """A one-line bar on stderr (a line per epoch when stderr is not a terminal)."""

    def __init__(self, stream=None, width: int = 24):
        self.stream = stream or sys.stderr
        self.width, self.tty = width, self.stream.isatty()
        self.last = ""

    def __call__(self, epoch, total, step, steps, eta, row=None) -> None:
        frac = ((epoch - 1) * steps + step) / max(1, total * steps)
        filled = int(frac * self.width)
        bar = "#" * filled + "." * (self.width - filled)
        text = f"epoch {epoch}/{total} [{bar}] {frac:4.0%}"
        if row is not None:
            metric = "" if row.val_metric is None else f" val metric {row.val_metric:.4f}"
            loss = "" if row.val_loss is None else f" val loss {row.val_loss:.4f}"
            text += loss + metric
            self.last = text
        elif eta is not None:
            text += f" eta {eta:4.0f}s"
        if self.tty:
            self.stream.write("\r" + text.ljust(78))
            if row is not None and epoch == total:
                self.stream.write("\n")
        elif row is not None:
            self.stream.write(text + "\n")
        self.stream.flush()


def cmd_train(args: argparse.Namespace) -> int:
    from core.runs import open_store
    from core.spec import get_preset, parse_spec
    from core.train import train_run
    from core.data import prepared
    from core.identity import cli_user
    from core.train import create_run

    for h in logging.getLogger().handlers:  # run logs go to the store; keep stderr for the bar
        h.setLevel(logging.WARNING)
    spec = (get_preset(args.preset) if args.preset
            else parse_spec(Path(args.spec).read_bytes()))
    ref = _dataset_ref(args.dataset, args.target)
    _bundle, data = prepared(ref)
    cfg = _config(args.config, data.task, len(data.X_train), args.epochs, spec=spec)
    store = open_store()
    run_id = create_run(store, ref, spec, cfg, args.name, owner=cli_user())
    print(f"{run_id}: training {spec.name} on {ref.name} ({data.task}), {cfg.epochs} epochs",
          file=sys.stderr)
    run = train_run(store, run_id, on_progress=_ProgressBar())
    epochs = store.epochs(run_id)
    last = epochs[-1] if epochs else None
    print(f"{run_id}: {run.status}" + (f" - {run.error}" if run.error else ""))
    if run.test_metrics:
        print("test: " + ", ".join(f"{k} {v:.4f}" for k, v in run.test_metrics.items()
                                   if isinstance(v, (int, float))))
    if args.json:
        print_json({"run_id": run_id, "status": run.status, "metric_name": run.metric_name,
                    "val_loss": last.val_loss if last else None,
                    "val_metric": last.val_metric if last else None,
                    "best_val_loss": run.best_val_loss, "best_val_metric": run.best_val_metric,
                    "test_metrics": run.test_metrics, "error": run.error, "advice": run.advice,
                    "checkpoint_path": run.checkpoint_path})
    return 0 if run.status == "finished" else 1


def cmd_runs(args: argparse.Namespace) -> int:
    from core.jobs import default_runner
    from core.runs import open_store
    from core.train import architecture_summary

    store = open_store()
    default_runner(store).reap()  # reading does not reap: notice dead workers before listing
    runs = store.list_runs(limit=args.limit)
    rows = []
    for r in runs:
        metric = r.test_metrics.get(r.metric_name or "") if r.test_metrics else None
        rows.append({"id": r.id, "name": r.name, "status": r.status, "task": r.task,
                     "architecture": architecture_summary(r.spec), "metric_name": r.metric_name,
                     "test_metric": metric, "best_val_metric": r.best_val_metric,
                     "epoch": r.epoch, "total_epochs": r.total_epochs,
                     "queue_position": r.queue_position, "owner": r.owner,
                     "private": r.private,
                     "created_at": r.created_at.isoformat() if r.created_at else None,
                     "duration_s": r.duration_s, "error": r.error})
    if not rows:
        print("No runs yet. Train one with `python -m core train --preset walkthrough_mlp "
              "--dataset moons`.")
    for row in rows:
        metric = "" if row["test_metric"] is None else f"{row['metric_name']} {row['test_metric']:.4f}"
        print(f"{row['id']:<10} {row['status']:<9} {metric:<18} {row['architecture']:<28} {row['name']}")
    if args.json:
        print_json({"runs": rows})
    return 0


def cmd_config(args: argparse.Namespace) -> int:
    from core.train import default_config

    print(default_config(args.task).model_dump_json(indent=2))
    return 0
