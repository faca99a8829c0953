"""Before/after: the audited run and its mitigated runs side by side on the same test split."""
from __future__ import annotations

COMPARE_KEYS = ("accuracy", "demographic_parity_difference", "demographic_parity_ratio",
                "equalized_odds_difference", "equal_opportunity_difference")


def mitigated_children(store, run_id: str) -> list:
    return [r for r in store.list_runs() if r.parent_id == run_id and r.kind == "mitigated"]


def compare_runs(store, run_id: str, sensitive: str | None = None,
                 child_ids: list[str] | None = None) -> list[dict]:
    """One row per run (the original first, then its finished mitigated runs)."""
    from core.audit.fairness._report import audit_run
    from core.trained import MITIGATION
    from core.audit.records import read_record

    children = [store.get_run(c) for c in child_ids] if child_ids is not None \
        else mitigated_children(store, run_id)
    rows = []
    for run in [store.get_run(run_id), *sorted(children, key=lambda r: r.id)]:
        if run.status != "finished":
            continue
        rep = audit_run(store, run.id, sensitive, n_boot=None, save=False)
        rec = read_record(store, run.id, MITIGATION)
        row = {"run_id": run.id, "name": run.name, "method": rec.method if rec else "original",
               "constraint": rec and rec.constraint, "seconds": rec and rec.seconds,
               "accuracy": rep["accuracy"]}
        row.update({k: rep["disparities"].get(k) for k in COMPARE_KEYS if k != "accuracy"})
        rows.append(row)
    return rows
