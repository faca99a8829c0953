"""The "export" job: `export_run` in a worker, into LayerLab's home, with the result saved.

args: {"run_id", "kind": "export", "formats": "all"}. The files go to
<home>/exports/<run_id>/ (replaced on each export) so the page can offer them as one zip.
"""
from __future__ import annotations

import shutil
from pathlib import Path

from core.audit.progress import run_audit
from core.audit.records import AuditKind

AUDIT_KIND = AuditKind.EXPORT


def export_folder(run_id: str) -> Path:
    from core import settings

    return settings.home() / "exports" / run_id


def _export(args: dict, progress, store) -> dict:
    from core.export._bundle import export_run

    run_id = args["run_id"]
    folder = export_folder(run_id)
    if folder.exists():
        shutil.rmtree(folder)  # our own folder under LayerLab's home: no stale files
    progress.update(0.1, "Converting the model and checking it against LayerLab…")
    manifest = export_run(store, run_id, folder, args.get("formats") or "all")
    onnx = manifest["formats"].get("onnx") or {}
    return {"folder": str(folder), "formats": sorted(manifest["formats"]),
            "check": onnx.get("check"), "sentence": onnx.get("check_sentence", ""),
            "files": sorted(p.name for p in folder.iterdir()),
            "skipped": (manifest.get("skipped") or {}).get("script", "")}


export_job = run_audit(_export)
