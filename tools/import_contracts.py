"""An import-linter contract: no package imports another package's private modules.

A module whose name has a part starting with one underscore (`core.runs._sql`) is private to
the package that holds it (`core.runs`): only that package and its sub-packages may import it.
Everyone else goes through the package's public names (its `__init__` and `__all__`).
import-linter's built-in `protected` contract needs one contract per package with a fixed list
of importers; this one states the rule once for the whole tree, so a new package is covered
without anyone remembering to add a contract.
"""
from __future__ import annotations

from importlinter import Contract, ContractCheck, fields, output


def owner_of(module: str) -> str | None:
    """The package a private module belongs to, or None for a public module.

    core.runs._sql -> core.runs; core.audit.fairness._metrics -> core.audit.fairness;
    core.jobs.worker -> None; dunder modules (__main__, __init__) are not private.
    """
    parts = module.split(".")
    for i, part in enumerate(parts):
        if part.startswith("_") and not part.startswith("__"):
            return ".".join(parts[:i])
    return None


def allowed(importer: str, imported: str) -> bool:
    owner = owner_of(imported)
    return owner is None or importer == owner or importer.startswith(owner + ".")


class NoPrivateImportsContract(Contract):
    """Configuration: `containers`, the packages whose imports are checked (e.g. core, ui, views)."""

    type_name = "no_private_imports"
    containers = fields.ListField(subfield=fields.StringField())

    def check(self, graph, verbose: bool) -> ContractCheck:
        roots = tuple(self.containers)  # type: ignore[arg-type]
        broken = []
        for importer in sorted(graph.modules):
            if not importer.startswith(roots):
                continue
            for imported in sorted(graph.find_modules_directly_imported_by(importer)):
                if not allowed(importer, imported):
                    lines = graph.get_import_details(importer=importer, imported=imported)
                    where = ", ".join(f"line {d['line_number']}" for d in lines) or "?"
                    broken.append((importer, imported, where))
        return ContractCheck(kept=not broken, metadata={"broken": broken})

    def render_broken_contract(self, check: ContractCheck) -> None:
        for importer, imported, where in check.metadata["broken"]:
            output.print_error(f"{importer} imports {imported} ({where}): {imported} is private "
                               f"to {owner_of(imported)}; import a public name of that package.")
            output.new_line()
