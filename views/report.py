"""Report: one model card of a finished run, with every audit, to download as HTML, Markdown or JSON."""
import streamlit as st

from core.audit.records import AuditKind, JobState
from core.errors import LayerLabError
from ui.job_panel import job_panel
from ui.resources import get_runner, get_store
from ui.run_views import pick_run, stop_without_runs

NO_FINISHED_RUN = "No finished run yet: a report is made for a run that has finished training."
AUDITS_FAILED = "The missing audits did not all finish."
SAVED = "Saved with the run: every report of it will carry this text."
STATE_WORDS = {"done": "done: in the report", "not run": "not run: marked so in the report",
               "not applicable": "does not apply to this run"}

st.title("Report")
st.markdown("One report of a trained model: its data, layers, training, test scores and every "
            "audit, as a page that opens anywhere without internet, a Markdown model card and JSON.")

store, runner = get_store(), get_runner()
runs = [r for r in store.list_runs() if r.status == "finished"]
stop_without_runs(runs, NO_FINISHED_RUN)
run_id = pick_run(runs, key="report_run")
run = next(r for r in runs if r.id == run_id)

from core.report import (TODO, audit_status, build_report, card_text, md_escape,  # noqa: E402
                         render_html, render_json, render_markdown, save_card_text)
from core.report.jobs import submit_report_audits  # noqa: E402

card = card_text(store, run_id)
with st.form(f"card-{run_id}"):
    st.markdown("**Who is this model for?** Press Save and every report of this run carries your words.")
    intended = st.text_area("Intended use", card.intended_use, key=f"intended-{run_id}",
                            placeholder="e.g. Ranking loan applications for a human reviewer.")
    scope = st.text_area("Out-of-scope uses", card.out_of_scope, key=f"scope-{run_id}",
                         placeholder="e.g. Not for decisions without a human; not for other countries.")
    if st.form_submit_button("Save", icon=":material/save:"):
        save_card_text(store, run_id, intended, scope)
        st.success(SAVED)

st.subheader("Audits")
states = audit_status(store, run)
st.table({"audit": list(states), "state": [STATE_WORDS[s] for s in states.values()],
          "what to do": [TODO[a].format(run_id=run_id) if s == "not run" else ""
                         for a, s in states.items()]})
missing = [a for a, s in states.items() if s == "not run"]


def _start() -> None:
    try:
        submit_report_audits(store, runner, run_id)
    except LayerLabError as exc:
        st.session_state["report_error"] = str(exc)


rec = job_panel(store, runner, run_id, AuditKind.REPORT_AUDITS, failed_text=AUDITS_FAILED,
                cancellable=True)
busy = bool(rec and rec.active)
if missing:
    st.button(f"Run the missing audits ({', '.join(missing)})", key="report-run-missing",
              icon=":material/play_arrow:", disabled=busy, on_click=_start,
              help="Runs them in the background with their default settings; SHAP and the stress "
                   "test take a minute or two on Adult. The report marks them 'not run' meanwhile.")
elif rec is not None and rec.state is JobState.DONE:
    st.caption("All audits are done.")
if err := st.session_state.pop("report_error", None):
    st.error(err)

try:
    with st.spinner("Gathering the report…"):
        report = build_report(store, run_id)
except LayerLabError as exc:
    st.error(str(exc))
    st.stop()

st.subheader("Download")
c1, c2, c3 = st.columns(3)
c1.download_button("HTML report", render_html(report), f"{run_id}-report.html", "text/html",
                   type="primary", icon=":material/download:", key="report-html")
c2.download_button("Markdown model card", render_markdown(report), f"{run_id}-model-card.md",
                   "text/markdown", icon=":material/download:", key="report-md")
c3.download_button("JSON", render_json(report), f"{run_id}-report.json", "application/json",
                   icon=":material/download:", key="report-json")
st.caption("Next: open the HTML file in any browser (it needs no internet), or put the Markdown "
           "card beside the exported model.")

st.subheader("Preview")
for section in report.sections:
    with st.expander(f"{section.title} · {section.status}", expanded=section.key == "model_details"):
        st.caption(section.intro)
        for text in section.paragraphs:
            st.markdown(md_escape(text))
        for heading, items in section.lists.items():
            if items:
                st.markdown(f"**{heading}**\n\n" + "\n".join(f"- {md_escape(i)}" for i in items))
        for chart in section.charts:
            st.plotly_chart(chart.figure, key=f"preview-{chart.key}", width="stretch")
        for table in section.tables:
            st.caption(table.title)
            st.dataframe({c: [str(r[i]) if r[i] is not None else "n/a" for r in table.rows]
                          for i, c in enumerate(table.columns)}, hide_index=True)
