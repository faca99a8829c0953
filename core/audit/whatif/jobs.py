"""The "counterfactual_groups" job: counterfactuals by sensitive group over a sample of rejected
test rows (one search per row, about a second each on Adult, hence a job with progress).

args: {"run_id", "kind": "counterfactual_groups", "rows": 60, "column": None}
"""
from __future__ import annotations

from core.audit.progress import run_audit
from core.audit.records import AuditKind

AUDIT_KIND = AuditKind.COUNTERFACTUAL_GROUPS
DEFAULT_ROWS = 60  # enough for intervals a reviewer can read, about a minute on Adult
SEARCHING = "Finding the smallest flip for each sampled rejected row…"


def _groups(args: dict, progress, store) -> dict:
    from core.audit.whatif._groups import counterfactuals_by_group

    progress.update(0.0, SEARCHING)
    return counterfactuals_by_group(store, args["run_id"], rows=int(args.get("rows") or DEFAULT_ROWS),
                                    column=args.get("column"),
                                    progress=lambda f: progress.update(f, SEARCHING))


groups_job = run_audit(_groups)
