"""`python -m core audit explain RUN_ID [--rows N] [--row I] [--json]`.

Prints the global SHAP importances on the original columns, the LIME/SHAP agreement and the
additivity error (and, with --row, one row's sentence); with --json the last line is one object.
"""
from __future__ import annotations

from core.cli import print_json


def register(kinds) -> None:
    p = kinds.add_parser("explain", help="SHAP and LIME explanations of a trained run")
    p.add_argument("run_id", metavar="RUN_ID")
    p.add_argument("--rows", type=int, default=500, help="test rows to explain with SHAP (default 500)")
    p.add_argument("--lime-rows", type=int, default=30, help="rows also explained with LIME (default 30)")
    p.add_argument("--row", type=int, default=None, help="a test row to explain in words")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--json", action="store_true", help="end with one JSON object")
    p.set_defaults(func=_explain)


def _explain(args) -> int:
    from core.audit.explain import AUDIT_KIND, explain_run, find_row
    from core.audit.progress import Progress
    from core.runs import open_store

    store = open_store()
    include = [args.row] if args.row is not None else []
    result = explain_run(store, args.run_id, rows=args.rows, seed=args.seed,
                         lime_rows=args.lime_rows, include=include)
    Progress(store, args.run_id, AUDIT_KIND).done(result)
    row = find_row(result, args.row) if args.row is not None else None
    agree = result["agreement"]
    print(result["sample_note"])
    for note in result["notices"]:
        print(note)
    print(result["explainer_why"])
    print(f"\nGlobal importance (mean |SHAP| on the {result['output_label']}):")
    for item in result["global"][:20]:
        print(f"  {item['feature']:<28} {item['importance']:.4f}")
    print(f"\nAdditivity error (largest |base + sum of SHAP - output|): {result['additivity_error']:.2e}")
    print(agree["sentence"])
    if row:
        print(f"\nRow {row['pos']}: {row['sentence']} (true label: {row['true']})")
    if args.json:
        print_json({"run_id": args.run_id, "explainer": result["explainer"],
                    "n_explained": result["n_explained"], "n_test": result["n_test"],
                    "global": result["global"], "additivity_error": result["additivity_error"],
                    "agreement": {k: agree.get(k) for k in ("n_rows", "rank_corr", "top_overlap",
                                                             "sign_agreement", "top_k", "sentence")},
                    "row": None if row is None else {"pos": row["pos"], "sentence": row["sentence"],
                                                     "shap": dict(zip(result["units"], row["shap"]))}})
    return 0
