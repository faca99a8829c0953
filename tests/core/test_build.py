"""build_model: the real network behind a spec, refused before allocation when it cannot work."""
import resource

import pytest
import torch
from torch import nn

from core import settings
from core.build import build_model, count_params, layer_name
from core.errors import SpecError
from core.spec import analyse
from tests.core.spec.helpers import spec

D64 = {"type": "Dense", "units": 64}


def test_children_are_named_after_the_rows():
    model = build_model(spec(D64, {"type": "Dropout"}, {"type": "Residual", "layers": [D64]}),
                        (5,), "binary", 1)
    assert [n for n, _ in model.named_children()] == [
        "layer1_dense", "layer2_dropout", "layer3_residual", "output"]
    assert [n for n, _ in model.layer3_residual.body.named_children()] == ["layer3_1_dense"]
    assert layer_name((3, 1), "Dense") == "layer3_1_dense"


def test_build_refuses_a_spec_that_cannot_work_with_the_reports_errors():
    bad = spec({"type": "Conv2D"}, {"type": "Softmax"}, D64)
    expected = analyse(bad, (20,), "multiclass", 3).errors
    assert len(expected) == 2  # the shape error and the misplaced Softmax
    with pytest.raises(SpecError) as exc:
        build_model(bad, (20,), "multiclass", 3)
    assert str(exc.value) == "\n".join(expected)
    assert str(exc.value).startswith("Layer 1 (Conv2D) needs image input")


def test_memory_cap_refuses_before_anything_is_allocated(monkeypatch):
    monkeypatch.setattr(settings, "MAX_MODEL_BYTES", 1024 * 1024)
    built = []
    monkeypatch.setattr("core.build._build_node", lambda *a: built.append(a))
    huge = spec({"type": "Dense", "units": 65_536}, {"type": "Dense", "units": 65_536})
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(SpecError) as exc:
        build_model(huge, (108,), "binary", 1)
    # Hand estimate: weights+grads+2 Adam moments (16 bytes/param) + one batch of 256 examples
    # of activations (input 108, two Linear and two ReLU outputs of 65,536, the logit).
    params = (108 * 65_536 + 65_536) + (65_536 * 65_536 + 65_536) + (65_536 + 1)
    need = params * 16 + (108 + 4 * 65_536 + 1) * 256 * 4
    assert str(exc.value) == (f"This model would need about {round(need / 1024**3)} GB to train, "
                              "over the 1 MB cap. Use fewer units or layers.")
    assert built == []  # no real module was ever made
    # 4.3 billion float32 weights would be 17 GB; the peak memory of the process barely moved.
    grew_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before
    assert grew_kb < 500 * 1024


def test_the_default_cap_also_refuses_the_huge_model():
    huge = spec({"type": "Dense", "units": 65_536}, {"type": "Dense", "units": 65_536})
    with pytest.raises(SpecError, match=r"over the 4 GB cap\. Use fewer units or layers\.$"):
        build_model(huge, (108,), "binary", 1)


def test_output_is_logits_of_the_right_size_per_task():
    for task, n in (("binary", 1), ("multiclass", 4), ("regression", 1)):
        model = build_model(spec(D64), (7,), task, n)
        assert model(torch.randn(3, 7)).shape == (3, n)
        assert isinstance(model.output, nn.Linear) and model.output.out_features == n


def test_final_softmax_builds_as_identity_so_the_model_returns_logits():
    torch.manual_seed(0)
    with_softmax = build_model(spec(D64, {"type": "Softmax"}), (6,), "multiclass", 3)
    assert isinstance(with_softmax.layer2_softmax, nn.Identity)
    torch.manual_seed(0)
    without = build_model(spec(D64), (6,), "multiclass", 3)
    x = torch.randn(5, 6)
    assert torch.equal(with_softmax(x), without(x))  # same weights, no squashing in between


def test_residual_adds_its_input():
    model = build_model(spec({"type": "Residual", "layers": [{"type": "Dense", "units": 4,
                                                              "activation": "none"}]}),
                        (4,), "regression", 1)
    block = model.layer1_residual
    x = torch.randn(3, 4)
    assert torch.allclose(block(x), x + block.body.layer1_1_dense(x))


@pytest.mark.parametrize("bidirectional", [False, True])
def test_lstm_returns_the_final_state_of_each_direction(bidirectional):
    model = build_model(spec({"type": "LSTM", "hidden_size": 5, "bidirectional": bidirectional,
                              "num_layers": 2}), (9, 2), "binary", 1)
    layer = model.layer1_lstm
    x = torch.randn(3, 9, 2)
    all_steps, _ = layer.rnn(x)  # (batch, steps, 5 * dirs)
    expected = all_steps[:, -1, :5]  # forward direction: after the last step
    if bidirectional:  # backward direction: after reading back to step 0
        expected = torch.cat([expected, all_steps[:, 0, 5:]], dim=1)
    assert torch.allclose(layer(x), expected, atol=1e-6)


def test_global_avg_pool_averages_time_or_space():
    seq = build_model(spec({"type": "GlobalAvgPool"}), (6, 3), "binary", 1).layer1_globalavgpool
    x = torch.randn(2, 6, 3)
    assert torch.allclose(seq(x), x.mean(dim=1))
    img = build_model(spec({"type": "GlobalAvgPool"}), (3, 4, 5), "binary", 1).layer1_globalavgpool
    x = torch.randn(2, 3, 4, 5)
    assert torch.allclose(img(x), x.mean(dim=(2, 3)))


def test_dense_on_a_sequence_applies_to_each_step():
    model = build_model(spec({"type": "Dense", "units": 8, "activation": "none"},
                             {"type": "GlobalAvgPool"}), (5, 3), "binary", 1)
    dense = model.layer1_dense
    x = torch.randn(2, 5, 3)
    assert dense(x).shape == (2, 5, 8)
    assert torch.allclose(dense(x)[:, 4], dense.linear(x[:, 4]))


def test_transformer_sees_the_order_of_the_steps():
    torch.manual_seed(0)
    model = build_model(spec({"type": "Dense", "units": 8, "activation": "none"},
                             {"type": "TransformerEncoder", "num_heads": 2, "dropout": 0.0},
                             {"type": "GlobalAvgPool"}), (6, 1), "binary", 1).eval()
    with torch.no_grad():
        model.layer2_transformerencoder.position.normal_()  # a learned position signal
        x = torch.randn(1, 6, 1)
        assert not torch.allclose(model(x), model(x.flip(1)))


def test_count_params_and_device():
    model = build_model(spec(D64), (3,), "binary", 1, device="cpu")
    assert count_params(model) == (3 * 64 + 64) + 65
    assert {p.device.type for p in model.parameters()} == {"cpu"}
