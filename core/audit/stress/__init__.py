"""Stress test: how easily a trained model is pushed into mistakes, by what, and for whom.

    result = stress_run(store, run_id, StressSettings(attacks=["fgsm", "pgd_linf"]))
    result["curves"]   # accuracy (or MAE) vs strength per attack and corruption
    result["summary"]  # one plain paragraph; result["examples"], result["groups"]

Attacks (FGSM, PGD in L∞ and L2) are a few lines of PyTorch written here because the
libraries cannot keep table constraints: only numeric columns move, in units of each
column's standard deviation; categories, sensitive and locked columns stay fixed; images stay
in the valid pixel range. Corruptions (noise, category flips, missing values, blur,
occlusion) show what ordinary damage does on the same axis. `adversarial_train` retrains a
run with PGD examples mixed in, as a new run linked to the original.
Heavy work runs as the "stress" and "adv_train" jobs (see jobs.py).
"""
from core.audit.records import AuditKind
from core.audit.stress._advtrain import AdvSettings, submit_adversarial
from core.audit.stress._attacks import ATTACK_TITLES, ATTACKS, Constraint, fgsm, pgd, run_attack
from core.audit.stress._corrupt import corruptions_for
from core.audit.stress._run import stress_model, stress_run
from core.audit.stress._settings import DEFAULT_STRENGTHS, StressSettings
from core.audit.stress._space import AttackSpace, attack_space, lockable_columns

AUDIT_KIND = AuditKind.STRESS

__all__ = ["ATTACKS", "ATTACK_TITLES", "Constraint", "fgsm", "pgd", "run_attack", "stress_model",
           "stress_run", "StressSettings", "DEFAULT_STRENGTHS", "AttackSpace", "attack_space",
           "lockable_columns", "AUDIT_KIND", "AdvSettings", "submit_adversarial", "corruptions_for"]
