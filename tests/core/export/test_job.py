"""The export job (what the Export page starts): files in LayerLab's home, result on the run."""
import io
import zipfile

import pytest

from core.audit.records import AuditKind, JobRecord, JobState
from core.errors import LayerLabError
from core.export import NOT_ONE_NETWORK, zip_folder
from core.export.jobs import export_folder, export_job


def test_job_writes_the_files_and_saves_the_check(store, runs):
    rid = runs["binary"]
    export_job({"run_id": rid, "kind": AuditKind.EXPORT, "formats": "all"}, store=store,
               job_id=None, run_id=None)
    rec = JobRecord.read(store, rid, AuditKind.EXPORT)
    assert rec.state is JobState.DONE
    assert rec.result["check"]["max_abs_diff"] <= 1e-4
    assert "same probabilities as LayerLab" in rec.result["sentence"]
    names = zipfile.ZipFile(io.BytesIO(zip_folder(export_folder(rid)))).namelist()
    assert set(names) == set(rec.result["files"]) >= {"model.onnx", "README.md", "spec.json"}


def test_job_failure_keeps_the_message(store, runs):
    rid = runs["mixture"]
    with pytest.raises(LayerLabError):
        export_job({"run_id": rid, "kind": AuditKind.EXPORT}, store=store, job_id=None, run_id=None)
    rec = JobRecord.read(store, rid, AuditKind.EXPORT)
    assert rec.state is JobState.FAILED
    assert rec.error.startswith(NOT_ONE_NETWORK.split("{")[0] + rid)
