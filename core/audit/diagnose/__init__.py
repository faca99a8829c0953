"""Diagnose a run: plain-language findings, each with evidence and what to try next.

`diagnose(facts)` runs every rule on a `RunFacts` and returns the findings, problems first.
Kinds are stable strings (see KINDS) so scripts and the model card can rely on them.
"""
from core.audit.diagnose._findings import KINDS, Finding, RunFacts
from core.audit.diagnose._rules import diagnose
from core.audit.diagnose._run import diagnose_run, facts_from_run

__all__ = ["KINDS", "Finding", "RunFacts", "diagnose", "diagnose_run", "facts_from_run"]
