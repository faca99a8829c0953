"""`python -m core audit KIND RUN_ID ...`: fairness, explain, stress.

Each audit kind is its own module (core/cli/audit_<kind>.py) with `register(subparsers)`,
so the audits can grow independently; a kind whose module is missing is simply not offered.
"""
from __future__ import annotations

import importlib

_KINDS = ("core.cli.audit_fairness", "core.cli.audit_explain", "core.cli.audit_stress",
          "core.cli.audit_whatif")


def register(sub) -> None:
    parser = sub.add_parser("audit", help="audit a trained run (fairness, explain, stress, whatif, counterfactual, errors)")
    kinds = parser.add_subparsers(dest="audit_kind", required=True, metavar="KIND")
    for name in _KINDS:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        module.register(kinds)
