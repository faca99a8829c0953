"""The one content structure of a report: sections of paragraphs, tables and charts.

The HTML page, the Markdown model card and the JSON file are three renderings of a `Report`;
nothing is computed while rendering, so all three say the same numbers.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

# Bump when a field is renamed or its meaning changes, so readers of the JSON can tell.
SCHEMA_VERSION = "1.0"

DONE, NOT_RUN, NOT_APPLICABLE = "done", "not run", "not applicable"


@dataclass
class Table:
    title: str
    columns: list[str]
    rows: list[list[Any]]


@dataclass
class Chart:
    key: str  # stable name, e.g. "fairness_selection_rate_sex"
    title: str
    figure: dict  # plotly figure as plain JSON (plotly.io.to_json), drawn by the HTML page only
    table: Table | None = None  # the same data, short, for the Markdown card


@dataclass
class Section:
    key: str  # stable: "model_details", "fairness", ...
    title: str
    intro: str  # one plain sentence saying what the section shows
    hf_section: str = ""  # the Hugging Face model card heading it fills
    mct_field: str = ""  # the Model Card Toolkit field it fills
    status: str = DONE  # DONE, NOT_RUN or NOT_APPLICABLE
    todo: str = ""  # what to do when not run
    paragraphs: list[str] = field(default_factory=list)  # plain sentences; user text allowed
    lists: dict[str, list[str]] = field(default_factory=dict)  # heading -> bulleted items
    tables: list[Table] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)  # the numbers behind the text, for scripts


@dataclass
class Report:
    run_id: str
    title: str
    generated_at: str
    sections: list[Section]
    audits: dict[str, str]  # audit name -> DONE / NOT_RUN / NOT_APPLICABLE
    schema_version: str = SCHEMA_VERSION

    def section(self, key: str) -> Section:
        return next(s for s in self.sections if s.key == key)

    def as_dict(self) -> dict:
        return asdict(self)
