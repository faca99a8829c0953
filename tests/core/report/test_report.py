"""The report: every section, numbers equal to the saved records, "not run", escaping, plotly once."""
import json
import re

import numpy as np

from core.audit.records import AuditKind, JobRecord, read_record
from core.report import (NOT_RUN, RUN_MISSING_HINT, SCHEMA_VERSION, build_report, md_escape,
                         render_html, render_json, render_markdown)
from core.report._format import pct
from core.report._words import FAIR_GAP, NOT_RUN_LIMIT, STRESS_DROP, VS_LINEAR, VS_MAJORITY

SECTIONS = ["model_details", "intended_use", "training_data", "architecture", "training", "metrics",
            "diagnosis", "fairness", "explain", "stress", "limitations", "reproducibility"]
EVIL = "<script>alert('x')</script> [click](https://evil.example) **bold**"


def test_every_section_is_present_in_all_three_renderings(store, audited_run):
    report = build_report(store, audited_run)
    assert [s.key for s in report.sections] == SECTIONS
    html, md = render_html(report), render_markdown(report)
    data = json.loads(render_json(report))
    assert data["schema_version"] == SCHEMA_VERSION
    assert [s["key"] for s in data["sections"]] == SECTIONS
    for s in report.sections:
        assert f'<section id="{s.key}"' in html
        assert f"## {md_escape(s.title)}" in md
        assert s.intro and s.intro.endswith(".")


def test_test_accuracy_is_the_records_and_a_hand_computation(store, audited_run):
    from core.trained import load_trained

    report = build_report(store, audited_run)
    metrics = report.section("metrics").data
    saved = read_record(store, audited_run, AuditKind.EVALUATION).evaluation
    assert metrics["metrics"] == {m["name"]: m["value"] for m in saved["metrics"]}
    model = load_trained(store, audited_run)
    by_hand = float(np.mean(model.labels("test") == model.data.y_test))
    assert abs(metrics["metrics"]["accuracy"] - by_hand) < 1e-9
    majority = float(np.mean(model.data.y_test == np.bincount(model.data.y_train).argmax()))
    assert abs(metrics["baseline"]["value"] - majority) < 1e-9
    linear = read_record(store, audited_run, AuditKind.LINEAR_BASELINE).baseline
    assert metrics["linear_baseline"] == linear
    limits = report.section("limitations").data["limitations"]
    acc, base = by_hand, majority
    assert VS_MAJORITY.format(n=len(model.data.y_test), acc=pct(acc), diff=abs(acc - base) * 100,
                              side="above" if acc >= base else "below", base=pct(base)) in limits
    side = "above" if acc >= linear["value"] else "below"
    assert VS_LINEAR.format(model=linear["model"], linear=pct(linear["value"]),
                            diff=abs(acc - linear["value"]) * 100, side=side) in limits
    assert f"On the {len(model.data.y_test):,} test rows the model's accuracy is {pct(acc)}" \
        in report.section("metrics").paragraphs[0]


def test_fairness_stress_and_diagnosis_numbers_are_the_saved_ones(store, audited_run):
    report = build_report(store, audited_run)
    saved = dict(read_record(store, audited_run, AuditKind.FAIRNESS).root)
    assert report.section("fairness").data["reports"] == saved
    rep = saved["sex|"]
    disp = rep["disparities"]
    limits = report.section("limitations").data["limitations"]
    assert FAIR_GAP.format(by="sex", positive=rep["positive"],
                           gap=disp["demographic_parity_difference"] * 100,
                           ratio=disp["demographic_parity_ratio"]) in limits
    female = next(r for r in rep["groups"]["rows"] if r["group"] == "Female")
    table = report.section("fairness").tables[0]
    row = next(r for r in table.rows if r[0] == "Female")
    lo, hi = female["selection_rate_ci"]
    assert row[2] == f"{pct(female['selection_rate'])} [{pct(lo)} – {pct(hi)}]"
    stress = JobRecord.read(store, audited_run, AuditKind.STRESS).result
    assert report.section("stress").data["curves"] == stress["curves"]
    worst = min(stress["curves"], key=lambda c: c["points"][-1]["metric"])
    assert STRESS_DROP.format(title=worst["title"], eps=0.3, metric="accuracy",
                              clean=pct(stress["clean"]), worst=pct(worst["points"][-1]["metric"])) in limits
    findings = read_record(store, audited_run, AuditKind.DIAGNOSIS).findings
    assert report.section("diagnosis").data["findings"] == findings
    assert report.section("reproducibility").data["dataset_hash"] == store.get_run(audited_run).dataset_hash


def test_an_audit_not_run_is_marked_with_what_to_do(store, audited_run):
    report = build_report(store, audited_run)
    assert report.audits["explain"] == NOT_RUN
    sec = report.section("explain")
    assert sec.status == NOT_RUN and f"python -m core audit explain {audited_run}" in sec.todo
    assert RUN_MISSING_HINT in sec.todo
    assert NOT_RUN_LIMIT.format(audit="explain", topic="which columns drive the answers") \
        in report.section("limitations").data["limitations"]
    assert "## Explanations \\(SHAP and LIME\\) (not run)" in render_markdown(report)


def test_html_is_self_contained_with_plotly_once(store, audited_run):
    from plotly.offline import get_plotlyjs

    html = render_html(build_report(store, audited_run))
    bundle_start = get_plotlyjs()[:200]
    assert html.count(bundle_start) == 1
    assert not re.search(r"<script[^>]*\bsrc\s*=\s*[\"']?https?:", html, re.I)
    assert not re.search(r"<link[^>]*https?:", html, re.I)
    assert html.count('class="plotly-graph-div"') >= 4  # training, confusion, fairness, stress


def test_user_text_is_saved_and_escaped(store, audited_run):
    build_report(store, audited_run, intended_use=EVIL, out_of_scope="Hiring [decisions](x)")
    report = build_report(store, audited_run)  # kept with the run
    assert report.section("intended_use").data["intended_use"] == EVIL
    html, md = render_html(report), render_markdown(report)
    assert "<script>alert" not in html and "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    assert "<script>" not in md and "[click](" not in md and "**bold**" not in md
    assert "\\[click\\]\\(https://evil.example\\)" in md and "Hiring \\[decisions\\]\\(x\\)" in md
    assert json.loads(render_json(report))["sections"][1]["data"]["out_of_scope"] == "Hiring [decisions](x)"


def test_cli_writes_three_files_and_one_json_line(store, audited_run, tmp_path, capsys):
    from core.__main__ import main

    out, md, js = tmp_path / "r.html", tmp_path / "card.md", tmp_path / "r.json"
    code = main(["report", audited_run, "--out", str(out), "--markdown", str(md),
                 "--json-out", str(js), "--json"])
    captured = capsys.readouterr()
    assert code == 0 and captured.err == ""
    last = json.loads(captured.out.strip().splitlines()[-1])
    assert last["files"] == {"html": str(out), "markdown": str(md), "json": str(js)}
    assert last["audits"]["explain"] == NOT_RUN and last["audits"]["fairness"] == "done"
    assert out.read_text().startswith("<!DOCTYPE html>")
    assert json.loads(js.read_text())["run_id"] == audited_run


def test_cli_refuses_an_unfinished_run(store, audited_run, capsys):
    from core.__main__ import main
    from core.report import NOT_FINISHED

    store.set_status(audited_run, "running")
    try:
        assert main(["report", audited_run]) == 2
    finally:
        store.set_status(audited_run, "finished")
    assert capsys.readouterr().err.strip() == "error: " + NOT_FINISHED.format(
        run_id=audited_run, status="running")
