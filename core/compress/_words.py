"""Compression results in plain sentences: what was done, what it means, what to do next."""
from __future__ import annotations


def _kb(n: int) -> str:
    return f"{n / 1024:,.1f} KB"


def _metric(value, metric: str) -> str:
    if value is None:
        return "not measured"
    return f"{value * 100:.1f} %" if metric == "accuracy" else f"{value:.3f}"


def _change(before, after, metric: str) -> str:
    if before is None or after is None:
        return ""
    d = (after - before) * (100 if metric == "accuracy" else 1)
    unit = " points" if metric == "accuracy" else ""
    return f" ({d:+.1f}{unit})" if metric == "accuracy" else f" ({d:+.3f}{unit})"


def quantize_sentences(r: dict) -> list[str]:
    b, a, metric = r["before"], r["after"], r["metric"]
    ratio = a["bytes"] / b["bytes"] if b["bytes"] else 1.0
    out = [f"The weights were stored as 8-bit integers instead of 32-bit floats: the file went "
           f"from {_kb(b['bytes'])} to {_kb(a['bytes'])}."]
    if ratio >= 0.95:
        out.append("It is not meaningfully smaller: in a model this small most of the file is "
                   "preprocessing tables and graph structure, which int8 does not shrink.")
    else:
        out.append(f"It is {ratio:.0%} of the float file's size.")
    for batch in (1, 256):
        fb, ia = b[f"ms_batch_{batch}"], a[f"ms_batch_{batch}"]
        if ia > fb * 1.05:
            out.append(f"At batch {batch}, int8 is slower: {ia:.3f} ms per call against "
                       f"{fb:.3f} ms (converting numbers to and from int8 costs more than the "
                       "smaller multiplications save on a network this size).")
        elif ia < fb * 0.95:
            out.append(f"At batch {batch}, int8 is faster: {ia:.3f} ms per call against {fb:.3f} ms.")
        else:
            out.append(f"At batch {batch}, int8 is as fast as float ({ia:.3f} against {fb:.3f} ms).")
    out.append(f"Test {metric} went from {_metric(b['metric'], metric)} to "
               f"{_metric(a['metric'], metric)}{_change(b['metric'], a['metric'], metric)} on "
               f"{r['rows']:,} test rows.")
    faster = any(a[f"ms_batch_{k}"] < b[f"ms_batch_{k}"] * 0.95 for k in (1, 256))
    if ratio < 0.95 or faster:
        out.append("Next: use the int8 file where size or speed matters, if the change in "
                   f"{metric} is acceptable for your use.")
    else:
        out.append("Next: keep the float file; int8 brings nothing for this model.")
    return out


def prune_sentences(r: dict) -> list[str]:
    b, a, metric = r["before"], r["after"], r["metric"]
    sizes = ", ".join(f"layer {x['index']} ({x['type']}) {x['before']} → {x['after']}"
                      for x in r["layers"])
    out = [f"{r['fraction']:.0%} of the units of each prunable layer were removed, the least "
           f"important first ({sizes}), then the smaller network was fine-tuned for "
           f"{r['finetune_epochs']} epochs as run {r['child_id']}.",
           f"Parameters: {b['params']:,} → {a['params']:,} ({a['params'] / b['params']:.0%}); "
           f"weights file {_kb(b['bytes'])} → {_kb(a['bytes'])}.",
           f"Test {metric}: {_metric(b['metric'], metric)} → {_metric(a['metric'], metric)}"
           f"{_change(b['metric'], a['metric'], metric)}; right after removing the units, "
           f"before fine-tuning: {_metric(r.get('pruned_only'), metric)}."]
    lost = (b["metric"] or 0) - (a["metric"] or 0)
    if metric == "accuracy" and lost * 100 > 1:
        out.append("Next: this lost more than one point; try a smaller fraction or more "
                   "fine-tuning epochs.")
    else:
        out.append(f"Next: the pruned run {r['child_id']} is a run like any other: export it "
                   "from the Export page, or try a larger fraction.")
    return out
