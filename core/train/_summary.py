"""One-line architecture summaries for tables: "Dense128 → Dense64 → out"."""
from __future__ import annotations

_SHORT = {
    "Dense": lambda l: f"Dense{l.get('units', 64)}",
    "Conv2D": lambda l: f"Conv{l.get('filters', 16)}",
    "MaxPool2D": lambda l: "MaxPool",
    "AvgPool2D": lambda l: "AvgPool",
    "GlobalAvgPool": lambda l: "GAP",
    "Dropout": lambda l: f"Drop{l.get('rate', 0.2):g}",
    "BatchNorm": lambda l: "BN",
    "LayerNorm": lambda l: "LN",
    "LSTM": lambda l: f"LSTM{l.get('hidden_size', 32)}",
    "GRU": lambda l: f"GRU{l.get('hidden_size', 32)}",
    "TransformerEncoder": lambda l: f"Transformer×{l.get('num_layers', 1)}",
}


def _layer(layer: dict) -> str:
    kind = layer.get("type", "?")
    if kind == "Residual":
        inner = " → ".join(_layer(x) for x in layer.get("layers", []))
        return f"Res[{inner}]"
    return _SHORT.get(kind, lambda l: kind)(layer)


def architecture_summary(spec: dict) -> str:
    """Short text of a spec's stack for tables; the output head shows as "out"."""
    if hasattr(spec, "model_dump"):
        spec = spec.model_dump(mode="json")
    parts = [_layer(layer) for layer in (spec or {}).get("layers", [])]
    return " → ".join(parts + ["out"])
