"""Fairness x explanation: importance per sensitive group, and what the model gives the
sensitive attribute itself or, when it is not an input, its strongest proxy (the input column
most associated with it: Cramér's V for categories, the correlation ratio for numbers).
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from pandas.api import types as ptypes

MAX_GROUPS = 6  # the rarest groups are pooled as "other" so the chart stays readable


def association(x: pd.Series, s: pd.Series) -> float:
    """0..1: how well column `x` tells the groups of `s` apart."""
    s = s.astype(str).reset_index(drop=True)
    x = x.reset_index(drop=True)
    if ptypes.is_numeric_dtype(x) and not ptypes.is_bool_dtype(x):
        v = x.astype(float)
        v = v.fillna(v.median())
        total = float(((v - v.mean()) ** 2).sum())
        if total == 0:
            return 0.0
        between = float(v.groupby(s).apply(lambda g: len(g) * (g.mean() - v.mean()) ** 2).sum())
        return float(np.sqrt(between / total))  # correlation ratio (eta)
    table = pd.crosstab(x.astype(str), s).to_numpy(dtype=float)
    n = table.sum()
    if n == 0 or min(table.shape) < 2:
        return 0.0
    expected = table.sum(1, keepdims=True) * table.sum(0, keepdims=True) / n
    chi2 = float(((table - expected) ** 2 / expected).sum())
    return float(np.sqrt(chi2 / (n * (min(table.shape) - 1))))  # Cramér's V


def _groups(s: pd.Series) -> pd.Series:
    s = s.astype(str).where(s.notna(), "missing")
    keep = s.value_counts().index[:MAX_GROUPS - 1]
    return s.where(s.isin(keep) | (s.nunique() <= MAX_GROUPS), "other")


def fairness_view(col_shap: np.ndarray, columns: list[str], sensitive: pd.DataFrame,
                  population: pd.DataFrame) -> list[dict]:
    """One entry per sensitive column: group importances, the attribute's or its proxy's weight.

    `sensitive` holds the explained rows (aligned with `col_shap`); `population` (all test rows,
    sensitive columns included) measures the association, which small samples overstate.
    """
    imp = np.abs(col_shap).mean(0)
    rank = {columns[j]: r + 1 for r, j in enumerate(np.argsort(-imp, kind="stable"))}
    out = []
    for s_col in sensitive.columns:
        groups = _groups(sensitive[s_col].reset_index(drop=True))
        per_group = []
        for g in groups.value_counts().index:
            mask = (groups == g).to_numpy()
            per_group.append({"group": str(g), "n": int(mask.sum()),
                              "importance": np.abs(col_shap[mask]).mean(0).tolist()})
        entry = {"sensitive": s_col, "groups": per_group, "columns": columns}
        if s_col in columns:
            j = columns.index(s_col)
            entry.update(feature=s_col, direct=True, association=1.0, importance=float(imp[j]),
                         rank=rank[s_col])
            entry["sentence"] = (f"The model sees '{s_col}' directly: it ranks {rank[s_col]} of "
                                 f"{len(columns)} columns by importance (mean |SHAP| {imp[j]:.3f}).")
        else:
            assoc = {c: association(population[c], population[s_col])
                     for c in columns if c in population}
            proxy = max(assoc, key=assoc.get) if assoc else None
            if proxy is None:
                continue
            j = columns.index(proxy)
            entry.update(feature=proxy, direct=False, association=assoc[proxy], importance=float(imp[j]),
                         rank=rank[proxy])
            entry["sentence"] = (f"The model does not see '{s_col}' directly. Its strongest proxy is "
                                 f"'{proxy}' (association {assoc[proxy]:.2f} on a 0-1 scale), which "
                                 f"ranks {rank[proxy]} of {len(columns)} columns by importance "
                                 f"(mean |SHAP| {imp[j]:.3f}).")
        out.append(entry)
    return out
