"""Structured pruning really shrinks: the smaller network computes exactly what the original
computes with the removed units silenced (their outgoing weights set to zero), and the units
removed are those a hand computation of the importance ranks last."""
import pytest
import torch

from core.build import build_model, count_params
from core.compress import (NOTHING_PRUNABLE, PRUNE_FRACTION, WHY_NO_WEIGHTED, WHY_NONE_FEEDS,
                           check_fraction, plan_prune)
from core.errors import LayerLabError
from core.spec import ModelSpec

DENSE = {"name": "d", "layers": [{"type": "Dense", "units": 10}, {"type": "BatchNorm"},
                                 {"type": "Dropout", "rate": 0.1}, {"type": "Dense", "units": 6}]}
CONV = {"name": "c", "layers": [{"type": "Conv2D", "filters": 6, "kernel_size": 3, "padding": "same"},
                                {"type": "MaxPool2D", "pool_size": 2}, {"type": "Flatten"},
                                {"type": "Dense", "units": 8}]}


def _net(spec, shape, n_out=3):
    torch.manual_seed(0)
    net = build_model(ModelSpec.model_validate(spec), shape, "multiclass", n_out)
    for m in net.modules():  # batch-norm statistics that are not the identity
        if isinstance(m, torch.nn.BatchNorm1d):
            m.running_mean.uniform_(-1, 1)
            m.running_var.uniform_(0.5, 2)
            m.weight.data.uniform_(0.5, 2)
            m.bias.data.uniform_(-1, 1)
    return net.eval()


def _silenced(net, spec, plan, shape):
    """The original network with the removed units' outgoing weights zeroed."""
    state = {k: v.clone() for k, v in net.state_dict().items()}
    layers = spec["layers"]
    weighted = [i for i, layer in enumerate(layers) if layer["type"] in ("Dense", "Conv2D")]
    for i, nxt in zip(weighted, weighted[1:] + [None]):
        n = layers[i].get("units") or layers[i]["filters"]
        kept = plan.kept[i + 1]
        removed = [j for j in range(n) if j not in kept]
        nxt_name = "output.weight" if nxt is None else \
            f"layer{nxt + 1}_{'dense.linear' if layers[nxt]['type'] == 'Dense' else 'conv2d.conv'}.weight"
        per = state[nxt_name].shape[1] // n
        for j in removed:
            state[nxt_name][:, j * per:(j + 1) * per] = 0
    silenced = build_model(ModelSpec.model_validate(spec), shape, "multiclass", 3)
    silenced.load_state_dict(state)
    return silenced.eval()


@pytest.mark.parametrize("spec,shape", [(DENSE, (5,)), (CONV, (1, 8, 8))])
def test_smaller_network_equals_the_silenced_original(spec, shape):
    net = _net(spec, shape)
    plan = plan_prune(spec, net.state_dict(), 0.5, "run-x")
    small = build_model(ModelSpec.model_validate(plan.spec), shape, "multiclass", 3)
    small.load_state_dict(plan.state)  # strict: every tensor has the rebuilt layer's shape
    assert count_params(small) < count_params(net)
    x = torch.randn(32, *shape)
    with torch.no_grad():
        torch.testing.assert_close(small.eval()(x), _silenced(net, spec, plan, shape)(x))


def test_units_ranked_by_incoming_times_outgoing_l1():
    spec = {"name": "h", "layers": [{"type": "Dense", "units": 4}]}
    net = _net(spec, (2,), n_out=1)
    w = torch.tensor([[1.0, 0], [0.1, 0], [2.0, 2.0], [0.5, 0.5]])
    b = torch.tensor([0.0, 0.0, 0.0, 0.5])
    out = torch.tensor([[1.0, 50.0, 0.1, 1.0]])
    state = dict(net.state_dict(), **{"layer1_dense.linear.weight": w,
                                      "layer1_dense.linear.bias": b, "output.weight": out})
    # by hand: unit importances 1*1, 0.1*50=5, 4*0.1=0.4, 1.5*1=1.5: keep units 1 and 3 (0-based)
    plan = plan_prune(spec, state, 0.5, "run-x")
    assert plan.spec["layers"][0]["units"] == 2
    torch.testing.assert_close(plan.state["layer1_dense.linear.weight"], w[[1, 3]])
    torch.testing.assert_close(plan.state["output.weight"], out[:, [1, 3]])
    assert plan.layers == [{"index": 1, "type": "Dense", "before": 4, "after": 2}]


@pytest.mark.parametrize("value", [0, 0.0, -0.1, 0.95, 1, "half"])
def test_fraction_outside_the_range(value):
    with pytest.raises(LayerLabError) as e:
        check_fraction(value)
    assert str(e.value) == PRUNE_FRACTION.format(value=value)


@pytest.mark.parametrize("layers,why", [
    ([], WHY_NO_WEIGHTED), ([{"type": "ReLU"}], WHY_NO_WEIGHTED),
    ([{"type": "Dense", "units": 1}], WHY_NONE_FEEDS),
    ([{"type": "Residual", "layers": [{"type": "Dense", "units": 5}]}], WHY_NO_WEIGHTED)])
def test_nothing_prunable(layers, why):
    spec = {"name": "n", "layers": layers}
    net = _net(spec, (5,))
    with pytest.raises(LayerLabError) as e:
        plan_prune(spec, net.state_dict(), 0.3, "run-7")
    assert str(e.value) == NOTHING_PRUNABLE.format(run_id="run-7", why=why)
