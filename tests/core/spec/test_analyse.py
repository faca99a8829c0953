"""analyse(): shapes and counts from torch, and a plain message on the layer that is wrong."""
import pytest

from core.spec import analyse
from tests.core.spec.helpers import spec

D64 = {"type": "Dense", "units": 64}

ERRORS = [
    ("Conv2D on tabular",
     spec({"type": "Dense", "units": 108}, {"type": "Dropout"}, {"type": "Conv2D"}),
     (20,), "binary", 1, (3,),
     "Layer 3 (Conv2D) needs image input (channels, height, width) but receives a flat vector of "
     "108 features. Use a Dense layer, or pick an image dataset."),
    ("Dense on image", spec(D64), (1, 8, 8), "multiclass", 10, (1,),
     "Layer 1 (Dense) needs a flat vector but receives an image of 1 channel, 8×8 pixels. Add "
     "Flatten before it (or GlobalAvgPool to average over the image)."),
    ("LSTM on flat", spec({"type": "LSTM"}), (108,), "binary", 1, (1,),
     "Layer 1 (LSTM) needs a sequence (steps, features) but receives a flat vector of 108 "
     "features. Pick a sequence dataset, or use Dense layers for flat data."),
    ("GRU on image", spec({"type": "GRU"}), (1, 8, 8), "multiclass", 10, (1,),
     "Layer 1 (GRU) needs a sequence (steps, features) but receives an image of 1 channel, 8×8 "
     "pixels. Pick a sequence dataset, or use Conv2D layers for images."),
    ("Transformer heads", spec({"type": "Dense", "units": 30}, {"type": "TransformerEncoder"}),
     (50, 1), "multiclass", 3, (2,),
     "Layer 2 (TransformerEncoder): its 4 attention heads must share the 30 features of each "
     "step equally, but 30 is not a multiple of 4. Add a Dense layer with a multiple of 4 units "
     "(e.g. 32) before it, or use a number of heads that divides 30."),
    ("pooling below 1x1", spec({"type": "MaxPool2D", "pool_size": 4},
                               {"type": "AvgPool2D", "pool_size": 4}),
     (1, 8, 8), "multiclass", 10, (2,),
     "Layer 2 (AvgPool2D) would shrink the 2×2 image below 1×1 (pool size 4). Use a smaller pool "
     "size, or remove a pooling layer before it."),
    ("valid kernel too big", spec({"type": "MaxPool2D"},
                                  {"type": "Conv2D", "kernel_size": 5, "padding": "valid"}),
     (1, 8, 8), "multiclass", 10, (2,),
     "Layer 2 (Conv2D): its 5×5 kernel is larger than the 4×4 image it receives. Use padding "
     "'same', a smaller kernel, or fewer pooling layers before it."),
    ("residual changes shape",
     spec(D64, D64, {"type": "Residual", "layers": [D64, {"type": "Dense", "units": 32}]}),
     (108,), "binary", 1, (3,),
     "Layer 3 (Residual): the inside must keep the shape (64,) but ends with (32,); make its last "
     "layer Dense 64. The skip connection adds the input to the output, so both must have the "
     "same shape."),
    ("softmax in the middle", spec(D64, {"type": "Softmax"}, D64), (108,), "multiclass", 3, (2,),
     "Layer 2 (Softmax) can only be the last layer of a multiclass model. The output layer "
     "already turns scores into probabilities; a Softmax in the middle squeezes the signal into "
     "values that sum to 1 and hides most of it from the layers after. Remove it, or use ReLU "
     "here."),
    ("softmax inside a residual", spec(D64, {"type": "Residual", "layers": [{"type": "Softmax"}]}),
     (108,), "multiclass", 3, (2, 1),
     "Layer 2.1 (Softmax) can only be the last layer of a multiclass model. The output layer "
     "already turns scores into probabilities; a Softmax in the middle squeezes the signal into "
     "values that sum to 1 and hides most of it from the layers after. Remove it, or use ReLU "
     "here."),
    ("softmax on a binary task", spec(D64, {"type": "Softmax"}), (108,), "binary", 1, (2,),
     "Layer 2 (Softmax): this is a yes/no task, whose output is one score turned into a "
     "probability by a sigmoid; Softmax is only for choosing among several classes. Remove it."),
    ("head on an image", spec({"type": "Conv2D"}), (1, 8, 8), "multiclass", 10, (2,),
     "The output layer needs a flat vector but receives an image of 16 channels, 8×8 pixels. Add "
     "Flatten or GlobalAvgPool as the last layer."),
    ("head on a sequence", spec({"type": "LSTM", "return_sequences": True}),
     (50, 1), "multiclass", 3, (2,),
     "The output layer needs a flat vector but receives a sequence of 50 steps with 32 features "
     "each. Add Flatten or GlobalAvgPool as the last layer, or set return_sequences off on the "
     "last LSTM/GRU."),
    ("global pool on flat", spec({"type": "GlobalAvgPool"}), (108,), "binary", 1, (1,),
     "Layer 1 (GlobalAvgPool) averages over the steps of a sequence or the pixels of an image, "
     "but receives a flat vector of 108 features: there is nothing to average over. Remove it."),
]


@pytest.mark.parametrize("model, shape, task, n, path, expected", [e[1:] for e in ERRORS],
                         ids=[e[0] for e in ERRORS])
def test_errors_name_the_layer_and_the_fix(model, shape, task, n, path, expected):
    report = analyse(model, shape, task, n)
    assert not report.ok
    assert report.errors == [expected]
    wrong = [r for r in report.rows if r.error]
    assert [(r.path, r.error) for r in wrong] == [(path, expected)]
    after = report.rows[report.rows.index(wrong[0]) + 1:]
    if wrong[0].type != "Residual":  # a residual's children come after it but ran before
        assert all(r.output_shape is None for r in after)


def test_rows_after_an_error_have_no_shape_but_still_appear():
    report = analyse(spec({"type": "Conv2D"}, D64, {"type": "Dropout"}), (108,), "binary", 1)
    assert [r.type for r in report.rows] == ["Input", "Conv2D", "Dense", "Dropout", "Output"]
    assert [r.output_shape for r in report.rows] == [(108,), None, None, None, None]
    assert [r.params for r in report.rows[1:]] == [None] * 4


def test_shapes_and_params_follow_each_layer():
    report = analyse(spec({"type": "Dense", "units": 16, "activation": "none"},
                          {"type": "LSTM", "hidden_size": 8, "return_sequences": True},
                          {"type": "GRU", "hidden_size": 4, "bidirectional": True}),
                     (50, 3), "regression", 1)
    assert report.ok
    assert [r.output_shape for r in report.rows] == [(50, 3), (50, 16), (50, 8), (8,), (1,)]
    # Hand counts: Dense per step 3*16+16; LSTM 4*(16*8 + 8*8 + 8 + 8);
    # bidirectional GRU 2 * 3*(8*4 + 4*4 + 4 + 4); output 8+1.
    assert [r.params for r in report.rows] == [0, 64, 4 * (128 + 64 + 16), 2 * 3 * (32 + 16 + 8), 9]
    assert report.total_params == report.trainable_params == 64 + 832 + 336 + 9


def test_conv_same_with_stride_rounds_up_like_keras():
    report = analyse(spec({"type": "Conv2D", "filters": 4, "stride": 2, "kernel_size": 3},
                          {"type": "GlobalAvgPool"}), (3, 7, 7), "multiclass", 5)
    assert report.rows[1].output_shape == (4, 4, 4)  # ceil(7 / 2) = 4
    assert report.rows[1].params == 3 * 3 * 3 * 4 + 4


def test_residual_children_have_two_element_paths_and_the_parent_sums_them():
    report = analyse(spec(D64, {"type": "Residual", "layers": [D64, D64]}), (10,), "binary", 1)
    assert [r.path for r in report.rows] == [(), (1,), (2,), (2, 1), (2, 2), (3,)]
    assert report.rows[2].params == 2 * (64 * 64 + 64)
    assert report.total_params == (10 * 64 + 64) + 2 * (64 * 64 + 64) + 65


def test_softmax_as_the_last_multiclass_layer_is_the_output_activation():
    report = analyse(spec(D64, {"type": "Softmax"}), (108,), "multiclass", 3)
    assert report.ok
    row = report.rows[2]
    assert row.label == "Softmax (output activation; training uses the raw scores)"
    assert row.warning.startswith("Layer 2 (Softmax) is the output activation: LayerLab trains on "
                                  "the raw scores")


def test_an_empty_stack_is_a_linear_model_with_a_warning():
    report = analyse(spec(), (5,), "regression", 1)
    assert report.ok
    assert [r.type for r in report.rows] == ["Input", "Output"]
    assert report.total_params == 6
    assert report.warnings[0].startswith("No hidden layers: this is a linear model")


WARNINGS = [
    ("two activations", spec(D64, {"type": "ReLU"}), (2,),
     "Layer 2 (ReLU) comes right after another activation (the ReLU of Layer 1); two in a row "
     "rarely help. Remove one."),
    ("high dropout", spec(D64, {"type": "Dropout", "rate": 0.85}), (2,),
     "Layer 2 (Dropout) switches off 85% of the units on every training step; so much noise "
     "usually stops the network from learning. Try 0.2 to 0.5."),
    ("flatten on flat", spec({"type": "Flatten"}), (1,),
     "Layer 1 (Flatten) receives a flat vector already, so it changes nothing. You can remove it."),
    ("empty residual", spec(D64, {"type": "Residual"}), (2,),
     "Layer 2 (Residual) has nothing inside, so it only doubles its input. Add layers inside it "
     "(for example Dense 64, then Dense 64 without activation)."),
]


@pytest.mark.parametrize("model, path, expected", [w[1:] for w in WARNINGS],
                         ids=[w[0] for w in WARNINGS])
def test_unwise_but_working_stacks_get_warnings(model, path, expected):
    report = analyse(model, (12,), "binary", 1)
    assert report.ok and report.errors == []
    assert report.warnings == [expected]
    assert next(r for r in report.rows if r.path == path).warning == expected


def test_sigmoid_stack_deeper_than_five_warns_but_five_does_not():
    five = spec(*[{"type": "Dense", "units": 8, "activation": "sigmoid"}] * 5)
    six = spec(*five.model_dump()["layers"], {"type": "Sigmoid"})
    assert analyse(five, (4,), "binary", 1).warnings == []
    assert analyse(six, (4,), "binary", 1).warnings[0].startswith(
        "6 layers use Sigmoid or Tanh: a Sigmoid stack deeper than 5 may suffer vanishing "
        "gradients")


def test_memory_estimate_is_weights_grads_adam_plus_one_batch_of_activations():
    report = analyse(spec({"type": "Dense", "units": 32}), (10,), "binary", 1, batch_size=100)
    params = (10 * 32 + 32) + (32 + 1)
    # Floats per example kept for backward: the input 10, Linear 32, ReLU 32, output 1.
    floats = 10 + 32 + 32 + 1
    assert report.memory_bytes == params * 16 + floats * 100 * 4


def test_to_dict_is_json_ready():
    import json

    report = analyse(spec(D64), (3,), "binary", 1)
    data = json.loads(json.dumps(report.to_dict()))
    assert data["rows"][1] == {"path": [1], "type": "Dense", "label": "Dense 64 · ReLU",
                               "output_shape": [64], "params": 256, "error": None, "warning": None}
