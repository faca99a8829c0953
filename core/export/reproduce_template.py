"""Reproduce a LayerLab run from its exported files: retrain it and print its test metric.

Needs only PyTorch, scikit-learn, pandas and numpy (no LayerLab). Run it in the export folder:

    python reproduce.py

It reads data.csv (the table as LayerLab read it), spec.json (the layers), config.json (the
training settings) and preprocessing.json + reproduce.json (which columns, the split), then:
the same split (stratified, same seed and fractions), the same preprocessing fitted on the
training rows (median + standardise numbers, one-hot categories), the same network, initial
weights, batches, optimizer, schedule and early stopping as LayerLab, and prints the test
metric. LayerLab wrote this file; it mirrors core.data and core.train step by step.
"""
import json
import math
import random
from collections import OrderedDict
from pathlib import Path

import numpy as np
import pandas as pd
import torch
from torch import nn

HERE = Path(__file__).resolve().parent
MISSING = "missing"  # a missing category is its own category
ACTIVATIONS = {"relu": nn.ReLU, "sigmoid": nn.Sigmoid, "tanh": nn.Tanh, "gelu": nn.GELU,
               "silu": nn.SiLU}


def read(name):
    return json.loads((HERE / name).read_text())


def label_strings(series):
    """Class labels as text, whole numbers without '.0' (as LayerLab names its classes)."""
    if pd.api.types.is_numeric_dtype(series) and (series == series.round()).all():
        return series.astype(np.int64).astype(str)
    return series.astype(str)


def category_text(series):
    if pd.api.types.is_numeric_dtype(series):
        whole = series.dropna()
        if len(whole) and (whole == whole.round()).all():
            series = series.astype("Int64")
    text = series.astype(str).where(series.notna(), MISSING)
    return pd.Series(text.to_numpy(dtype=object), index=series.index, dtype=object)


def split(positions, y, repro):
    from sklearn.model_selection import train_test_split

    strat = repro["task"] != "regression"
    seed, test_f, val_f = repro["split_seed"], repro["test_fraction"], repro["val_fraction"]
    rest, test, y_rest, _ = train_test_split(positions, y, test_size=test_f, random_state=seed,
                                             stratify=y if strat else None)
    train, val = train_test_split(rest, test_size=val_f / (1 - test_f), random_state=seed,
                                  stratify=y_rest if strat else None)
    return np.sort(train), np.sort(val), np.sort(test)


def prepare(repro, prep):
    """(X_train, y_train, X_val, y_val, X_test, y_test) as LayerLab prepared them."""
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    frame = pd.read_csv(HERE / repro["csv"])
    target, task = repro["target"], repro["task"]
    positions = np.flatnonzero(frame[target].notna().to_numpy())
    kept = frame[target].iloc[positions]
    if task == "regression":
        y_kept = kept.to_numpy(dtype=np.float32)
    else:
        codes = {c: i for i, c in enumerate(prep["classes"])}
        y_kept = label_strings(kept).map(codes).to_numpy(dtype=np.int64)
    y_full = np.zeros(len(frame), dtype=y_kept.dtype)
    y_full[positions] = y_kept
    idx = split(positions, y_kept, repro)
    numeric = [c["column"] for c in prep["numeric"]]
    categorical = [c["column"] for c in prep["categorical"]]
    inputs = pd.DataFrame(index=frame.index)
    for col in numeric:
        inputs[col] = frame[col].to_numpy(dtype=np.float64)
    for col in categorical:
        inputs[col] = category_text(frame[col])
    parts = []
    if numeric:
        parts.append(("num", Pipeline([
            ("impute", SimpleImputer(strategy="median", keep_empty_features=True)),
            ("scale", StandardScaler())]), numeric))
    if categorical:
        parts.append(("cat", OneHotEncoder(handle_unknown="ignore", sparse_output=False,
                                           dtype=np.float32), categorical))
    pre = ColumnTransformer(parts, remainder="drop", sparse_threshold=0.0)
    pre.fit(inputs.iloc[idx[0]])
    X = np.asarray(pre.transform(inputs), dtype=np.float32)
    return [a for i in idx for a in (X[i], y_full[i])]


class TargetScale(nn.Module):
    """Regression: the network learns a standardised target; outputs are in the target's units."""

    def __init__(self, mean, std):
        super().__init__()
        self.register_buffer("mean", torch.tensor([float(mean)]))
        self.register_buffer("std", torch.tensor([float(std)]))

    def forward(self, x):
        return x * self.std + self.mean

    def standardise(self, v):
        return (v - self.mean) / self.std


def layer_module(layer, features, last, task):
    t = layer["type"]
    if t == "Dense":
        parts = OrderedDict(linear=nn.Linear(features, layer["units"], bias=layer.get("bias", True)))
        act = layer.get("activation", "relu")
        if act == "leaky_relu":
            parts["activation"] = nn.LeakyReLU(0.01)
        elif act != "none":
            parts["activation"] = ACTIVATIONS[act]()
        return nn.Sequential(parts), layer["units"]
    if t == "Dropout":
        return nn.Dropout(layer["rate"]), features
    if t == "BatchNorm":
        return nn.BatchNorm1d(features), features
    if t == "LayerNorm":
        return nn.LayerNorm(features), features
    if t == "LeakyReLU":
        return nn.LeakyReLU(layer["negative_slope"]), features
    if t == "Softmax":  # as the output activation, training uses the raw scores
        return (nn.Identity() if last and task == "multiclass" else nn.Softmax(dim=-1)), features
    return ACTIVATIONS[t.lower()](), features


def build(spec, n_inputs, n_outputs, task, target_scale, init):
    """The network: children named as LayerLab names them, created in the same order."""
    children, features = [], n_inputs
    for i, layer in enumerate(spec["layers"], start=1):
        module, features = layer_module(layer, features, i == len(spec["layers"]), task)
        children.append((f"layer{i}_{layer['type'].lower()}", module))
    children.append(("output", nn.Linear(features, n_outputs)))  # logits or the value
    model = nn.Sequential(OrderedDict(children))
    if task == "regression":
        model.add_module("target_scale", TargetScale(*target_scale))
    if init != "default":
        for m in model.modules():
            if isinstance(m, nn.Linear):
                if init == "kaiming":
                    nn.init.kaiming_uniform_(m.weight, nonlinearity="relu")
                else:
                    nn.init.xavier_uniform_(m.weight)
                if m.bias is not None:
                    nn.init.zeros_(m.bias)
    return model


def make_loss(task, cfg, y_train, n_outputs):
    loss = cfg["loss"] if cfg["loss"] != "auto" else {
        "binary": "bce_with_logits", "multiclass": "cross_entropy", "regression": "mse"}[task]
    balanced = cfg["class_weights"] == "balanced"
    if loss == "bce_with_logits":
        pos = None
        if balanced:  # weight on positives = n_negative / n_positive
            counts = np.bincount(y_train, minlength=2)
            pos = torch.tensor([counts[0] / counts[1]], dtype=torch.float32)
        return nn.BCEWithLogitsLoss(pos_weight=pos)
    if loss == "cross_entropy":
        weight = None
        if balanced:  # n / (k * count_c), as scikit-learn's compute_class_weight
            counts = np.bincount(y_train, minlength=n_outputs).astype(np.float64)
            weight = torch.tensor(len(y_train) / (n_outputs * counts), dtype=torch.float32)
        return nn.CrossEntropyLoss(weight=weight)
    return {"mse": nn.MSELoss, "mae": nn.L1Loss, "huber": nn.HuberLoss}[loss]()


def make_optimizer(params, cfg):
    kind, lr, wd = cfg["optimizer"], cfg["lr"], cfg["l2"]  # L2 is weight decay
    params = list(params)
    if kind in ("adam", "adamw", "sgd", "sgd_momentum"):
        cls = {"adam": torch.optim.Adam, "adamw": torch.optim.AdamW}.get(kind, torch.optim.SGD)
        kwargs = dict(lr=lr, weight_decay=wd)
        if kind == "sgd_momentum":
            kwargs.update(momentum=cfg["momentum"], nesterov=cfg["nesterov"])
        try:
            return cls(params, fused=True, **kwargs)
        except (RuntimeError, TypeError, ValueError):
            return cls(params, **kwargs)
    if kind == "rmsprop":
        return torch.optim.RMSprop(params, lr=lr, weight_decay=wd)
    return torch.optim.Adagrad(params, lr=lr, weight_decay=wd)


def make_scheduler(opt, cfg, steps):
    s = cfg["schedule"]
    if s == "step":
        return torch.optim.lr_scheduler.StepLR(opt, cfg["step_size"], cfg["gamma"]), "epoch"
    if s == "cosine":
        return torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=cfg["epochs"]), "epoch"
    if s == "one_cycle":
        return torch.optim.lr_scheduler.OneCycleLR(
            opt, max_lr=cfg["lr"], total_steps=cfg["epochs"] * steps), "step"
    if s == "reduce_on_plateau":
        return torch.optim.lr_scheduler.ReduceLROnPlateau(
            opt, factor=cfg["gamma"], patience=max(1, cfg["patience"] // 2)), "plateau"
    return None, "none"


def targets(y, task):
    t = torch.from_numpy(np.ascontiguousarray(y))
    return t.long() if task == "multiclass" else t.float().reshape(-1, 1)


def outputs(model, X):
    was = model.training
    model.eval()
    with torch.no_grad():
        out = model(X)
    model.train(was)
    return out


def metric(out, y, task):
    if task == "binary":
        return float(((out[:, 0] > 0).long() == y[:, 0].long()).float().mean())
    if task == "multiclass":
        return float((out.argmax(dim=1) == y).float().mean())
    ss_tot = float(((y - y.mean()) ** 2).sum())
    return 1.0 - float(((out - y) ** 2).sum()) / ss_tot


def train(model, cfg, task, loss_fn, X, y, Xv, yv):
    """LayerLab's epoch loop: a seeded permutation per epoch, the best validation loss kept."""
    bs, seed = cfg["batch_size"], cfg["seed"]
    n = len(X)
    n_use = n - 1 if n % bs == 1 and n > 1 else n  # a last batch of one row is dropped
    steps = max(1, math.ceil(n_use / bs))
    opt = make_optimizer(model.parameters(), cfg)
    sched, when = make_scheduler(opt, cfg, steps)
    l1 = [p for name, p in model.named_parameters() if not name.endswith("bias")]
    gen = torch.Generator(device="cpu").manual_seed(seed)
    best_val, best_epoch, best_state = math.inf, 0, None
    for epoch in range(1, cfg["epochs"] + 1):
        perm = torch.randperm(n, generator=gen)[:n_use]
        for i in range(steps):
            idx = perm[i * bs:(i + 1) * bs]
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(model(X[idx]), y[idx])
            if cfg["l1"]:
                loss = loss + cfg["l1"] * sum(p.abs().sum() for p in l1)
            loss.backward()
            if cfg["grad_clip"]:
                nn.utils.clip_grad_norm_(model.parameters(), cfg["grad_clip"])
            opt.step()
            if when == "step":
                sched.step()
        val_loss = float(loss_fn(outputs(model, Xv), yv)) if len(Xv) else None
        if val_loss is not None and val_loss < best_val:
            best_val, best_epoch = val_loss, epoch
            if cfg["early_stopping"]:
                best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
        if when == "epoch":
            sched.step()
        elif when == "plateau" and val_loss is not None:
            sched.step(val_loss)
        if cfg["early_stopping"] and epoch - best_epoch >= cfg["patience"]:
            break
    if best_state is not None:
        model.load_state_dict(best_state)
    return model


def main():
    spec, cfg, prep, repro = (read(n) for n in ("spec.json", "config.json", "preprocessing.json",
                                                 "reproduce.json"))
    task = repro["task"]
    X_tr, y_tr, X_va, y_va, X_te, y_te = prepare(repro, prep)
    n_outputs = len(prep["classes"]) if task == "multiclass" else 1
    scale = None
    if task == "regression":
        std = float(y_tr.astype(np.float64).std())
        scale = (float(y_tr.astype(np.float64).mean()), std if std > 1e-12 else 1.0)
    random.seed(cfg["seed"])
    np.random.seed(cfg["seed"])
    torch.manual_seed(cfg["seed"])  # building the network draws its initial weights
    model = build(spec, X_tr.shape[1], n_outputs, task, scale, cfg["init"])
    if sum(p.numel() for p in model.parameters()) < repro["small_model_params"]:
        torch.set_num_threads(1)  # LayerLab trains small models on one thread
    model.train()
    base = make_loss(task, cfg, y_tr, n_outputs)

    def loss_fn(out, yb):  # regression: the loss compares standardised values
        if task == "regression":
            return base(model.target_scale.standardise(out), model.target_scale.standardise(yb))
        return base(out, yb)

    X, Xv, Xt = (torch.from_numpy(a).float() for a in (X_tr, X_va, X_te))
    train(model, cfg, task, loss_fn, X, targets(y_tr, task), Xv, targets(y_va, task))
    value = metric(outputs(model, Xt), targets(y_te, task), task)
    name = "r2" if task == "regression" else "accuracy"
    print(f"LayerLab's run {repro['run_id']} had test {name} {repro['run_metric']:.4f}")
    print(f"test {name}: {value:.4f}")


if __name__ == "__main__":
    main()
