"""The Train page's form: what will be trained (dataset + model) and how (TrainConfig).

Widgets are generated from TrainConfig's fields, so bounds, choices and help text (the
fields' one-sentence descriptions) cannot drift from the model the backend validates.
The essentials are visible; everything else sits in an "Advanced" expander.
"""
from __future__ import annotations

import math
from typing import Any, Literal, get_args, get_origin

import streamlit as st

ESSENTIALS = ("optimizer", "lr", "epochs", "batch_size")
LABELS = {
    "optimizer": "Optimizer", "lr": "Learning rate", "momentum": "Momentum",
    "nesterov": "Nesterov momentum", "schedule": "Learning-rate schedule",
    "step_size": "Epochs between drops", "gamma": "Drop factor", "batch_size": "Batch size",
    "epochs": "Epochs", "l1": "L1 penalty", "l2": "L2 penalty (weight decay)",
    "grad_clip": "Gradient clipping (max norm)", "early_stopping": "Early stopping",
    "patience": "Patience (epochs)", "init": "Weight initialisation",
    "class_weights": "Class weights", "loss": "Loss", "seed": "Random seed", "device": "Device",
}
CHOICE_LABELS = {
    "sgd": "SGD", "sgd_momentum": "SGD with momentum", "adam": "Adam", "adamw": "AdamW",
    "rmsprop": "RMSprop", "adagrad": "Adagrad", "constant": "constant", "step": "step down",
    "cosine": "cosine decay", "one_cycle": "one cycle (warm up, then down)",
    "reduce_on_plateau": "lower when validation stalls", "default": "PyTorch default",
    "kaiming": "Kaiming (He)", "xavier": "Xavier (Glorot)", "none": "equal",
    "balanced": "balanced", "auto": "automatic", "cross_entropy": "cross-entropy",
    "bce_with_logits": "binary cross-entropy", "mse": "mean squared error (MSE)",
    "mae": "mean absolute error (MAE)", "huber": "Huber", "cpu": "CPU", "cuda": "GPU (CUDA)",
}
# A log grid is friendlier than typing 0.0003; the saved value is added if it is off the grid.
LR_GRID = [1e-5, 3e-5, 1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 0.1, 0.3, 1.0]
# Which settings matter only together with another one (shown greyed out otherwise).
_NEEDS = {
    "momentum": lambda v: v.get("optimizer") in ("sgd_momentum", "rmsprop"),
    "nesterov": lambda v: v.get("optimizer") == "sgd_momentum",
    "step_size": lambda v: v.get("schedule") == "step",
    "gamma": lambda v: v.get("schedule") in ("step", "reduce_on_plateau"),
    "patience": lambda v: bool(v.get("early_stopping")),
}


@st.cache_data(show_spinner="Reading the dataset and checking the model…", max_entries=16)
def workspace_summary(ref_json: str, spec_json: str | None) -> dict:
    """Title, task, rows, architecture and parameter count of the workspace's data + model."""
    from core.data import load, prepare
    from core.data import DatasetRef
    from core.spec import ModelSpec, analyse, default_preset_for, get_preset
    from core.train import architecture_summary

    bundle = load(DatasetRef.model_validate_json(ref_json))
    spec = (ModelSpec.model_validate_json(spec_json) if spec_json
            else get_preset(default_preset_for(bundle.modality)))
    prepared = prepare(bundle)
    report = analyse(spec, prepared.input_shape, prepared.task, prepared.n_outputs)
    return {"title": bundle.title or bundle.ref.name, "task": prepared.task,
            "rows": len(bundle.frame), "n_train": len(prepared.y_train),
            "spec": spec.model_dump(mode="json"), "spec_name": spec.name,
            "arch": architecture_summary(spec.model_dump(mode="json")),
            "params": report.total_params, "errors": list(report.errors)}


def _bounds(field: Any) -> tuple[float | None, float | None]:
    lo = hi = None
    for m in field.metadata:
        lo = getattr(m, "ge", getattr(m, "gt", lo))
        hi = getattr(m, "le", getattr(m, "lt", hi))
    return lo, hi


def _widget(name: str, field: Any, value: Any, *, options: list | None = None,
            disabled: bool = False) -> Any:
    common = dict(key=f"cfg_{name}", help=field.description, disabled=disabled)
    label = LABELS.get(name, name)
    if get_origin(field.annotation) is Literal:
        opts = options or list(get_args(field.annotation))
        return st.selectbox(label, opts, index=opts.index(value) if value in opts else 0,
                            format_func=lambda o: CHOICE_LABELS.get(o, o), **common)
    if field.annotation is bool:
        return st.checkbox(label, value=bool(value), **common)
    lo, hi = _bounds(field)
    if name == "lr":
        grid = sorted({*[g for g in LR_GRID if (hi is None or g <= hi)], float(value)})
        return st.select_slider(label, grid, value=float(value), format_func=lambda g: f"{g:g}",
                                **common)
    if field.annotation is int:
        return int(st.number_input(label, min_value=int(lo) if lo is not None else None,
                                   max_value=int(hi) if hi is not None else None,
                                   value=int(value), step=1, **common))
    step = 0.05 if hi is not None and hi <= 1 else 1.0
    return float(st.number_input(label, min_value=float(lo) if lo is not None else None,
                                 max_value=float(hi) if hi is not None else None,
                                 value=float(value), step=step, format="%g", **common))


def initial_config(task: str, n_rows: int, saved: dict | None, spec: dict | None = None):
    """The saved choices when they still fit the task, else defaults for this data and model."""
    from core.train import TrainConfig, allowed_losses, default_config

    if saved:
        try:
            cfg = TrainConfig.model_validate(saved)
            if cfg.loss not in allowed_losses(task):
                cfg = cfg.model_copy(update={"loss": "auto"})
            return cfg
        except ValueError:
            pass  # an old or hand-edited draft: fall back to defaults rather than fail
    return default_config(task, n_rows=n_rows, spec=spec)


def defaults_explained(task: str, n_train: int, spec: dict | None, cfg) -> None:
    """Say in plain words why the default batch, epochs and learning rate are what they are."""
    from core.train.defaults import data_aware_defaults, model_kind

    rec = data_aware_defaults(task, n_train, model_kind(spec) if spec else "dense")
    changed = [LABELS[k].lower() for k, v in rec.settings.items()
               if k in LABELS and getattr(cfg, k, v) != v]
    with st.expander("Why these settings", icon=":material/lightbulb:"):
        st.markdown("\n".join(f"- {reason}" for reason in rec.reasons))
        if changed:
            st.caption(f"You changed: {', '.join(changed)}. The sentences above describe the "
                       "recommended values; yours are used.")


def config_form(task: str, base) -> Any:
    """Render the settings; returns a valid TrainConfig, or None (error shown) if invalid."""
    from pydantic import ValidationError

    from core.train import TrainConfig, allowed_losses

    fields, current = TrainConfig.model_fields, base.model_dump()
    values: dict[str, Any] = {}
    values["optimizer"] = _widget("optimizer", fields["optimizer"], current["optimizer"])
    values["lr"] = _widget("lr", fields["lr"], current["lr"])  # full width: a slider needs room
    left, right = st.columns(2)
    with left:
        values["epochs"] = _widget("epochs", fields["epochs"], current["epochs"])
    with right:
        values["batch_size"] = _widget("batch_size", fields["batch_size"], current["batch_size"])
    with st.expander("Advanced settings"):
        st.caption("The defaults work well for most models; hover over ⓘ for what each one does.")
        cols = st.columns(2)
        rest = [n for n in fields if n not in ESSENTIALS
                and not (n == "class_weights" and task == "regression")]
        for i, name in enumerate(rest):
            opts = allowed_losses(task) if name == "loss" else None
            needs = _NEEDS.get(name)
            with cols[i % 2]:
                values[name] = _widget(name, fields[name], current[name], options=opts,
                                       disabled=bool(needs and not needs({**current, **values})))
    for name, needs in _NEEDS.items():  # a greyed-out setting keeps its valid default
        if not needs(values) and name == "nesterov":
            values[name] = False
    try:
        return TrainConfig(**values)
    except ValidationError as exc:
        st.error("These settings do not work together: "
                 + "; ".join(e["msg"].removeprefix("Value error, ") for e in exc.errors()))
        return None


def lr_is_extreme(lr: float) -> str | None:
    """A plain warning for learning rates that usually fail, or None."""
    if lr >= 0.3:
        return "A learning rate this large often makes the loss blow up; 0.001 is a safe start."
    if lr <= 3e-5 and not math.isclose(lr, 0):
        return "A learning rate this small learns very slowly; try 0.001 first."
    return None
