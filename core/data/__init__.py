"""The data path's first step: a dataset (built-in or uploaded CSV) to model-ready arrays.

    ref = ingest_csv(raw_bytes, "people.csv")     # or DatasetRef(name="moons", params={...})
    bundle = load(ref)                            # typed frame, column kinds, target, task, hash
    prepared = prepare(bundle)                    # split, preprocess (fitted on train), report
    bundle, data = prepared(ref)                  # both, cached per process (workers, audits)

A `DatasetRef` (JSON) is all a worker needs to rebuild byte-identical arrays. Column kinds
are inferred (`infer_kind`) and can be corrected by the user through `ref.kinds`; the task
is detected (`detect_task`) unless the ref says it. Every problem raises `DataError` with a
message for people; `dataset_report` summarises a dataset for the CLI and the Data page.
"""
from core.data._cache import prepared
from core.data._builtins import BuiltinInfo, ParamInfo, builtin_datasets, builtin_info
from core.data._csv import MISSING_MARKERS, ingest_csv
from core.data._infer import detect_task, infer_kind
from core.data._load import check_sensitive_count, default_ref, load
from core.data._prepare import DIGITS_PIXEL_MAX, prepare
from core.data._report import class_counts, dataset_report
from core.data._tabular import (MISSING_CATEGORY, NOT_TABULAR_ROWS, input_column_kinds,
                                 transform_rows)
from core.data._tabular import _category_text as category_text
from core.data._types import (ColumnInfo, ColumnKind, DatasetBundle, DatasetRef, Modality,
                              PreparedData, Task)
from core.data._words import join_names

__all__ = [
    "BuiltinInfo", "ParamInfo", "builtin_datasets", "builtin_info", "default_ref",
    "ingest_csv", "load", "prepare", "prepared", "infer_kind", "detect_task", "dataset_report", "class_counts",
    "DatasetRef", "DatasetBundle", "PreparedData", "ColumnInfo", "ColumnKind", "Modality", "Task",
    "MISSING_CATEGORY", "NOT_TABULAR_ROWS", "DIGITS_PIXEL_MAX", "category_text", "input_column_kinds",
    "transform_rows", "check_sensitive_count", "join_names", "MISSING_MARKERS",
]
