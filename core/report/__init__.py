"""One report of a finished run: a model card as self-contained HTML, Markdown and JSON.

    report = build_report(store, run_id, intended_use="Screening ...", run_missing=False)
    render_html(report)      # one file, opens offline, interactive plotly charts
    render_markdown(report)  # a Hugging Face style model card
    render_json(report)      # the structure itself, with report.schema_version

`build_report` reads the saved audit records (core.audit.records) and never recomputes them;
an audit not yet run is a section marked "not run" with what to do, or, with run_missing,
is run first (the "report_audits" job on the page, in-process from the CLI).

Sections, with the Hugging Face model card heading and the Model Card Toolkit field each fills:
    model_details    Model Details                          model_details
    intended_use     Uses (Direct / Out-of-Scope Use)       considerations.use_cases / out_of_scope_uses
    training_data    Training Details: Data, Preprocessing  model_parameters.data
    architecture     Technical Specifications: Architecture model_parameters.model_architecture
    training         Training Details: Training Procedure   quantitative_analysis.graphics
    metrics          Evaluation: Metrics / Results          quantitative_analysis.performance_metrics
    diagnosis        Bias, Risks, and Limitations           considerations.limitations
    fairness         Evaluation: Factors; Bias and Risks    considerations.ethical_considerations
    explain          Model Examination                      quantitative_analysis.graphics
    stress           Evaluation: Results (robustness)       quantitative_analysis.performance_metrics
    limitations      Bias, Risks, Limitations; Recommendations  considerations.limitations
    reproducibility  Technical Specifications: Software     model_details.version / model_parameters
"""
from core.report._audits import (AUDITS, CARD_KIND, RUN_MISSING_HINT, TODO, audit_status, card_text,
                                 run_missing_audits, save_card_text)
from core.report._build import NOT_FINISHED, build_report
from core.report._model import (DONE, NOT_APPLICABLE, NOT_RUN, SCHEMA_VERSION, Chart, Report,
                                Section, Table)
from core.report._render_html import render_html
from core.report._render_text import md_escape, render_json, render_markdown

__all__ = ["AUDITS", "CARD_KIND", "DONE", "NOT_APPLICABLE", "NOT_FINISHED", "NOT_RUN", "RUN_MISSING_HINT",
           "SCHEMA_VERSION", "TODO", "Chart", "Report", "Section", "Table", "audit_status",
           "build_report", "card_text", "md_escape", "render_html", "render_json",
           "render_markdown", "run_missing_audits", "save_card_text"]
