"""Sections drawn from the saved audits: test metrics, diagnosis, fairness, explanations, robustness.

Every builder reads a saved record (never recomputes one) and returns a `Section`; a missing
record gives a section marked "not run" with what to do (see `_audits.TODO`).
"""
from __future__ import annotations

from core.report._format import figure_json, metric_text, num, pct
from core.report._model import Chart, Section, Table

MAPPING = {  # section key -> (Hugging Face model card heading, Model Card Toolkit field)
    "metrics": ("Evaluation: Testing Data, Factors & Metrics / Results",
                "quantitative_analysis.performance_metrics"),
    "diagnosis": ("Bias, Risks, and Limitations", "considerations.limitations"),
    "fairness": ("Evaluation: Factors / Bias, Risks, and Limitations",
                 "considerations.ethical_considerations / quantitative_analysis"),
    "explain": ("Model Examination", "quantitative_analysis.graphics"),
    "stress": ("Evaluation: Results (robustness)", "quantitative_analysis.performance_metrics"),
}
INTROS = {
    "metrics": "How well the model does on test rows it never saw, beside two simple baselines.",
    "diagnosis": "What LayerLab's rules found in the training curves and layers, with advice.",
    "fairness": "Whether the model treats the groups of a sensitive column differently, with 95 % "
                "intervals, and what any mitigation changed.",
    "explain": "Which columns drive the model's answers, by SHAP and by LIME, and how far the two agree.",
    "stress": "How the score falls when inputs are attacked or damaged, and for which groups most.",
}
TITLES = {"metrics": "Test metrics", "diagnosis": "Diagnosis", "fairness": "Fairness",
          "explain": "Explanations (SHAP and LIME)", "stress": "Robustness"}


def section(key: str, **kw) -> Section:
    hf, mct = MAPPING[key]
    return Section(key, TITLES[key], INTROS[key], hf_section=hf, mct_field=mct, **kw)


def metrics(ev: dict, linear: dict | None, n_test: int) -> Section:
    rows = [[m["name"], metric_text(m["name"], m["value"]), m["meaning"]] for m in ev["metrics"]]
    base = ev["baseline"]
    rows.append([f"{base['name']} (majority / mean)", metric_text(base["name"], base["value"]),
                 base["meaning"]])
    if linear:
        rows.append([f"linear baseline ({linear['model']})",
                     metric_text(linear["metric"], linear["value"]),
                     "What a straight-line model fitted on the same training rows gets."])
    headline = "accuracy" if ev["task"] != "regression" else "r2"
    value = next(m["value"] for m in ev["metrics"] if m["name"] == headline)
    text = (f"On the {n_test:,} test rows the model's {headline} is {metric_text(headline, value)}; "
            f"{base['meaning']}")
    if linear:
        text += (f" A straight-line model ({linear['model']}) gets "
                 f"{metric_text(linear['metric'], linear['value'])}.")
    charts = []
    if ev.get("confusion"):
        from core.plots.evaluate import confusion_matrix

        table = Table("Confusion matrix (rows: true class, columns: predicted)",
                      ["true \\ predicted", *ev["classes"]],
                      [[c, *r] for c, r in zip(ev["classes"], ev["confusion"])])
        charts.append(Chart("confusion", "Confusion matrix",
                            figure_json(confusion_matrix(ev["confusion"], ev["classes"])), table))
    return section("metrics", paragraphs=[text], charts=charts,
                   tables=[Table("Test metrics", ["metric", "value", "meaning"], rows)],
                   data={"task": ev["task"], "metrics": {m["name"]: m["value"] for m in ev["metrics"]},
                         "baseline": base, "linear_baseline": linear, "n_test": n_test})


def diagnosis(findings: list[dict]) -> Section:
    if not findings:
        return section("diagnosis", paragraphs=["The rules found nothing to worry about."],
                       data={"findings": []})
    rows = [[f["severity"], f["title"], f["evidence"], f["advice"]] for f in findings]
    n_problems = sum(f["severity"] == "problem" for f in findings)
    return section("diagnosis",
                   paragraphs=[f"{len(findings)} findings, {n_problems} of them problems to fix."],
                   tables=[Table("Findings", ["severity", "finding", "evidence", "what to try"], rows)],
                   data={"findings": findings})


def _with_ci(row: dict, metric: str) -> str:
    ci = row.get(f"{metric}_ci")
    value = metric_text(metric, row.get(metric))
    if not ci or ci[0] is None or ci[1] is None:
        return value
    return f"{value} [{metric_text(metric, ci[0])} – {metric_text(metric, ci[1])}]"


def _fairness_tables(key: str, rep: dict) -> tuple[list[Table], list[Chart]]:
    from core.plots.fairness import group_bars

    by = " × ".join(rep["sensitive"])
    shown = [m for m in ("selection_rate", "accuracy", "true_positive_rate", "mae")
             if m in rep["groups"]["metrics"]]
    table = Table(f"Groups of {by} (95 % intervals in brackets)",
                  ["group", "test rows", *[m.replace("_", " ") for m in shown]],
                  [[r["group"] + (" (small)" if r["small"] else ""), r.get("count"),
                    *[_with_ci(r, m) for m in shown]] for r in rep["groups"]["rows"]])
    disp = Table(f"Gaps between groups of {by}", ["measure", "value", "meaning"],
                 [[k, num(v), rep["disparity_meanings"].get(k, "")]
                  for k, v in rep["disparities"].items()])
    charts = [Chart(f"fairness_{m}_{by}", f"{m.replace('_', ' ')} by {by}",
                    figure_json(group_bars(rep, m))) for m in shown[:2]]
    return [table, disp] if rep["disparities"] else [table], charts


def fairness(reports: dict[str, dict], mitigation: dict | None) -> Section:
    paragraphs, tables, charts = [], [], []
    for key, rep in reports.items():
        paragraphs.extend(rep.get("summary") or [])
        if not rep["groups"].get("n_boot"):
            paragraphs.append(f"The groups of {' × '.join(rep['sensitive'])} were measured without "
                              "bootstrap intervals; open the Fairness page to compute them.")
        t, c = _fairness_tables(key, rep)
        tables += t
        charts += c
    if mitigation:
        rows = mitigation["comparison"]
        tables.append(Table("Mitigation: before and after on the test split",
                            ["run", "method", "accuracy", "demographic parity difference",
                             "equalized odds difference"],
                            [[r["run_id"], r["method"], pct(r.get("accuracy")),
                              num(r.get("demographic_parity_difference")),
                              num(r.get("equalized_odds_difference"))] for r in rows]))
    else:
        paragraphs.append("No mitigation was tried on this run.")
    return section("fairness", paragraphs=paragraphs, tables=tables, charts=charts,
                   data={"reports": reports, "mitigation": mitigation})


def explain(result: dict, top: int = 10) -> Section:
    from core.plots.explain import importance_bar

    agree = result.get("agreement") or {}
    items = result["global"][:top]
    table = Table(f"Most important columns (mean |SHAP|, top {len(items)})", ["column", "importance"],
                  [[i["feature"], num(i["importance"], 4)] for i in items])
    paragraphs = [f"The column that moves the answers most is '{items[0]['feature']}'." if items else ""]
    if agree.get("sentence"):
        paragraphs.append(agree["sentence"])
    rows = [["rows compared", agree.get("n_rows")], ["rank correlation", num(agree.get("rank_corr"), 2)],
            ["share of top features shared", pct(agree.get("top_overlap"))],
            ["same direction", pct(agree.get("sign_agreement"))]]
    return section("explain", paragraphs=[p for p in paragraphs if p],
                   tables=[Table("SHAP and LIME agreement", ["measure", "value"], rows)],
                   charts=[Chart("explain_importance", "Global importance",
                                 figure_json(importance_bar(result, top)), table)],
                   data={"global": items, "agreement": agree})


def stress(result: dict) -> Section:
    from core.plots.stress import curves_figure

    metric = result["metric"]
    rows = [[c["title"], *[metric_text(metric, p["metric"]) for p in c["points"]]]
            for c in result["curves"]]
    strengths = [p["strength"] for p in result["curves"][0]["points"]] if result["curves"] else []
    curve_table = Table(f"{metric} at each strength ε ({result.get('unit', '')})",
                        ["attack / damage", *[f"ε = {s:g}" for s in strengths]], rows)
    tables = []
    if result.get("groups"):
        tables.append(Table(f"By group: {result.get('focus_attack')} at ε = "
                            f"{result.get('reference_strength')}",
                            ["column", "group", "test rows", "clean", "attacked", "attack success rate"],
                            [[g["column"], g["group"], g["n"], metric_text(metric, g["clean"]),
                              metric_text(metric, g["attacked"]), pct(g["success_rate"])]
                             for g in result["groups"]]))
    return section("stress", paragraphs=[result["summary"], *result.get("notes", [])],
                   tables=tables,
                   charts=[Chart("stress_curves", "Score against strength",
                                 figure_json(curves_figure(result)), curve_table)],
                   data={"metric": metric, "clean": result.get("clean"),
                         "curves": result["curves"], "groups": result.get("groups", [])})
