"""Every preset builds, runs forward, and its reported counts are the real module's counts."""
import pytest
import torch

from core.build import build_model, count_params
from core.errors import SpecError
from core.spec import analyse, default_preset_for, get_preset, presets
from tests.core.spec.helpers import SHAPES, TASKS, prepared, submodule

PRESET_NAMES = [p.name for p in presets()]
# The built-in dataset each preset is meant for.
DATASET_OF = {"walkthrough_mlp": "adult", "residual_mlp": "adult", "deep_sigmoid": "adult",
              "lenet_cnn": "digits", "lstm_sequence": "waves", "tiny_transformer": "waves"}


def test_the_six_presets_exist_with_a_modality_each():
    assert sorted(PRESET_NAMES) == sorted(DATASET_OF)
    assert {p.name: p.modality for p in presets()} == {
        "walkthrough_mlp": "tabular", "residual_mlp": "tabular", "deep_sigmoid": "tabular",
        "lenet_cnn": "image", "lstm_sequence": "sequence", "tiny_transformer": "sequence"}


@pytest.mark.parametrize("name", PRESET_NAMES)
def test_preset_builds_and_counts_match_torch(name):
    preset = next(p for p in presets() if p.name == name)
    shape = SHAPES[preset.modality]
    task, n_outputs = TASKS[preset.modality]
    report = analyse(preset.spec, shape, task, n_outputs)
    assert report.ok, report.errors
    model = build_model(preset.spec, shape, task, n_outputs)

    out = model(torch.randn(4, *shape))
    assert out.shape == (4, n_outputs)
    assert report.total_params == sum(p.numel() for p in model.parameters()) == count_params(model)
    for row in report.rows[1:]:  # every layer row, the output head included
        module = submodule(model, row.path, row.type)
        assert row.params == sum(p.numel() for p in module.parameters()), row.label


@pytest.mark.parametrize("name", PRESET_NAMES)
def test_preset_runs_on_a_real_batch_of_its_dataset(name):
    data = prepared(DATASET_OF[name])
    model = build_model(get_preset(name), data.input_shape, data.task, data.n_outputs)
    batch = torch.from_numpy(data.X_train[:32])
    logits = model(batch)
    assert logits.shape == (32, data.n_outputs)
    assert torch.isfinite(logits).all()
    # Gradients reach the first layer: the model is trainable end to end.
    logits.sum().backward()
    first = next(model.parameters())
    assert first.grad is not None and first.grad.abs().sum() > 0


def test_lenet_shapes_fit_8x8_digits():
    report = analyse(get_preset("lenet_cnn"), (1, 8, 8), "multiclass", 10)
    shapes = [r.output_shape for r in report.rows]
    assert shapes == [(1, 8, 8), (6, 8, 8), (6, 4, 4), (16, 4, 4), (16, 2, 2), (64,), (120,),
                      (84,), (10,)]


def test_walkthrough_is_the_whitepapers_128_64_relu_network():
    report = analyse(get_preset("walkthrough_mlp"), (108,), "binary", 1)
    assert [r.label for r in report.rows] == [
        "Input", "Dense 128 · ReLU", "Dense 64 · ReLU", "Output · Dense 1 (one score for yes/no)"]
    # Hand count: 108*128 + 128, 128*64 + 64, 64*1 + 1.
    assert report.total_params == 108 * 128 + 128 + 128 * 64 + 64 + 64 + 1


def test_deep_sigmoid_is_described_as_bad_and_warns_of_vanishing_gradients():
    preset = next(p for p in presets() if p.name == "deep_sigmoid")
    assert "Deliberately bad" in preset.description
    assert [layer.activation for layer in preset.spec.layers] == ["sigmoid"] * 10
    report = analyse(preset.spec, (108,), "binary", 1)
    assert report.ok
    assert any("may suffer vanishing gradients" in w for w in report.warnings)


def test_unknown_preset_lists_the_valid_names():
    with pytest.raises(SpecError) as exc:
        get_preset("vgg")
    assert str(exc.value) == (
        "There is no preset called 'vgg'. Presets: walkthrough_mlp, lenet_cnn, lstm_sequence, "
        "tiny_transformer, residual_mlp, deep_sigmoid.")


def test_default_preset_per_modality_is_one_that_works_on_it():
    for modality, shape in SHAPES.items():
        name = default_preset_for(modality)
        task, n_outputs = TASKS[modality]
        assert analyse(get_preset(name), shape, task, n_outputs).ok, modality
    with pytest.raises(SpecError, match="Unknown kind of data 'audio'"):
        default_preset_for("audio")


def test_presets_hand_out_independent_copies():
    mine = get_preset("walkthrough_mlp")
    mine.layers[0].units = 7
    assert get_preset("walkthrough_mlp").layers[0].units == 128
