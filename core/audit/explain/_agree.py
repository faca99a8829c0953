"""How far SHAP and LIME agree on one row, and over a sample of rows, in numbers and in words.

Both are compared on the same units (original columns, superpixels or windows):
- rank correlation (Spearman) of the absolute importances,
- top-k overlap: the share of SHAP's k most important units that are also in LIME's top k,
- sign agreement: among SHAP's top k, the share where LIME's weight points the same way.
"""
from __future__ import annotations

import numpy as np

TOP_K = 5
DISAGREE_OVERLAP = 0.6  # below 3 of 5 shared top features, the page cautions the reviewer


def row_agreement(shap_row: np.ndarray, lime_row: np.ndarray, k: int = TOP_K) -> dict:
    from scipy.stats import spearmanr

    a, b = np.abs(np.asarray(shap_row, float)), np.abs(np.asarray(lime_row, float))
    k = min(k, len(a))
    top_a = np.argsort(-a, kind="stable")[:k]
    top_b = np.argsort(-b, kind="stable")[:k]
    shared = len(set(top_a.tolist()) & set(top_b.tolist()))
    same_sign = np.sign(shap_row[top_a]) == np.sign(lime_row[top_a])
    rho = spearmanr(a, b).statistic if np.ptp(a) > 0 and np.ptp(b) > 0 else float("nan")
    return {"rank_corr": None if np.isnan(rho) else float(rho), "top_k": k, "top_shared": shared,
            "top_overlap": shared / k if k else None, "sign_agreement": float(same_sign.mean()) if k else None}


def sample_agreement(shap_rows: np.ndarray, lime_rows: np.ndarray, k: int = TOP_K) -> dict:
    """Means over rows of `row_agreement`, plus the sentence for the page and the CLI."""
    per = [row_agreement(s, li, k) for s, li in zip(shap_rows, lime_rows)]
    if not per:
        return {"n_rows": 0, "sentence": "No rows were compared."}

    def mean(key):
        vals = [p[key] for p in per if p[key] is not None]
        return float(np.mean(vals)) if vals else None

    out = {"n_rows": len(per), "rank_corr": mean("rank_corr"), "top_overlap": mean("top_overlap"),
           "sign_agreement": mean("sign_agreement"), "top_k": per[0]["top_k"]}
    out["sentence"] = sample_sentence(out)
    out["caution"] = (out["top_overlap"] or 0) < DISAGREE_OVERLAP - 1e-9
    return out


def row_sentence(agree: dict, unit: str = "features") -> str:
    k, shared = agree["top_k"], agree["top_shared"]
    text = f"The two methods agree on {shared} of the {k} most important {unit}"
    if agree["sign_agreement"] is not None:
        same = round(agree["sign_agreement"] * k)
        text += f", and on the direction of {same} of SHAP's top {k}"
    text += "."
    if agree["top_overlap"] is not None and agree["top_overlap"] < DISAGREE_OVERLAP - 1e-9:
        text += (" Caution: they disagree here, so treat this explanation as uncertain; "
                 "look at the features both name.")
    return text


def sample_sentence(agg: dict, unit: str = "features") -> str:
    k = agg["top_k"]
    shared = (agg["top_overlap"] or 0) * k
    text = (f"Over {agg['n_rows']} rows, SHAP and LIME share on average {shared:.1f} of their "
            f"{k} most important {unit}")
    if agg["rank_corr"] is not None:
        text += f" (rank correlation {agg['rank_corr']:.2f})"
    if agg["sign_agreement"] is not None:
        text += f" and agree on the direction {agg['sign_agreement'] * 100:.0f} % of the time"
    text += "."
    if k and shared / k < DISAGREE_OVERLAP - 1e-9:
        text += " Caution: the methods often disagree on this model; read single explanations with care."
    return text
