"""The whole explanation on real prepared data: the right features on top, by both methods."""
import numpy as np

from core.audit.explain import explain_model, find_row


def test_both_methods_put_the_two_deciding_features_on_top(two_feature):
    bundle, data, model = two_feature
    res = explain_model(model, bundle, data, rows=60, lime_rows=8, seed=0)
    assert {g["feature"] for g in res["global"][:2]} == {"x1", "x2"}
    lime = np.array([r["lime"] for r in res["rows"] if r["lime"] is not None])
    assert len(lime) == 8
    lime_top = np.argsort(-np.abs(lime).mean(0))[:2]
    assert {res["units"][j] for j in lime_top} == {"x1", "x2"}
    assert res["agreement"]["n_rows"] == 8 and res["agreement"]["top_k"] == 5


def test_records_add_up_and_speak_in_original_values(two_feature):
    bundle, data, model = two_feature
    res = explain_model(model, bundle, data, rows=40, lime_rows=3, seed=1)
    assert res["explainer"] == "deep" and res["additivity_error"] < 1e-5
    assert res["sample_note"] == f"Explaining 40 of {len(data.X_test)} test rows, chosen at random with seed 1."
    for rec in res["rows"]:
        # column attributions (one-hot summed) still add up to the explained output
        assert abs(rec["base"] + sum(rec["shap"]) - rec["output"]) < 1e-5
        original = bundle.frame.iloc[rec["row"]]
        assert rec["values"][res["units"].index("colour")] == original["colour"]
        assert rec["true"] == original["label"]
        assert rec["sentence"].startswith(f"The model says '{rec['predicted']}' (")
    wrong = [r for r in res["rows"] if r["predicted"] != r["true"]]
    assert sorted(res["misclassified"]) == sorted(r["pos"] for r in wrong)
    first = find_row(res, res["borderline"][0])
    assert abs(first["output"] - 0.5) == min(abs(r["output"] - 0.5) for r in res["rows"])


def test_the_asked_for_row_is_explained_with_lime(two_feature):
    bundle, data, model = two_feature
    res = explain_model(model, bundle, data, rows=10, lime_rows=2, include=[7])
    rec = find_row(res, 7)
    assert rec["lime"] is not None and rec["agreement"] is not None
    assert res["sample_note"].endswith("plus the 1 row you asked for.") or 7 in range(len(data.X_test))
