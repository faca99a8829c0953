"""FGSM and PGD against torchattacks on digits, and the properties every attack must keep."""
import numpy as np
import pytest
import torch

from core.audit.stress import Constraint, StressSettings, fgsm, pgd, stress_model
from core.trained import load_network, predict_outputs
from core.data import prepared


def _loaded(run_fixture):
    store, run_id = run_fixture
    run = store.get_run(run_id)
    bundle, data = prepared(run.dataset)
    return load_network(run, store), bundle, data


def _accuracy(model, x, y):
    with torch.no_grad():
        return float((model(x).argmax(1) == y).float().mean())


@pytest.fixture(scope="module")
def digits(digits_run):
    model, bundle, data = _loaded(digits_run)
    x = torch.from_numpy(data.X_test)  # (270, 1, 8, 8) in 0..1
    y = torch.from_numpy(data.y_test).long()
    return model, x, y


def test_fgsm_matches_torchattacks_on_digits(digits):
    import torchattacks

    model, x, y = digits
    image = Constraint(torch.ones(1, 1, 8, 8), 0.0, 1.0)
    for eps in (0.05, 0.1, 0.2):
        ours = _accuracy(model, fgsm(model, x, y, "multiclass", eps, image), y)
        theirs = _accuracy(model, torchattacks.FGSM(model, eps=eps)(x, y), y)
        assert abs(ours - theirs) <= 0.01, (eps, ours, theirs)
    assert ours < _accuracy(model, x, y) - 0.3  # the attack really bites


def test_pgd_linf_and_l2_match_torchattacks_on_digits(digits):
    import torchattacks

    model, x, y = digits
    image = Constraint(torch.ones(1, 1, 8, 8), 0.0, 1.0)
    for eps in (0.05, 0.1):
        ours = _accuracy(model, pgd(model, x, y, "multiclass", eps, image, steps=10,
                                    step_size=eps / 4), y)
        ta = torchattacks.PGD(model, eps=eps, alpha=eps / 4, steps=10, random_start=False)
        theirs = _accuracy(model, ta(x, y), y)
        assert abs(ours - theirs) <= 0.01, ("linf", eps, ours, theirs)
    ours = _accuracy(model, pgd(model, x, y, "multiclass", 1.0, image, norm="l2", steps=10,
                                step_size=0.25), y)
    ta = torchattacks.PGDL2(model, eps=1.0, alpha=0.25, steps=10, random_start=False)
    theirs = _accuracy(model, ta(x, y), y)
    assert abs(ours - theirs) <= 0.01, ("l2", ours, theirs)


def test_pgd_stays_in_the_ball_and_the_pixel_range(digits):
    model, x, y = digits
    image = Constraint(torch.ones(1, 1, 8, 8), 0.0, 1.0)
    adv = pgd(model, x, y, "multiclass", 0.1, image, steps=5, random_start=True,
              generator=torch.Generator().manual_seed(0))
    assert float((adv - x).abs().max()) <= 0.1 + 1e-6
    assert float(adv.min()) >= 0.0 and float(adv.max()) <= 1.0
    adv2 = pgd(model, x, y, "multiclass", 0.5, image, norm="l2", steps=5)
    assert float((adv2 - x).flatten(1).norm(dim=1).max()) <= 0.5 + 1e-5


def test_digits_curves_start_at_the_clean_accuracy_and_pgd_never_recovers(digits_run):
    model, bundle, data = _loaded(digits_run)
    settings = StressSettings(strengths=[0, 0.02, 0.05, 0.1, 0.2], n_rows=200, steps=5)
    result = stress_model(model, bundle, data, settings)
    rows = np.sort(np.random.default_rng(0).choice(len(data.X_test), 200, replace=False))
    clean = float(np.mean(predict_outputs(model, data.X_test[rows], "multiclass").argmax(1)
                          == data.y_test[rows]))
    assert result["clean"] == clean
    for curve in result["curves"]:
        assert curve["points"][0]["metric"] == clean and curve["points"][0]["changed"] == 0.0
    for name in ("pgd_linf", "pgd_l2"):
        acc = [p["metric"] for p in next(c for c in result["curves"] if c["name"] == name)["points"]]
        assert all(b <= a for a, b in zip(acc, acc[1:])), (name, acc)
        assert acc[-1] < clean - 0.3
    assert {c["name"] for c in result["curves"]} == {"fgsm", "pgd_linf", "pgd_l2", "noise",
                                                      "blur", "occlusion"}
    ex = result["examples"][0]
    assert ex["before"] == ex["label"] and ex["after"] != ex["label"]
    assert np.abs(np.array(ex["adversarial"]) - np.array(ex["input"])).max() <= 0.1 + 1e-6
    assert result["groups"] == []  # digits have no sensitive column
