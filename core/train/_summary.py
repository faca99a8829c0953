"""One-line architecture summaries for tables: "Dense128 → Dense64 → out"."""
from __future__ import annotations

_SHORT = {
    "Dense": lambda d: f"Dense{d.get('units', 64)}",
    "Conv2D": lambda d: f"Conv{d.get('filters', 16)}",
    "MaxPool2D": lambda d: "MaxPool",
    "AvgPool2D": lambda d: "AvgPool",
    "GlobalAvgPool": lambda d: "GAP",
    "Dropout": lambda d: f"Drop{d.get('rate', 0.2):g}",
    "BatchNorm": lambda d: "BN",
    "LayerNorm": lambda d: "LN",
    "LSTM": lambda d: f"LSTM{d.get('hidden_size', 32)}",
    "GRU": lambda d: f"GRU{d.get('hidden_size', 32)}",
    "TransformerEncoder": lambda d: f"Transformer×{d.get('num_layers', 1)}",
}


def _layer(layer: dict) -> str:
    kind = layer.get("type", "?")
    if kind == "Residual":
        inner = " → ".join(_layer(x) for x in layer.get("layers", []))
        return f"Res[{inner}]"
    return _SHORT.get(kind, lambda d: kind)(layer)


def architecture_summary(spec: dict) -> str:
    """Short text of a spec's stack for tables; the output head shows as "out"."""
    if hasattr(spec, "model_dump"):
        spec = spec.model_dump(mode="json")
    parts = [_layer(layer) for layer in (spec or {}).get("layers", [])]
    return " → ".join(parts + ["out"])
