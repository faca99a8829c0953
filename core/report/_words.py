"""Limitations and recommendations in plain words, derived from the saved audits.

Every number a sentence names comes from the record it describes, formatted with
core.report._format (tests rebuild the sentences from the records and compare).
"""
from __future__ import annotations

from core.report._format import metric_text, pct
from core.report._model import NOT_RUN, Section

VS_MAJORITY = ("On the {n:,} test rows the model's accuracy is {acc}, {diff:.1f} points {side} "
               "always answering the most common class ({base}).")
VS_LINEAR = "A straight-line model ({model}) gets {linear}: the network is {diff:.1f} points {side} it."
FAIR_GAP = ("By {by}, the share of rows predicted '{positive}' differs by up to {gap:.1f} percentage "
            "points between groups (demographic parity ratio {ratio:.2f}; the four-fifths rule asks "
            "for at least 0.80).")
SMALL_GROUPS = "Groups of {by} with fewer than 30 test rows ({names}) are too small to judge."
DISAGREE = ("SHAP and LIME often disagree on this model (they share {shared:.1f} of their {k} top "
            "columns on average), so treat single explanations with care.")
STRESS_DROP = "Under {title} at ε = {eps:g}, the {metric} falls from {clean} to {worst}."
NOT_RUN_LIMIT = "The {audit} audit was not run, so this report says nothing about {topic}."
TEST_SPLIT = ("All numbers come from {n:,} held-out test rows of the same dataset; data from another "
              "place or time may behave differently.")
MITIGATE = ("Try a mitigation on the Fairness page (for example ThresholdOptimizer) and compare "
            "accuracy and gaps before and after.")
ADV_TRAIN = "Consider adversarial training on the Stress test page if inputs may be manipulated."
TOPICS = {"evaluation": "the test metrics", "diagnosis": "problems in training",
          "fairness": "how groups are treated", "explain": "which columns drive the answers",
          "stress": "robustness to attacks and damage"}
BIG_GAP = 0.1  # demographic parity difference above which a mitigation is recommended
BIG_DROP = 0.1  # fall in accuracy (0..1) under attack above which adversarial training is suggested


def _side(diff: float) -> str:
    return "above" if diff >= 0 else "below"


def _metrics_words(sec: Section, limits: list[str]) -> None:
    d = sec.data
    if d["task"] == "regression":
        return
    acc, base = d["metrics"]["accuracy"], d["baseline"]["value"]
    limits.append(VS_MAJORITY.format(n=d["n_test"], acc=pct(acc), diff=abs(acc - base) * 100,
                                     side=_side(acc - base), base=pct(base)))
    lin = d.get("linear_baseline")
    if lin and lin["metric"] == "accuracy":
        limits.append(VS_LINEAR.format(model=lin["model"], linear=pct(lin["value"]),
                                       diff=abs(acc - lin["value"]) * 100, side=_side(acc - lin["value"])))


def _fairness_words(sec: Section, limits: list[str], recs: list[str]) -> None:
    big = False
    for rep in sec.data["reports"].values():
        by = " × ".join(rep["sensitive"])
        disp = rep.get("disparities") or {}
        if "demographic_parity_difference" in disp and disp["demographic_parity_difference"] is not None:
            gap = disp["demographic_parity_difference"]
            limits.append(FAIR_GAP.format(by=by, positive=rep.get("positive"), gap=gap * 100,
                                          ratio=disp.get("demographic_parity_ratio") or 0.0))
            big = big or gap > BIG_GAP
        small = [r["group"] for r in rep["groups"]["rows"] if r["small"]]
        if small:
            limits.append(SMALL_GROUPS.format(by=by, names=", ".join(small)))
    if big and not sec.data.get("mitigation"):
        recs.append(MITIGATE)


def _explain_words(sec: Section, limits: list[str]) -> None:
    agree = sec.data["agreement"]
    if agree.get("caution"):
        limits.append(DISAGREE.format(shared=(agree.get("top_overlap") or 0) * agree["top_k"],
                                      k=agree["top_k"]))


def worst_curve(data: dict) -> tuple[dict, dict] | None:
    """The curve and point with the lowest score at the largest strength (accuracy only)."""
    if data["metric"] != "accuracy" or not data["curves"]:
        return None
    curve = min(data["curves"], key=lambda c: c["points"][-1]["metric"])
    return curve, curve["points"][-1]


def _stress_words(sec: Section, limits: list[str], recs: list[str]) -> None:
    worst = worst_curve(sec.data)
    if worst is None or sec.data["clean"] is None:
        return
    curve, point = worst
    limits.append(STRESS_DROP.format(title=curve["title"], eps=point["strength"],
                                     metric=sec.data["metric"],
                                     clean=metric_text("accuracy", sec.data["clean"]),
                                     worst=metric_text("accuracy", point["metric"])))
    if sec.data["clean"] - point["metric"] > BIG_DROP:
        recs.append(ADV_TRAIN)


def limitations(sections: dict[str, Section], audits: dict[str, str], n_test: int) -> Section:
    limits, recs = [TEST_SPLIT.format(n=n_test)], []
    for key, words in (("metrics", _metrics_words), ("explain", _explain_words)):
        if key in sections and sections[key].status != NOT_RUN:
            words(sections[key], limits)
    for key, words in (("fairness", _fairness_words), ("stress", _stress_words)):
        if key in sections and sections[key].status != NOT_RUN:
            words(sections[key], limits, recs)
    diag = sections.get("diagnosis")
    for f in (diag.data.get("findings", []) if diag and diag.status != NOT_RUN else []):
        limits.append(f"{f['title']}: {f['evidence']}")
        recs.append(f["advice"])
    for audit, state in audits.items():
        if state == NOT_RUN:
            limits.append(NOT_RUN_LIMIT.format(audit=audit, topic=TOPICS[audit]))
    for key in ("evaluation", "diagnosis", "fairness", "explain", "stress"):
        sec = next((s for s in sections.values() if s.status == NOT_RUN and s.todo
                    and _audit_of(s.key) == key), None)
        if sec is not None and sec.todo not in recs:
            recs.append(sec.todo)
    return Section("limitations", "Limitations and recommendations",
                   "What this model cannot be trusted for, and what to do next, from the audits above.",
                   hf_section="Bias, Risks, and Limitations / Recommendations",
                   mct_field="considerations.limitations / considerations.ethical_considerations",
                   lists={"Limitations": limits, "Recommendations": recs},
                   data={"limitations": limits, "recommendations": recs})


def _audit_of(section_key: str) -> str:
    return {"metrics": "evaluation"}.get(section_key, section_key)
