"""Every number the stress summary names is the number on the curve it names (issue 12)."""
import re
from types import SimpleNamespace

import pytest

from core.audit.stress import StressSettings, stress_model
from core.audit.stress._report import strongest_attack, summary
from core.data import prepared
from core.trained import load_network

TABULAR = SimpleNamespace(modality="tabular")


def _curve(name, title, kind, metrics, changed=None):
    strengths = [0.0, 0.1, 0.3, 0.5][:len(metrics)]
    changed = changed or [0.0] * len(metrics)
    return {"name": name, "title": title, "kind": kind,
            "points": [{"strength": s, "metric": m, "changed": c}
                       for s, m, c in zip(strengths, metrics, changed)]}


def test_strongest_attack_names_the_largest_strength_not_the_reference_one():
    curves = [_curve("noise", "Random noise", "corruption", [0.552, 0.55, 0.54, 0.53]),
              _curve("fgsm", "FGSM", "attack", [0.552, 0.30, 0.20, 0.10]),
              _curve("pgd_linf", "PGD (L∞)", "attack", [0.552, 0.233, 0.12, 0.041],
                     changed=[0, 0.4, 0.6, 0.8])]
    text = summary(curves, 0.552, 0.1, "binary", TABULAR)
    assert "Accuracy falls from 55.2 % to 4.1 % under the strongest attack (PGD (L∞) at 0.5" in text
    assert "23.3 %" not in text
    assert "PGD (L∞) at the same size flips 40 % of predictions" in text  # reference point: 0.1


def test_regression_summary_names_the_highest_error_at_the_largest_strength():
    curves = [_curve("fgsm", "FGSM", "attack", [2.0, 3.0, 9.0]),
              _curve("pgd_linf", "PGD (L∞)", "attack", [2.0, 4.0, 7.5])]
    text = summary(curves, 2.0, 0.1, "regression", TABULAR)
    assert "rises from 2 to 9 under the strongest attack (FGSM at 0.3" in text
    assert strongest_attack([], "binary") is None


def test_real_stress_result_sentence_matches_its_curves(digits_run):
    store, run_id = digits_run
    run = store.get_run(run_id)
    bundle, data = prepared(run.dataset)
    settings = StressSettings(strengths=[0, 0.05, 0.1, 0.3], n_rows=200, steps=5)
    result = stress_model(load_network(run, store), bundle, data, settings)
    attacks = [c for c in result["curves"] if c["kind"] == "attack"]
    at_top = [c["points"][-1]["metric"] for c in attacks]  # strengths are in increasing order
    found = re.search(r"Accuracy falls from ([\d.]+) % to ([\d.]+) % under the strongest attack "
                      r"\((.+) at ([\d.]+),", result["summary"])
    assert found, result["summary"]
    assert float(found[1]) == pytest.approx(100 * result["clean"], abs=0.05)
    assert float(found[2]) == pytest.approx(100 * min(at_top), abs=0.05)
    assert float(found[4]) == max(result["strengths"])
    # Each "flips N %" names the reference-strength point of its own curve.
    for c in result["curves"]:
        p = next(p for p in c["points"] if p["strength"] == result["reference_strength"])
        if c["kind"] == "attack":
            assert f"{c['title']}" in result["summary"]
            assert f"flips {100 * p['changed']:.0f} % of predictions" in result["summary"]
