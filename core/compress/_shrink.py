"""Structured pruning on the layer graph: rank units, keep the best, rebuild smaller layers.

`torch.nn.utils.prune` only multiplies weights by a mask: the file and the arithmetic stay the
same size. LayerLab owns the spec, so it removes whole units (Dense) and filters (Conv2D): the
spec's `units`/`filters` shrink, every tensor that touches a removed unit loses that row or
column, and the network is rebuilt from the smaller spec.

Importance of unit j of layer i = L1 norm of its incoming weights (and bias) x L1 norm of its
outgoing weights (the columns of the next weighted layer that read it). Why both: a unit
with strong inputs whose output the next layer ignores contributes nothing, and for ReLU
networks the product does not change when a unit's incoming weights are scaled by a and its
outgoing ones by 1/a (the same function), while either norm alone would.
"""
from __future__ import annotations

from dataclasses import dataclass

from core.errors import LayerLabError

PRUNE_FRACTION = ("The pruning fraction must be above 0 and at most 0.9 (got {value}): it is the "
                  "share of units removed from each layer, so 0.3 removes 30 %.")
NOTHING_PRUNABLE = ("Run {run_id} has no layer whose units can be removed: {why} Pruning removes "
                    "units of Dense layers and filters of Conv2D layers that have at least two "
                    "and feed the next Dense or Conv2D layer (or the output) directly or through "
                    "activations, normalisation, dropout, pooling or flatten.")
WHY_NO_WEIGHTED = "its layers hold no Dense or Conv2D layer outside a residual block."
WHY_NONE_FEEDS = "each Dense or Conv2D layer has one unit or feeds a layer pruning cannot follow."
MAX_FRACTION = 0.9
# Layers that act on each unit (channel) separately: a removed unit is simply absent from them.
_CHANNELWISE = {"Dropout", "BatchNorm", "LayerNorm", "ReLU", "LeakyReLU", "Sigmoid", "Tanh",
                "GELU", "SiLU", "MaxPool2D", "AvgPool2D", "Softmax"}
_WEIGHTED = {"Dense": ("dense", "linear", "units"), "Conv2D": ("conv2d", "conv", "filters")}
_NORMS = {"BatchNorm": "batchnorm", "LayerNorm": "layernorm"}


@dataclass
class PrunePlan:
    spec: dict  # the smaller spec
    state: dict  # its state dict (tensors sliced from the parent's)
    layers: list[dict]  # per pruned layer: {index, type, before, after}
    kept: dict[int, list[int]]  # 1-based layer index -> the parent's unit indices kept


def check_fraction(fraction: float) -> float:
    try:
        value = float(fraction)
    except (TypeError, ValueError):
        raise LayerLabError(PRUNE_FRACTION.format(value=fraction)) from None
    if not 0 < value <= MAX_FRACTION:
        raise LayerLabError(PRUNE_FRACTION.format(value=fraction))
    return value


def _prunable(layers: list[dict]) -> list[tuple[int, int | None, list[int]]]:
    """(layer index, index of the next weighted layer or None for the output, the
    channel-wise layers between) for each prunable top-level layer (0-based indices)."""
    out = []
    for i, layer in enumerate(layers):
        if layer["type"] not in _WEIGHTED or layer[_WEIGHTED[layer["type"]][2]] < 2:
            continue
        between, nxt, ok = [], None, True
        for j in range(i + 1, len(layers)):
            t = layers[j]["type"]
            if t in _WEIGHTED:
                nxt = j
                ok = not (layer["type"] == "Dense" and t == "Conv2D")
                break
            if t in _CHANNELWISE or (t in ("Flatten", "GlobalAvgPool") and layer["type"] == "Conv2D"):
                between.append(j)
            else:
                ok = False
                break
        if ok:
            out.append((i, nxt, between))
    return out


def _names(layers: list[dict], i: int | None) -> tuple[str, str]:
    """(weight name, bias name) of layer i's weighted module; the output head for None."""
    if i is None:
        return "output.weight", "output.bias"
    short, inner, _ = _WEIGHTED[layers[i]["type"]]
    return f"layer{i + 1}_{short}.{inner}.weight", f"layer{i + 1}_{short}.{inner}.bias"


def _in_columns(w_next, n_units: int):
    """Which input columns of the next layer read unit j: (n_units, cols_per_unit) indices.
    A Flatten after a Conv2D lays out channels first, so channel j owns a block of h*w."""
    import torch

    per = w_next.shape[1] // n_units
    return torch.arange(n_units * per).reshape(n_units, per)


def plan_prune(spec: dict, state: dict, fraction: float, run_id: str) -> PrunePlan:
    """The smaller spec and state dict: `fraction` of the units of each prunable layer removed."""
    import torch

    fraction = check_fraction(fraction)
    layers = [dict(layer) for layer in spec.get("layers", [])]
    if not any(layer["type"] in _WEIGHTED for layer in layers):
        raise LayerLabError(NOTHING_PRUNABLE.format(run_id=run_id, why=WHY_NO_WEIGHTED))
    chains = _prunable(layers)
    if not chains:
        raise LayerLabError(NOTHING_PRUNABLE.format(run_id=run_id, why=WHY_NONE_FEEDS))
    new, keeps, report = dict(state), {}, []
    for i, nxt, between in chains:  # ranks on the parent's weights, so the order does not matter
        size_key = _WEIGHTED[layers[i]["type"]][2]
        n = layers[i][size_key]
        w, b = (state.get(k) for k in _names(layers, i))
        w_next = state[_names(layers, nxt)[0]]
        incoming = w.abs().reshape(n, -1).sum(1) + (b.abs() if b is not None else 0)
        cols = _in_columns(w_next, n)
        outgoing = w_next.abs().sum(0)[cols].sum(1) if w_next.dim() == 2 else \
            w_next.abs().transpose(0, 1).reshape(n, -1).sum(1)
        k = max(1, int(round(n * (1 - fraction))))
        keep = torch.sort(torch.topk(incoming * outgoing, k).indices).values
        keeps[i] = (keep, cols[keep].reshape(-1) if w_next.dim() == 2 else keep, nxt, between)
        layers[i][size_key] = k
        report.append({"index": i + 1, "type": layers[i]["type"], "before": n, "after": k})
    for i, (keep, cols, nxt, between) in keeps.items():
        w_name, b_name = _names(layers, i)
        new[w_name] = new[w_name][keep]
        if b_name in new:
            new[b_name] = new[b_name][keep]
        for j in between:
            _slice_norm(new, layers, j, keep)
        nw = _names(layers, nxt)[0]
        new[nw] = new[nw][:, cols]
    new = {k: v.contiguous().clone() for k, v in new.items()}
    kept = {i + 1: keeps[i][0].tolist() for i in keeps}
    return PrunePlan(spec=dict(spec, layers=layers), state=new, layers=report, kept=kept)


def _slice_norm(state: dict, layers: list[dict], j: int, keep) -> None:
    short = _NORMS.get(layers[j]["type"])
    if short is None:
        return
    prefix = f"layer{j + 1}_{short}."
    for name in list(state):
        if name.startswith(prefix) and state[name].dim() >= 1 and name != prefix + "num_batches_tracked":
            state[name] = state[name][keep]
