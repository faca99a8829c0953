"""Reading and checking big CSVs: LayerLab's reader (ingest_csv + load) against pandas.read_csv.

Each measurement runs in its own fresh Python process, so the peak memory (ru_maxrss of that
child) includes the interpreter and the imported libraries, and nothing is shared or warm.
Files: 1,000,000 rows x 10 columns (~63 MB) and 1,000 rows x 1,500 columns.
Run: python bench/ingest.py [--rows N]
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
GOALS = {"long_s": 3.0, "long_mb": 450.0, "wide_s": 1.0}

_CHILD = r"""
import json, os, sys, time, warnings
kind, path = sys.argv[1], sys.argv[2]
caught = []
warnings.simplefilter("always")
warnings.showwarning = lambda message, category, *a, **k: caught.append(category.__name__)
import pandas as pd  # imports are not timed (they are in the peak memory)
if kind == "pandas":
    t0 = time.perf_counter()
    rows = len(pd.read_csv(path))
else:
    from pathlib import Path
    sys.path.insert(0, os.environ["REPO"])
    from core.data import ingest_csv, load
    t0 = time.perf_counter()
    raw = Path(path).read_bytes()
    rows = len(load(ingest_csv(raw, os.path.basename(path))).frame)
seconds = time.perf_counter() - t0
print(json.dumps({"seconds": seconds, "rows": rows, "warnings": caught}))
"""


def _write_long(path: Path, rows: int) -> None:
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(0)
    frame = pd.DataFrame({
        "age": rng.integers(18, 90, rows), "hours": rng.integers(1, 80, rows),
        "income": rng.normal(50_000, 15_000, rows).round(2), "score": rng.random(rows).round(4),
        "height": rng.normal(170, 10, rows).round(1), "weight": rng.normal(70, 12, rows).round(1),
        "city": rng.choice(["Paris", "Lyon", "Nice", "Lille", "?"], rows),
        "job": rng.choice(["clerk", "nurse", "driver", "teacher"], rows),
        "member": rng.choice(["yes", "no"], rows), "label": rng.choice(["low", "high"], rows)})
    frame.to_csv(path, index=False)


def _write_wide(path: Path, rows: int = 1000, cols: int = 1500) -> None:
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(1)
    data = {f"f{i}": rng.random(rows).round(3) for i in range(cols - 1)}
    data["label"] = rng.choice(["a", "b"], rows)
    pd.DataFrame(data).to_csv(path, index=False)


def _measure(kind: str, path: Path, home: str) -> dict:
    """Run one reader in a fresh process; its own peak RSS comes from wait4's rusage."""
    env = dict(os.environ, REPO=str(REPO), LAYERLAB_HOME=home, PYTHONWARNINGS="always")
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen([sys.executable, "-c", _CHILD, kind, str(path)], env=env,
                                stdout=out, stderr=err, text=True)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if proc.returncode != 0:
        raise SystemExit(f"{kind} on {path.name} failed:\n{stderr[-2000:]}")
    result = json.loads(stdout.strip().splitlines()[-1])
    result["peak_mb"] = usage.ru_maxrss / 1024  # Linux: kilobytes
    result["stderr_warning"] = "Warning" in stderr
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--write", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.write:
        _write_long(Path(args.write) / "long.csv", args.rows)
        _write_wide(Path(args.write) / "wide.csv")
        return
    with tempfile.TemporaryDirectory(prefix="layerlab-ingest-") as tmp:
        long_csv, wide_csv = Path(tmp) / "long.csv", Path(tmp) / "wide.csv"
        # Written by a child: a parent that grew to hold the frames would hand its peak memory
        # on to every child it forks (Linux keeps ru_maxrss across fork and exec).
        subprocess.run([sys.executable, __file__, "--write", tmp, "--rows", str(args.rows)],
                       check=True)
        figures = {"long_file_mb": long_csv.stat().st_size / 1e6}
        results = {}
        for name, path in (("long", long_csv), ("wide", wide_csv)):
            for kind in ("pandas", "layerlab"):
                results[name, kind] = _measure(kind, path, tmp)
    load1 = os.getloadavg()[0]
    print(f"load average (1 min): {load1:.2f}; long file {figures['long_file_mb']:.1f} MB")
    print(f"{'file':<26} {'reader':<10} {'seconds':>8} {'peak MB':>8} {'warnings':>9}")
    for (name, kind), r in results.items():
        label = f"{args.rows:,} x 10" if name == "long" else "1,000 x 1,500"
        warned = bool(r["warnings"]) or r["stderr_warning"]
        print(f"{label:<26} {kind:<10} {r['seconds']:8.2f} {r['peak_mb']:8.0f} {str(warned):>9}")
    ll, lw = results["long", "layerlab"], results["wide", "layerlab"]
    figures.update({
        "load_avg_1min": load1,
        "long_layerlab_s": ll["seconds"], "long_layerlab_mb": ll["peak_mb"],
        "long_pandas_s": results["long", "pandas"]["seconds"],
        "long_pandas_mb": results["long", "pandas"]["peak_mb"],
        "long_ratio_vs_pandas": ll["seconds"] / results["long", "pandas"]["seconds"],
        "wide_layerlab_s": lw["seconds"], "wide_pandas_s": results["wide", "pandas"]["seconds"],
        "wide_warnings": lw["warnings"] + (["stderr"] if lw["stderr_warning"] else []),
    })
    met = {"long_s": ll["seconds"] <= GOALS["long_s"], "long_mb": ll["peak_mb"] <= GOALS["long_mb"],
           "wide_s": lw["seconds"] <= GOALS["wide_s"], "wide_no_warning": not figures["wide_warnings"]}
    print(json.dumps({"bench": "ingest", "figures": figures, "goals": GOALS, "met": met}))


if __name__ == "__main__":
    main()
