"""One trained Adult run shared by the report tests, with some audits saved and explain not run.

Evaluation, diagnosis, fairness (few bootstrap draws, to stay quick) and a small stress test are
saved the way their own pages save them; the explanation is left out on purpose ("not run").
"""
import pytest

from tests.module_home import in_home, layerlab_home, shared_home, store  # noqa: F401


@pytest.fixture(scope="module")
def audited_run(shared_home):  # noqa: F811
    from core.audit.diagnose import diagnose_run
    from core.audit.evaluate import evaluate_run, linear_baseline
    from core.audit.fairness import audit_run
    from core.audit.progress import Progress
    from core.audit.records import AuditKind
    from core.audit.stress import StressSettings, stress_run
    from core.data import default_ref
    from core.runs import open_store
    from core.spec import get_preset
    from core.train import default_config, train_run
    from core.train._submit import create_run

    with in_home(shared_home):
        st = open_store()
        rid = create_run(st, default_ref("adult", sensitive=["sex"]), get_preset("walkthrough_mlp"),
                         default_config("binary", epochs=1))
        assert train_run(st, rid).status == "finished"
        ev = evaluate_run(st, rid)
        linear_baseline(st, rid)
        diagnose_run(st, rid, ev)
        audit_run(st, rid, "sex", n_boot=5)
        settings = StressSettings(attacks=["fgsm"], corruptions=["noise"], strengths=[0, 0.1, 0.3],
                                  n_rows=200)
        Progress(st, rid, AuditKind.STRESS).done(stress_run(st, rid, settings))
    return rid
