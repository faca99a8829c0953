"""Runs that cannot be exported get a message saying why and what to export instead."""
import pytest

from core.errors import LayerLabError
from core.export import (NOT_FINISHED, NOT_ONE_NETWORK, UNKNOWN_FORMAT, WHAT_INSTEAD, export_run,
                         parse_formats)
from core.runs.messages import NO_SUCH_RUN
from core.trained import WHY_NOT_DIFFERENTIABLE


def test_unknown_run(store, tmp_path):
    with pytest.raises(LayerLabError) as e:
        export_run(store, "run-9999", tmp_path)
    assert str(e.value) == NO_SUCH_RUN.format(run_id="run-9999")


def test_unfinished_run(store, runs, tmp_path):
    with pytest.raises(LayerLabError) as e:
        export_run(store, runs["queued"], tmp_path / "out")
    assert str(e.value) == NOT_FINISHED.format(run_id=runs["queued"], status="queued",
                                               what=WHAT_INSTEAD["queued"])
    assert not (tmp_path / "out").exists()  # nothing half-written


def test_mixture_is_not_one_network(store, runs, tmp_path):
    run = store.get_run(runs["mixture"])
    with pytest.raises(LayerLabError) as e:
        export_run(store, runs["mixture"], tmp_path)
    assert str(e.value) == NOT_ONE_NETWORK.format(
        run_id=run.id, method="exponentiated gradient",
        why=WHY_NOT_DIFFERENTIABLE["exponentiated_gradient"], parent=run.parent_id)
    assert "Export its original run" in str(e.value)


def test_formats():
    assert parse_formats("all") == ("onnx", "pt2", "safetensors", "script")
    assert parse_formats("onnx,pt2") == ("onnx", "pt2")
    assert parse_formats("onnx") == ("onnx",)
    with pytest.raises(LayerLabError) as e:
        parse_formats("pickle")
    assert str(e.value) == UNKNOWN_FORMAT.format(fmt="pickle", known="onnx, pt2, safetensors, script")
