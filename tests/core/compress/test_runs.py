"""Pruning and quantization of a trained run: child runs linked to their parent, the numbers
checked against onnxruntime, the jobs' records, the CLI, and the runs that are refused."""
import json

import pytest

from core.__main__ import main
from core.audit.records import AuditKind, JobRecord, JobState
from core.compress import NOT_FINISHED, NOT_ONE_NETWORK, PRUNE_FRACTION, prune_run, quantize_run
from core.errors import LayerLabError


@pytest.fixture(scope="module")
def pruned(runs, shared_home):
    from core.runs import open_store
    from tests.module_home import in_home

    with in_home(shared_home):
        return prune_run(open_store(), runs["binary"], 0.3, finetune_epochs=2)


def test_pruned_child_is_smaller_and_linked(store, runs, pruned):
    from core.build import count_params
    from core.trained import load_trained

    parent, child = store.get_run(runs["binary"]), store.get_run(pruned["child_id"])
    assert child.parent_id == parent.id and child.kind == "pruned" and child.status == "finished"
    assert [layer["units"] for layer in child.spec["layers"]] == [90, 45]  # round(0.7 x 128, 64)
    net = load_trained(store, child).network
    assert count_params(net) == pruned["after"]["params"] < pruned["before"]["params"]
    assert pruned["after"]["bytes"] < pruned["before"]["bytes"]
    assert pruned["after"]["metric"] == child.test_metrics["accuracy"]
    assert pruned["before"]["metric"] == parent.test_metrics["accuracy"]
    assert store.get_audit(child.id, AuditKind.COMPRESSION)["method"] == "prune"


def test_script_export_of_a_pruned_run_is_refused(store, pruned, tmp_path):
    from core.export import SCRIPT_CANNOT_REPRODUCE, export_run
    from core.export._script import WHY_KIND

    with pytest.raises(LayerLabError) as e:
        export_run(store, pruned["child_id"], tmp_path, "script")
    why = WHY_KIND.format(kind="pruned", how="pruning a trained parent")
    assert str(e.value) == SCRIPT_CANNOT_REPRODUCE.format(run_id=pruned["child_id"], why=why)


def test_quantized_file_measured_in_onnxruntime(store, runs):
    import onnxruntime as ort

    from core.trained import load_trained

    result = quantize_run(store, runs["binary"])
    child = store.get_run(result["child_id"])
    assert child.parent_id == runs["binary"] and child.kind == "quantized"
    parent = load_trained(store, runs["binary"])
    frame = parent.bundle.frame.iloc[parent.data.idx_test]
    from core.export import raw_feed

    layout = json.loads((__import__("pathlib").Path(result["file"]).parent / "manifest.json")
                        .read_text())["formats"]["onnx"]["inputs"]
    session = ort.InferenceSession(result["file"], providers=["CPUExecutionProvider"])
    labels = session.run(None, raw_feed(frame, layout))[1]
    assert result["after"]["metric"] == pytest.approx(float((labels == parent.data.y_test).mean()))
    assert result["before"]["metric"] == pytest.approx(parent.run.test_metrics["accuracy"], abs=1e-6)
    assert result["after"]["bytes"] < result["before"]["bytes"]
    assert child.test_metrics["accuracy"] == result["after"]["metric"]
    assert all(result[k][f"ms_batch_{b}"] > 0 for k in ("before", "after") for b in (1, 256))
    assert any(s.startswith("At batch 256, int8 is") for s in result["sentences"])


def test_int8_slower_and_not_smaller_is_said():
    from core.compress import quantize_sentences

    same = {"bytes": 1000, "metric": 0.8, "ms_batch_1": 0.1, "ms_batch_256": 1.0}
    words = quantize_sentences({"before": same, "rows": 10, "metric": "accuracy",
                                "after": dict(same, bytes=990, ms_batch_1=0.2, ms_batch_256=2.0)})
    assert any("not meaningfully smaller" in s for s in words)
    assert any(s.startswith("At batch 1, int8 is slower") for s in words)
    assert words[-1] == "Next: keep the float file; int8 brings nothing for this model."


def test_refused_runs(store, runs, mixture):
    with pytest.raises(LayerLabError) as e:
        prune_run(store, runs["queued"], 0.3)
    assert str(e.value) == NOT_FINISHED.format(run_id=runs["queued"], status="queued")
    from core.trained import WHY_NOT_DIFFERENTIABLE

    for fn in (lambda r: prune_run(store, r, 0.3), lambda r: quantize_run(store, r)):
        with pytest.raises(LayerLabError) as e:
            fn(mixture)
        assert str(e.value) == NOT_ONE_NETWORK.format(
            run_id=mixture, method="exponentiated gradient",
            why=WHY_NOT_DIFFERENTIABLE["exponentiated_gradient"], parent=store.get_run(mixture).parent_id)


def test_prune_job_records_progress_and_result(store, runs):
    from core.compress.jobs import prune_job

    prune_job({"run_id": runs["binary"], "kind": AuditKind.PRUNE, "fraction": 0.5,
               "finetune_epochs": 1}, store=store, job_id=None, run_id=None)
    rec = JobRecord.read(store, runs["binary"], AuditKind.PRUNE)
    assert rec.state is JobState.DONE and rec.result["fraction"] == 0.5
    assert rec.result["sentences"][0].startswith("50% of the units")


def test_cli(runs, capsys):
    assert main(["compress", runs["binary"], "--prune", "0.95"]) == 2
    assert PRUNE_FRACTION.format(value=0.95) in capsys.readouterr().err
    assert main(["compress", runs["binary"], "--quantize", "--json"]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    result = json.loads(out[-1])
    assert result["parent_id"] == runs["binary"] and result["after"]["bytes"] > 0
    assert out[0] == f"{runs['binary']} → {result['child_id']}"
