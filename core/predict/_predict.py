"""`predict_csv`: new rows of a tabular run in, a prediction, its probability and the top three
reasons per row out, with the rows that cannot be predicted held back and said why."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from core.errors import LayerLabError
from core.predict import _check, _read, _reasons

NOT_FINISHED = "Run {run_id} is {status}, so it has no final model to predict with. {what}"
WHAT_INSTEAD = {
    "queued": "Wait until it has trained, then predict with it.",
    "running": "Wait until it has finished training, or predict with another finished run.",
    "failed": "Fix what made it fail (see its log on the Train page), train it again and predict "
              "with the new run.",
    "stopped": "It was stopped before the end; train it again to the end and predict with that run.",
    "diverged": "Its loss became NaN or infinite, so its weights are not usable; lower the "
                "learning rate, train again and predict with the new run.",
}
FOR_TABLES_ONLY = ("Predicting from a CSV is for runs trained on tables: run {run_id} learned from "
                   "{modality} data, which has no columns to fill in. Look at its answers on the "
                   "Explain and Evaluate pages, or take the network out from the Export page to run "
                   "it on your own {modality}s.")
NO_REASONS = ("Reasons are not given: run {run_id} is a {method} mitigated run, and {why} Its "
              "predictions are given; for reasons, predict with its original run ({parent}).")
RANDOMISED = ("Run {run_id} answers at random with the probability shown (a {method} mitigated "
              "run); answers are drawn with a fixed seed, so the same file gives the same answers.")
REASONS_CAPPED = ("Reasons are given for the first {cap:,} predicted rows (explaining takes time "
                  "per row); the other {rest:,} have a prediction and probability only. Split the "
                  "file to get reasons for every row.")
READ_AS = "Read the file as {encoding}, with columns separated by {delimiter}."
_READS_GROUP = ("threshold_optimizer", "correlation_remover")  # need each row's sensitive columns
OUT_COLUMNS = ("prediction", "probability", "reason_1", "reason_2", "reason_3", "problem")


@dataclass
class PredictionResult:
    """Per-row answers (`rows`), held-back rows (`problems`) and notes on the whole file."""

    run_id: str
    task: str
    needed: list[str]  # the columns the file must have
    table: pd.DataFrame  # every record as read (text), for the output CSV
    rows: list[dict] = field(default_factory=list)  # {row, line, prediction, probability, reasons, flags...}
    problems: list[dict] = field(default_factory=list)  # {row, line, column, message}
    notes: list[str] = field(default_factory=list)
    reasons_cap: int = _reasons.REASONS_CAP
    explainer: str | None = None

    @property
    def counts(self) -> dict:
        held = {p["row"] for p in self.problems}
        return {"rows": len(self.table), "predicted": len(self.rows), "held_back": len(held),
                "flagged": sum(bool(r["flags"]) for r in self.rows)}

    def to_frame(self) -> pd.DataFrame:
        """The file's own columns plus prediction, probability, reason_1..3 and problem."""
        out = self.table.copy()
        for name in OUT_COLUMNS:
            out[name] = ""
        for r in self.rows:
            i = r["row"] - 1
            out.loc[i, "prediction"] = r["prediction"]
            out.loc[i, "probability"] = "" if r["probability"] is None else f"{r['probability']:.4f}"
            for k, text in enumerate(r["reason_texts"], start=1):
                out.loc[i, f"reason_{k}"] = text
            out.loc[i, "problem"] = " ".join(r["flags"])
        for p in self.problems:
            i = p["row"] - 1
            out.loc[i, "problem"] = (out.loc[i, "problem"] + " " + p["message"]).strip()
        return out

    def to_csv_bytes(self) -> bytes:
        return self.to_frame().to_csv(index=False, lineterminator="\n").encode("utf-8")

    def to_dict(self) -> dict:
        rows = [{k: v for k, v in r.items() if k != "contributions"} for r in self.rows]
        return {"run_id": self.run_id, "task": self.task, "needed": self.needed, "rows": rows,
                "problems": self.problems, "notes": self.notes, "counts": self.counts,
                "reasons_cap": self.reasons_cap, "explainer": self.explainer}


def check_run(run) -> None:
    """A run that cannot predict: say why and what to use instead."""
    if run.status != "finished":
        raise LayerLabError(NOT_FINISHED.format(run_id=run.id, status=run.status, what=WHAT_INSTEAD.get(
            run.status, "Predict with a finished run instead.")))


class Predictor:
    """One finished tabular run, ready to check and predict new rows in the user's columns."""

    def __init__(self, store, run_id: str):
        from core.audit.whatif import EditSpace
        from core.trained import load_trained

        run = store.get_run(run_id)
        check_run(run)
        self.model = load_trained(store, run)
        bundle = self.model.bundle
        if bundle.modality != "tabular" or self.model.data.preprocessor is None:
            raise LayerLabError(FOR_TABLES_ONLY.format(run_id=run.id, modality=bundle.modality))
        self.space = EditSpace(self.model)
        self.run_id, self.target = run.id, bundle.target
        reads_group = self.model.method in _READS_GROUP
        self.needed = self.space.inputs + [c for c in self.space.sensitive
                                           if reads_group and c not in self.space.inputs]
        frame = bundle.frame
        self.numeric_in_training = {c for c in self.needed if self.space.columns[c].kind == "categorical"
                                    and pd.api.types.is_numeric_dtype(frame[c])}

    def notes(self) -> list[str]:
        from core.trained import WHY_NOT_DIFFERENTIABLE

        m, out = self.model, []
        method = (m.method or "").replace("_", " ")
        if not m.differentiable:
            out.append(NO_REASONS.format(run_id=self.run_id, method=method,
                                         why=WHY_NOT_DIFFERENTIABLE[m.method],
                                         parent=(m.record or {}).get("parent_id") or "its parent"))
        if m.randomised:
            out.append(RANDOMISED.format(run_id=self.run_id, method=method))
        return out

    def predict_csv(self, source, reasons_cap: int = _reasons.REASONS_CAP) -> PredictionResult:
        """Check and predict a CSV (bytes or a path); reasons for the first `reasons_cap` rows."""
        table = _read.read_table(source, self.needed)
        notes = _check.check_header(table.header, self.needed, self.run_id, self.target)
        checked = _check.check_rows(table, self.space, self.needed, self.numeric_in_training)
        if table.encoding not in ("utf-8", "utf-8-sig") or table.delimiter != ",":
            notes.insert(0, READ_AS.format(encoding={"cp1252": "Windows-1252", "utf-16": "UTF-16"}.get(
                table.encoding, "UTF-8"), delimiter=_read.DELIMITER_WORDS[table.delimiter]))
        width = len(table.header)
        cells = [(r + [""] * width)[:width] for r in table.records]
        names = [h if h else f"column_{i + 1}" for i, h in enumerate(table.header)]
        text = pd.DataFrame(cells, columns=pd.Index(names), dtype=str)
        result = PredictionResult(self.run_id, self.model.task, self.needed, text,
                                  problems=checked.problems, notes=notes + self.notes(),
                                  reasons_cap=reasons_cap)
        lines = {i: table.lines[i] for i in checked.good.index}
        self._answer(result, checked.good, lines, checked.flags)
        return result

    def example_frame(self, n: int = 2) -> pd.DataFrame:
        """The first `n` test rows in the user's columns (the template's examples)."""
        return self.space.test_frame()[self.needed].head(n)

    def raw_csv(self, frame: pd.DataFrame) -> bytes:
        """Rows in the user's columns written back as a CSV a person would upload (empty cells
        for missing values), with a header of the needed columns."""
        from core.data import MISSING_CATEGORY

        out = pd.DataFrame(index=frame.index)
        for c in self.needed:
            col = self.space.columns[c]
            out[c] = [("" if v == MISSING_CATEGORY else str(v)) if col.kind == "categorical"
                      else ("" if pd.isna(v) else repr(col.show(v))) for v in frame[c]]
        return out.to_csv(index=False, lineterminator="\n").encode("utf-8")

    def template_csv(self) -> bytes:
        """The header the file needs plus two example rows from the run's test split."""
        return self.raw_csv(self.example_frame())

    def predict_frame(self, frame: pd.DataFrame) -> list[dict]:
        """Rows already in the user's columns (a form's values) -> the same per-row records."""
        good = frame[self.needed].reset_index(drop=True)
        result = PredictionResult(self.run_id, self.model.task, self.needed, good)
        self._answer(result, good, {i: i + 2 for i in good.index}, {})
        return result.rows

    def _answer(self, result: PredictionResult, good: pd.DataFrame, lines: dict, flags: dict) -> None:
        from core.data import transform_rows

        if good.empty:
            return
        m = self.model
        X = transform_rows(m.data, good)  # (n, n_inputs), the run's own fitted preprocessing
        sens = good[self.space.sensitive].reset_index(drop=True) if m.method in _READS_GROUP else None
        if m.task == "regression":
            labels, answers, probs = None, m.values(X), [None] * len(X)
        else:
            proba = m.proba(X, sensitive=sens)
            labels = m.labels(X, sensitive=sens)
            full = proba if m.task == "multiclass" else np.stack([1 - proba, proba], axis=1)
            answers = [m.classes[k] for k in labels]
            probs = full[np.arange(len(X)), labels]
        expl = self._explain(result, X, labels)
        cells = {c: good[c].tolist() for c in self.needed}  # plain lists: per-cell pandas access is slow
        for j, i in enumerate(good.index):
            rec = {"row": int(i) + 1, "line": int(lines[i]),
                   "prediction": answers[j] if labels is not None else float(answers[j]),
                   "probability": None if probs[j] is None else float(probs[j]),
                   "flags": list(flags.get(i, [])), "reasons": [], "reason_texts": []}
            if expl is not None and j < len(expl["contributions"]):
                contrib = expl["contributions"][j]
                rec["contributions"] = dict(zip(expl["columns"], map(float, contrib)))
                rec["base"], rec["output"] = float(expl["base"][j]), float(expl["outputs"][j])
                values = {c: self.space.columns[c].show(cells[c][j]) for c in self.needed}
                rec["reasons"] = _reasons.top_reasons(expl["columns"], contrib, values)
                rec["reason_texts"] = [_reasons.reason_text(r, m.task) for r in rec["reasons"]]
            result.rows.append(rec)

    def _explain(self, result: PredictionResult, X: np.ndarray, labels) -> dict | None:
        cap = result.reasons_cap
        if not self.model.differentiable or cap <= 0:
            return None
        if len(X) > cap:
            result.notes.append(REASONS_CAPPED.format(cap=cap, rest=len(X) - cap))
        expl = _reasons.explain(self.model, X[:cap], None if labels is None else labels[:cap])
        result.explainer = expl["explainer"]
        return expl


def predict_csv(store, run_id: str, source) -> PredictionResult:
    """Predict every row of a CSV (bytes or a path) with run `run_id`; see `Predictor`."""
    return Predictor(store, run_id).predict_csv(source)
