"""cached_by_checkpoint: a result is reused while the run's weights stay the same, and
recomputed as soon as a new checkpoint is written."""
from __future__ import annotations

import os

from core.audit.cache import cached_by_checkpoint
from core.trained import checkpoint_stamp
from core.audit.records import AuditKind, EvaluationRecord
from core.runs import open_store


def test_recomputes_after_the_checkpoint_changes_and_not_before(tmp_path):
    store = open_store()
    rid = store.create_run(name="r", dataset={"name": "moons"}, dataset_hash="h", spec={},
                           config={}, task="binary")
    ckpt = tmp_path / "model.safetensors"
    ckpt.write_bytes(b"weights v1")
    store.update_run(rid, checkpoint_path=str(ckpt))
    calls = []

    def compute():
        calls.append(1)
        return EvaluationRecord(evaluation={"n": len(calls)})

    def get(**kw):
        return cached_by_checkpoint(store, store.get_run(rid), AuditKind.EVALUATION, compute, **kw)

    first = get()
    assert first.evaluation == {"n": 1} and first.checkpoint == checkpoint_stamp(store.get_run(rid))
    assert get().evaluation == {"n": 1} and len(calls) == 1  # same weights: read back
    assert store.get_audit(rid, AuditKind.EVALUATION)["checkpoint"] == first.checkpoint

    ckpt.write_bytes(b"weights v2, one epoch later")
    os.utime(ckpt, ns=(1, 1))  # a new file version, whatever the clock's resolution
    assert get().evaluation == {"n": 2} and len(calls) == 2
    assert get().evaluation == {"n": 2} and len(calls) == 2
    assert get(refresh=True).evaluation == {"n": 3}


def test_a_result_saved_by_earlier_code_is_reused(tmp_path):
    store = open_store()
    rid = store.create_run(name="r", dataset={"name": "moons"}, dataset_hash="h", spec={},
                           config={}, task="binary")
    ckpt = tmp_path / "model.safetensors"
    ckpt.write_bytes(b"w")
    store.update_run(rid, checkpoint_path=str(ckpt))
    stamp = checkpoint_stamp(store.get_run(rid))
    store.save_audit(rid, "evaluation", {"checkpoint": stamp, "evaluation": {"old": True}})
    rec = cached_by_checkpoint(store, store.get_run(rid), AuditKind.EVALUATION,
                               lambda: EvaluationRecord(evaluation={"old": False}))
    assert rec.evaluation == {"old": True}
