"""Export speed: the ONNX pipeline in onnxruntime against the PyTorch model, on UCI Adult.

- A walkthrough MLP (Dense 128 -> 64 -> 1) trained for one epoch on Adult, exported with
  `core.export.export_run` (export time measured in a fresh process, imports included).
- Contenders, each in its own fresh process, interleaved, three processes each (best taken):
  onnx       the exported file: raw columns in (preprocessing inside the graph), probabilities out;
  onnx-net   the network alone as ONNX, on the model inputs: the same work as `torch`;
  torch      PyTorch eager on the model inputs (preprocessing already done), under no_grad;
  sk+torch   LayerLab's own raw path: the fitted scikit-learn preprocessor, then PyTorch eager.
- Batch-1 latency: median of 300 calls on one row; throughput: best of 5 passes over 10,000
  rows in one call. Goal (issue 13): ONNX no slower than PyTorch eager at both.
  onnxruntime gets as many intra-op threads as torch has (torch.get_num_threads()), so the
  two runtimes compete on equal terms; the exported preprocessing is the hand-built graph
  of core/export/_fastpre.py (integer category codes, not string matching).
- Pruning (core.compress.prune_run) at 30 % and 50 % of units, fine-tuned 2 epochs:
  parameters, weights file size and the test-accuracy change. Goal: at most 1 point lost at 30 %.
Run: python bench/export.py
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CONTENDERS = ("onnx", "onnx-net", "torch", "sk+torch")
ROUNDS, CALLS, PASSES, ROWS = 3, 300, 5, 10_000


def _timings(predict, one, many) -> dict:
    predict(one), predict(many)  # warm-up
    lat = []
    for _ in range(CALLS):
        t0 = time.perf_counter()
        predict(one)
        lat.append(time.perf_counter() - t0)
    best = min(_timed(predict, many) for _ in range(PASSES))
    return {"latency_ms": sorted(lat)[len(lat) // 2] * 1e3, "rows_per_s": ROWS / best}


def _timed(fn, arg) -> float:
    t0 = time.perf_counter()
    fn(arg)
    return time.perf_counter() - t0


def _ort_options():
    """onnxruntime with torch's thread count: the same CPU budget for both runtimes."""
    import onnxruntime as ort
    import torch

    opts = ort.SessionOptions()
    opts.intra_op_num_threads = torch.get_num_threads()
    opts.inter_op_num_threads = 1
    return opts


def _prune_figures(store, rid: str) -> dict:
    from core.compress import prune_run

    out = {}
    for fraction in (0.3, 0.5):
        r = prune_run(store, rid, fraction, finetune_epochs=2)
        b, a = r["before"], r["after"]
        out[int(fraction * 100)] = {"params_before": b["params"], "params_after": a["params"],
                                    "bytes_before": b["bytes"], "bytes_after": a["bytes"],
                                    "acc_change_points": round((a["metric"] - b["metric"]) * 100, 2)}
    return out


def child(kind: str, run_id: str, folder: str) -> dict:
    import numpy as np

    from core.runs import open_store
    from core.trained import load_trained

    model = load_trained(open_store(), run_id)
    rows = model.data.idx_train[:ROWS]
    if kind == "onnx-net":
        import onnxruntime as ort

        session = ort.InferenceSession(str(Path(folder) / "network.onnx"), _ort_options(),
                                       providers=["CPUExecutionProvider"])
        X = np.ascontiguousarray(model.data.X_train[:ROWS])
        return _timings(lambda x: session.run(None, {"features": x}), X[:1], X)
    if kind == "onnx":
        import onnxruntime as ort

        from core.export import raw_feed

        manifest = json.loads((Path(folder) / "manifest.json").read_text())
        layout = manifest["formats"]["onnx"]["inputs"]
        session = ort.InferenceSession(str(Path(folder) / "model.onnx"), _ort_options(),
                                       providers=["CPUExecutionProvider"])
        many = raw_feed(model.bundle.frame.iloc[rows], layout)
        one = {k: v[:1] for k, v in many.items()}
        return _timings(lambda feed: session.run(None, feed), one, many)
    import torch

    net = model.network
    if kind == "torch":
        X = torch.from_numpy(np.ascontiguousarray(model.data.X_train[:ROWS]))

        def predict(x):
            with torch.no_grad():
                return torch.sigmoid(net(x))
        return _timings(predict, X[:1], X)
    from core.data import category_text

    pre = model.data.preprocessor
    cols = [c for _, _, cs in pre.transformers_ if isinstance(cs, list) for c in cs]
    frame = model.bundle.frame.iloc[rows][cols].copy()
    for name, _, cs in pre.transformers_:
        if name == "cat":
            for c in cs:
                frame[c] = category_text(frame[c])

    def predict_raw(df):
        x = torch.from_numpy(np.asarray(pre.transform(df), dtype=np.float32))
        with torch.no_grad():
            return torch.sigmoid(net(x))
    return _timings(predict_raw, frame.iloc[:1], frame)


def _export_child(run_id: str, folder: str) -> dict:
    t0 = time.perf_counter()
    from core.export import export_run
    from core.runs import open_store

    manifest = export_run(open_store(), run_id, folder, "onnx")
    export_s = time.perf_counter() - t0
    from core.export import network_onnx
    from core.trained import load_trained

    model = load_trained(open_store(), run_id)
    net = network_onnx(model.network, model.data.input_shape, "binary", run_id, "features")
    (Path(folder) / "network.onnx").write_bytes(net.SerializeToString())
    return {"export_s": export_s,
            "max_abs_diff": manifest["formats"]["onnx"]["check"]["max_abs_diff"]}


def _spawn(*args: str) -> dict:
    out = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True,
                         env=os.environ, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    home = tempfile.mkdtemp(prefix="bench-export-")
    os.environ["LAYERLAB_HOME"] = home
    from core.data import default_ref
    from core.runs import open_store
    from core.spec import get_preset
    from core.train import TrainConfig, create_run, train_run

    store = open_store()
    rid = create_run(store, default_ref("adult"), get_preset("walkthrough_mlp"),
                     TrainConfig(epochs=1, batch_size=512))
    assert train_run(store, rid).status == "finished"
    folder = str(Path(home) / "export")
    exported = _spawn("--export", rid, folder)
    results: dict[str, list[dict]] = {k: [] for k in CONTENDERS}
    for _ in range(ROUNDS):
        for kind in CONTENDERS:
            results[kind].append(_spawn("--child", kind, rid, folder))
    best = {k: {"latency_ms": min(r["latency_ms"] for r in v),
                "rows_per_s": max(r["rows_per_s"] for r in v)} for k, v in results.items()}
    print(f"Adult, walkthrough MLP; export took {exported['export_s']:.1f} s (fresh process), "
          f"largest difference from LayerLab {exported['max_abs_diff']:.1g}")
    print(f"{'contender':<10} {'batch-1 latency (ms)':>22} {'10,000 rows (rows/s)':>22}")
    for k, v in best.items():
        print(f"{k:<10} {v['latency_ms']:>22.3f} {v['rows_per_s']:>22,.0f}")
    lat_ratio = best["torch"]["latency_ms"] / best["onnx"]["latency_ms"]
    thr_ratio = best["onnx"]["rows_per_s"] / best["torch"]["rows_per_s"]
    net_thr = best["onnx-net"]["rows_per_s"] / best["torch"]["rows_per_s"]
    raw_thr = best["onnx"]["rows_per_s"] / best["sk+torch"]["rows_per_s"]
    print(f"ONNX pipeline vs PyTorch eager (network only): {lat_ratio:.2f}x faster at batch 1, "
          f"{thr_ratio:.2f}x the throughput, though ONNX also does the preprocessing; the same "
          f"work (network alone): {net_thr:.2f}x; the same raw-rows path (sk+torch): "
          f"{raw_thr:.2f}x (above 1: ONNX is faster)")
    figures = {"export_s": round(exported["export_s"], 2), "max_abs_diff": exported["max_abs_diff"],
               **{f"{k}_{m}": round(v[m], 4) for k, v in best.items() for m in v},
               "latency_speedup_vs_torch": round(lat_ratio, 3),
               "throughput_ratio_vs_torch": round(thr_ratio, 3),
               "network_throughput_ratio_vs_torch": round(net_thr, 3),
               "raw_path_throughput_ratio": round(raw_thr, 3)}
    goals = {"latency_speedup_vs_torch": ">= 1", "throughput_ratio_vs_torch": ">= 1",
             "max_abs_diff": "<= 1e-4"}
    pruned = _prune_figures(store, rid)
    print(f"{'pruning':<10} {'parameters':>18} {'weights file (KB)':>20} {'accuracy change':>16}")
    for pct, p in pruned.items():
        print(f"{pct:>3} % units {p['params_before']:>8,} → {p['params_after']:<8,} "
              f"{p['bytes_before'] / 1024:>8.1f} → {p['bytes_after'] / 1024:<8.1f} "
              f"{p['acc_change_points']:>+12.2f} points")
    load = os.getloadavg()
    print(f"load average (1, 5, 15 min): {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on "
          f"{os.cpu_count()} CPUs")
    figures.update({f"prune{pct}_{k}": v for pct, p in pruned.items() for k, v in p.items()})
    figures["load_avg_1m"] = round(load[0], 2)
    goals["prune30_acc_change_points"] = ">= -1"
    met = (lat_ratio >= 1 and thr_ratio >= 1 and exported["max_abs_diff"] <= 1e-4
           and pruned[30]["acc_change_points"] >= -1)
    print(json.dumps({"bench": "export", "figures": figures, "goals": goals, "met": met}))


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        print(json.dumps(child(*sys.argv[2:5])))
    elif sys.argv[1:2] == ["--export"]:
        print(json.dumps(_export_child(*sys.argv[2:4])))
    else:
        main()
