"""The "prune" and "quantize" jobs: `prune_run` / `quantize_run` in a worker, with progress.

args: {"run_id", "kind": "prune", "fraction": 0.3, "finetune_epochs": 3, "user"} or
{"run_id", "kind": "quantize", "user"}; "user" (who asked) owns the child run, absent in jobs
queued before it was passed. The result (with its sentences) is the job record's result.
"""
from __future__ import annotations

from core.audit.progress import run_audit
from core.audit.records import AuditKind

PRUNE_KIND = AuditKind.PRUNE  # the job records of a parent run
QUANTIZE_KIND = AuditKind.QUANTIZE


def _prune(args: dict, progress, store) -> dict:
    from core.compress._prune import FINETUNE_EPOCHS, prune_run
    from core.compress._words import prune_sentences

    progress.update(0.05, "Ranking the units of each layer…")
    result = prune_run(store, args["run_id"], args.get("fraction", 0.3),
                       args.get("finetune_epochs") or FINETUNE_EPOCHS, on_progress=progress.update,
                       user=args.get("user"))
    return {**result, "sentences": prune_sentences(result)}


def _quantize(args: dict, progress, store) -> dict:
    from core.compress._quantize import quantize_run

    progress.update(0.05, "Exporting and checking the ONNX file…")
    return quantize_run(store, args["run_id"], on_progress=progress.update, user=args.get("user"))


prune_job = run_audit(_prune)
quantize_job = run_audit(_quantize)
