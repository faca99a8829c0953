"""Sections about the run itself: details, intended use, data, architecture, training, reproducibility.

Each builder takes what `build_report` gathered and returns one `Section`.
"""
from __future__ import annotations

from core.report._format import figure_json, num, pct
from core.report._model import NOT_RUN, Chart, Section, Table

NO_INTENDED_USE = ("Not written yet: say who should use this model and for what, on the Report "
                   "page or with --intended-use.")
NO_OUT_OF_SCOPE = ("Not written yet: say what this model must not be used for, on the Report page "
                   "or with --out-of-scope.")


def layerlab_version() -> str:
    import tomllib
    from pathlib import Path

    try:
        pyproject = Path(__file__).resolve().parents[2] / "pyproject.toml"
        return str(tomllib.loads(pyproject.read_text())["project"]["version"])
    except (OSError, KeyError, ValueError):
        return "unknown"


def _when(dt) -> str:
    return dt.strftime("%Y-%m-%d %H:%M UTC") if dt else "n/a"


def model_details(run, dataset: dict) -> Section:
    versions = run.versions or {}
    rows = [["Name", run.name], ["Run id", run.id], ["Kind", run.kind],
            ["Dataset", dataset.get("title") or dataset.get("name")], ["Task", run.task],
            ["Created", _when(run.created_at)], ["Finished", _when(run.finished_at)],
            ["Device", run.device or "n/a"], ["LayerLab version", layerlab_version()],
            ["PyTorch version", versions.get("torch", "n/a")]]
    if run.parent_id:
        rows.append(["Made from run", run.parent_id])
    return Section("model_details", "Model details",
                   "Which model this is, on which data, and when and with what it was made.",
                   hf_section="Model Details", mct_field="model_details",
                   tables=[Table("Model", ["field", "value"], rows)],
                   data={"name": run.name, "run_id": run.id, "task": run.task,
                         "dataset": dataset.get("name"), "versions": versions,
                         "layerlab_version": layerlab_version()})


def intended_use(card) -> Section:
    paragraphs = [f"Intended use: {card.intended_use or NO_INTENDED_USE}",
                  f"Out of scope: {card.out_of_scope or NO_OUT_OF_SCOPE}"]
    return Section("intended_use", "Intended use and out-of-scope uses",
                   "What the model's owner says it is for, and what it must not be used for.",
                   hf_section="Uses", mct_field="considerations.use_cases / out_of_scope_uses",
                   paragraphs=paragraphs,
                   data={"intended_use": card.intended_use, "out_of_scope": card.out_of_scope})


def training_data(dataset: dict) -> Section:
    split = dataset.get("split", {})
    paragraphs = [dataset.get("description") or ""]
    paragraphs.append(f"{dataset['rows']:,} rows; the target is '{dataset['target']}'; "
                      f"{split.get('train', 0):,} rows train the model, {split.get('val', 0):,} "
                      f"pick the best epoch and {split.get('test', 0):,} are kept for the test.")
    if dataset.get("sensitive"):
        paragraphs.append("Sensitive columns (compared in the fairness audit): "
                          + ", ".join(dataset["sensitive"]) + ".")
    cols = Table("Columns", ["column", "kind", "role", "missing", "distinct values"],
                 [[c["name"], c["kind"], c["role"], c["missing"], c["unique"]]
                  for c in dataset["columns"]])
    tables = [cols]
    if dataset.get("class_counts"):
        tables.append(Table("Rows per class", ["class", "rows"],
                            [[k, v] for k, v in dataset["class_counts"].items()]))
    return Section("training_data", "Training data and preprocessing",
                   "What the model learned from and how the raw columns became model inputs.",
                   hf_section="Training Details: Training Data / Preprocessing",
                   mct_field="model_parameters.data",
                   paragraphs=[p for p in paragraphs if p], lists={"Preprocessing": list(dataset["preprocessing"])},
                   tables=tables,
                   data={k: dataset.get(k) for k in ("name", "rows", "target", "sensitive",
                                                     "split", "n_inputs", "content_hash",
                                                     "class_counts", "preprocessing")})


def architecture(run, data) -> Section:
    from core.spec import ModelSpec, plan

    spec = ModelSpec.model_validate(run.spec)
    report, _ = plan(spec, tuple(data.input_shape), data.task, data.n_outputs)
    rows = [[r.label, " × ".join(str(d) for d in r.output_shape) if r.output_shape else "n/a",
             r.params] for r in report.rows]
    return Section("architecture", "Architecture",
                   "The layers of the network, the shape each one outputs and how many weights it learns.",
                   hf_section="Technical Specifications: Model Architecture",
                   mct_field="model_parameters.model_architecture",
                   paragraphs=[f"{len(spec.layers)} hidden layers and an output head; "
                               f"{report.total_params:,} parameters, {report.trainable_params:,} "
                               f"of them trained."],
                   tables=[Table("Layers", ["layer", "output shape (per example)", "parameters"], rows)],
                   data={"total_params": report.total_params,
                         "trainable_params": report.trainable_params, "spec": run.spec})


def _short_rows(epochs, limit: int = 10) -> list:
    if len(epochs) <= limit:
        return list(epochs)
    step = (len(epochs) - 1) / (limit - 1)
    return [epochs[round(i * step)] for i in range(limit)]


def training(run, epochs) -> Section:
    from core.plots.training import loss_curves, metric_curve

    metric = run.metric_name or ("r2" if run.task == "regression" else "accuracy")
    if not epochs:
        return Section("training", "Training curves", "How the loss and the score moved while training.",
                       hf_section="Training Details", mct_field="quantitative_analysis.graphics",
                       status=NOT_RUN, todo="This run recorded no epochs; train it on the Train page.")
    fmt = pct if metric == "accuracy" else num
    table = Table("Per epoch (a sample of at most 10)",
                  ["epoch", "training loss", "validation loss", f"training {metric}",
                   f"validation {metric}"],
                  [[e.epoch, num(e.train_loss), num(e.val_loss), fmt(e.train_metric),
                    fmt(e.val_metric)] for e in _short_rows(epochs)])
    config = run.config or {}
    settings = ", ".join(f"{k} {config[k]}" for k in ("optimizer", "lr", "batch_size", "epochs")
                         if k in config)
    return Section("training", "Training curves",
                   "How the loss and the score moved, epoch by epoch, on the training and validation rows.",
                   hf_section="Training Details: Training Procedure",
                   mct_field="quantitative_analysis.graphics",
                   paragraphs=[f"Trained for {len(epochs) - 1} epochs ({settings}). Epoch 0 is "
                               "measured before any training step."],
                   charts=[Chart("training_loss", "Loss", figure_json(loss_curves(epochs)), table),
                           Chart("training_metric", metric, figure_json(metric_curve(epochs, metric)))],
                   data={"epochs": len(epochs) - 1, "final_val_loss": epochs[-1].val_loss,
                         "final_val_metric": epochs[-1].val_metric, "config": config})


def reproducibility(run, dataset: dict) -> Section:
    versions = dict(run.versions or {})
    rows = [["Seed", run.seed], ["Data hash (SHA-256 of the dataset's content)", run.dataset_hash],
            ["Device", run.device or "n/a"], ["LayerLab", layerlab_version()]]
    rows += [[name, v] for name, v in sorted(versions.items())]
    return Section("reproducibility", "Reproducibility",
                   "What it takes to train the same model again: the seed, the data's fingerprint "
                   "and the library versions.",
                   hf_section="Technical Specifications: Compute Infrastructure / Software",
                   mct_field="model_details.version / model_parameters",
                   paragraphs=[f"Train again with seed {run.seed} on data whose hash is "
                               f"{run.dataset_hash[:12]}… and the settings below to get the same model."],
                   tables=[Table("Record", ["what", "value"], rows)],
                   data={"seed": run.seed, "dataset_hash": run.dataset_hash, "versions": versions,
                         "dataset_ref": run.dataset, "config": run.config})
