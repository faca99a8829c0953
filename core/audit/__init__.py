"""Audits of a trained run: evaluate, diagnose (and later fairness, explain, stress).

Each audit takes plain arrays and run records and returns plain data (dataclasses / dicts)
that pages render and the store keeps with the run.
"""
